namespace BidLocks.Generators.Model;

/// <summary>A bound lock-key template: literal text and the C# expressions of its holes, in order.</summary>
/// <param name="Source">The template as written in the attribute, for comments.</param>
/// <param name="Segments">The parts; adjacent literal text is merged.</param>
/// <param name="Collection">
/// When one hole is a collection of postings (<c>{postingIds}</c>, <c>{order.Lines.PostingId}</c>): the loop that
/// reads it. The segments then make one posting id per element, reading the element through its variable.
/// </param>
internal sealed record TemplateModel(string Source, EquatableArray<TemplateSegment> Segments, CollectionModel? Collection = null)
{
    /// <summary>
    /// The template is one hole whose value is a string, for example <c>{marketplaceId}</c>: the value is the key
    /// as it is, with no formatting or copying.
    /// </summary>
    public bool IsSingleStringValue => Segments.Count == 1 && Segments[0].Kind == TemplateSegmentKind.StringValue;

    /// <summary>The template has no holes: the key is a constant.</summary>
    public bool IsLiteral
    {
        get
        {
            foreach (TemplateSegment segment in Segments)
            {
                if (segment.Kind != TemplateSegmentKind.Literal)
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>The collection a multi-posting template iterates.</summary>
/// <param name="Expression">The C# expression of the collection, for example <c>order.Lines</c>.</param>
/// <param name="Name">Its name in messages.</param>
/// <param name="ElementType">The element type, fully qualified, for the loop variable.</param>
/// <param name="ElementVariable">The loop variable the segments read.</param>
/// <param name="ElementNullChecks">What must not be null in each element, checked before any I/O.</param>
internal sealed record CollectionModel(
    string Expression, string Name, string ElementType, string ElementVariable, EquatableArray<NullCheckModel> ElementNullChecks);

internal enum TemplateSegmentKind
{
    /// <summary>Literal text, braces already unescaped.</summary>
    Literal,

    /// <summary>A value formatted with the invariant culture.</summary>
    Value,

    /// <summary>A value of type <see cref="string"/>.</summary>
    StringValue,
}

/// <param name="Kind">What the segment is.</param>
/// <param name="Text">The literal text, or the C# expression of a value.</param>
internal sealed record TemplateSegment(TemplateSegmentKind Kind, string Text);
