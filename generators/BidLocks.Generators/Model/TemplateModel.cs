namespace BidLocks.Generators.Model
{
    /// <summary>A bound lock-key template: literal text and the C# expressions of its holes, in order.</summary>
    /// <param name="Source">The template as written in the attribute, for comments.</param>
    /// <param name="Segments">The parts; adjacent literal text is merged.</param>
    internal sealed record TemplateModel(string Source, EquatableArray<TemplateSegment> Segments)
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
}
