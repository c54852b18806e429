using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Model;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Parsing;

/// <summary>
/// Resolves a template's holes against the method's parameters and the members their types expose, and lists the
/// null checks the generated code makes before it reads them.
/// </summary>
internal sealed class TemplateBinder
{
    private readonly IMethodSymbol _method;
    private readonly Compilation _compilation;
    private readonly List<NullCheckModel> _nullChecks = new();
    private readonly List<BoundTemplateValue> _values = new();

    // The template being bound: may a hole be a collection (the posting id template), and the one that is, if any.
    private bool _allowCollection;
    private CollectionBinding? _collection;

    public TemplateBinder(IMethodSymbol method, Compilation compilation)
    {
        _method = method;
        _compilation = compilation;
    }

    /// <summary>Every null check both templates need, in the order their values are read, without repeats.</summary>
    public ImmutableArray<NullCheckModel> NullChecks => _nullChecks.ToImmutableArray();

    /// <summary>Every hole bound so far, with the type of its value: for analyzers that judge how a value formats.</summary>
    public IReadOnlyList<BoundTemplateValue> Values => _values;

    /// <param name="template">The attribute argument.</param>
    /// <param name="role">"marketplace id" or "posting id", for messages.</param>
    /// <param name="site">Where the template was written: failures point at the hole, or at the whole argument.</param>
    /// <param name="failures">Receives the reasons the template is unusable.</param>
    /// <param name="allowCollection">True for the posting id template: one hole may be a collection of postings.</param>
    public TemplateModel? Bind(string? template, string role, TemplateSite site, List<ParseFailure> failures, bool allowCollection = false)
    {
        _allowCollection = allowCollection;
        _collection = null;
        if (template is null || template.Length == 0)
        {
            failures.Add(new ParseFailure(
                BidLockFailureReason.InvalidTemplate,
                $"The {role} template is empty; name a parameter, for example \"{{marketplaceId}}\".",
                site.Argument));
            return null;
        }

        ImmutableArray<TemplateToken> tokens = TemplateParser.Parse(template, out string? error);
        if (error is not null)
        {
            failures.Add(new ParseFailure(
                BidLockFailureReason.InvalidTemplate, $"The {role} template \"{template}\" is malformed: {error}.", site.Argument));
            return null;
        }

        var segments = new List<TemplateSegment>();
        bool ok = true;
        foreach (TemplateToken token in tokens)
        {
            if (!token.IsHole)
            {
                segments.Add(new TemplateSegment(TemplateSegmentKind.Literal, token.Text));
            }
            else if (BindHole(token.Path, template, role, site.Hole(token.Start, token.Length), failures) is { } segment)
            {
                segments.Add(segment);
            }
            else
            {
                ok = false;
            }
        }

        return ok ? new TemplateModel(template, segments.ToEquatableArray(), _collection?.ToModel()) : null;
    }

    private TemplateSegment? BindHole(
        ImmutableArray<string> path, string template, string role, LocationInfo? location, List<ParseFailure> failures)
    {
        IParameterSymbol? parameter = _method.Parameters.FirstOrDefault(p => p.Name == path[0]);
        if (parameter is null)
        {
            string? suggestion = NameSuggester.Closest(path[0], _method.Parameters.Select(p => p.Name));
            string hint = suggestion is not null
                ? $"; did you mean '{suggestion}'?"
                : _method.Parameters.IsEmpty
                    ? "; it has no parameters."
                    : $"; its parameters are {string.Join(", ", _method.Parameters.Select(p => "'" + p.Name + "'"))}.";
            failures.Add(new ParseFailure(
                BidLockFailureReason.UnknownTemplateMember,
                $"The {role} template \"{template}\" names '{path[0]}', which is not a parameter of {_method.Name}{hint}",
                location,
                Replacement: suggestion is null ? null : Hole(path.SetItem(0, suggestion))));
            return null;
        }

        string expression = CSharpNames.Identifier(parameter.Name);
        string name = parameter.Name;
        ITypeSymbol type = parameter.Type;
        bool inElement = false;
        for (int i = 1; i < path.Length; i++)
        {
            // Reading a member of null would throw NullReferenceException; fail with the name of what was null.
            AddNullCheckIfNullable(type, expression, name, inElement);
            ISymbol? member = FindReadableMember(type, path[i]);
            if (member is null && !inElement && CollectionTypes.ElementType(type, out _) is { } elements)
            {
                // A member the collection itself lacks is read from each element: {order.Lines.PostingId}.
                if (!EnterElements(ref expression, ref name, ref type, elements, template, role, location, failures))
                {
                    return null;
                }

                inElement = true;
                AddNullCheckIfNullable(type, expression, name, inElement);
                member = FindReadableMember(type, path[i]);
            }

            if (member is null)
            {
                failures.Add(UnreadableOrUnknown(type, path, i, name, template, role, location));
                return null;
            }

            expression += "." + CSharpNames.Identifier(member.Name);
            name += "." + member.Name;
            type = member is IPropertySymbol property ? property.Type : ((IFieldSymbol)member).Type;
        }

        if (type.IsRefLikeType || type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer || type.SpecialType == SpecialType.System_Void)
        {
            failures.Add(new ParseFailure(
                BidLockFailureReason.UnsupportedTemplateValue,
                $"The {role} template \"{template}\" reads {name}, of type {type.ToDisplayString()}, which cannot be formatted into a lock key.",
                location));
            return null;
        }

        bool ambiguous = false;
        if (!inElement && CollectionTypes.ElementType(type, out ambiguous) is { } elementType)
        {
            // The hole is the collection itself: each element is a posting id, {postingIds}.
            AddNullCheckIfNullable(type, expression, name, inElement: false);
            if (!EnterElements(ref expression, ref name, ref type, elementType, template, role, location, failures))
            {
                return null;
            }

            inElement = true;
        }
        else if (ambiguous)
        {
            failures.Add(CollectionFailure(
                $"The {role} template \"{template}\" reads {name}, of type {type.ToDisplayString()}, which is a collection of more than one element type; name a collection of one element type, such as IEnumerable<string>.",
                location));
            return null;
        }

        if (inElement && !ElementValueIsUsable(type, name, template, role, location, failures))
        {
            return null;
        }

        // A null key part would silently become "" in a formatted key, merging distinct locks: reject it.
        AddNullCheckIfNullable(type, expression, name, inElement);
        _values.Add(new BoundTemplateValue(name, type, role, location));
        TemplateSegmentKind kind = type.SpecialType == SpecialType.System_String ? TemplateSegmentKind.StringValue : TemplateSegmentKind.Value;
        return new TemplateSegment(kind, expression);
    }

    // A member that exists but cannot be read gets its own reason and says why; one that does not exist gets the
    // nearest readable name, since a typo is the usual cause.
    private ParseFailure UnreadableOrUnknown(
        ITypeSymbol type, ImmutableArray<string> path, int index, string ownerName, string template, string role, LocationInfo? location)
    {
        string memberName = path[index];
        string prefix = $"The {role} template \"{template}\" reads '{memberName}' of {ownerName}";
        ISymbol? existing = SelfAndInheritedTypes(type).SelectMany(t => t.GetMembers(memberName)).FirstOrDefault(m => m.CanBeReferencedByName);
        if (existing is not null)
        {
            return new ParseFailure(
                BidLockFailureReason.UnreadableTemplateMember,
                $"{prefix}, but {type.ToDisplayString()}.{memberName} {WhyUnreadable(existing, type)}; a template reads instance fields and properties with a getter it can access.",
                location);
        }

        IEnumerable<string> readable = SelfAndInheritedTypes(type)
            .SelectMany(t => t.GetMembers())
            .Where(m => IsReadable(m, type))
            .Select(m => m.Name)
            .Distinct();
        string? suggestion = NameSuggester.Closest(memberName, readable);
        string hint = suggestion is null ? "." : $"; did you mean '{suggestion}'?";
        return new ParseFailure(
            BidLockFailureReason.UnknownTemplateMember,
            $"{prefix}, but {type.ToDisplayString()} has no field or property of that name{hint}",
            location,
            Replacement: suggestion is null ? null : Hole(path.SetItem(index, suggestion)));
    }

    // A hole as a template writes it; keywords keep their '@' so the path still parses.
    private static string Hole(ImmutableArray<string> path)
        => "{" + string.Join(".", path.Select(CSharpNames.Identifier)) + "}";

    private string WhyUnreadable(ISymbol member, ITypeSymbol type)
    {
        INamedTypeSymbol within = _method.ContainingType;
        if (member is IMethodSymbol)
        {
            return "is a method";
        }

        if (member.IsStatic)
        {
            return "is static";
        }

        if (member is IPropertySymbol { IsIndexer: true })
        {
            return "is an indexer";
        }

        if (!_compilation.IsSymbolAccessibleWithin(member, within, type))
        {
            return $"is not accessible from {within.Name}";
        }

        if (member is IPropertySymbol property)
        {
            return property.GetMethod is null ? "is write-only" : $"has a getter that is not accessible from {within.Name}";
        }

        return "cannot be read";
    }

    private void AddNullCheckIfNullable(ITypeSymbol type, string expression, string name, bool inElement = false)
    {
        bool canBeNull = type.IsReferenceType
            || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
            || (type is ITypeParameterSymbol typeParameter && !typeParameter.HasValueTypeConstraint);
        List<NullCheckModel> checks = inElement ? _collection!.NullChecks : _nullChecks;
        if (canBeNull && !checks.Any(check => check.Expression == expression))
        {
            checks.Add(new NullCheckModel(expression, name));
        }
    }

    /// <summary>
    /// Switches a hole from the collection to its elements: the expression becomes the loop variable and the name
    /// gets <c>[]</c>. Fails where a collection cannot be: the marketplace id, or a second collection.
    /// </summary>
    private bool EnterElements(
        ref string expression, ref string name, ref ITypeSymbol type, ITypeSymbol elementType,
        string template, string role, LocationInfo? location, List<ParseFailure> failures)
    {
        if (!_allowCollection)
        {
            failures.Add(CollectionFailure(
                $"The {role} template \"{template}\" reads {name}, a collection of {elementType.ToDisplayString()}; a lock covers one marketplace, so name a single marketplace id. A collection of postings belongs in the posting id template.",
                location));
            return false;
        }

        if (_collection is not null)
        {
            failures.Add(CollectionFailure(
                $"The {role} template \"{template}\" reads two collections, {_collection.Name} and {name}; a multi-posting lock iterates one collection of postings.",
                location));
            return false;
        }

        string variable = "__element";
        while (_method.Parameters.Any(p => p.Name == variable))
        {
            variable += "_";
        }

        _collection = new CollectionBinding(expression, name, CSharpNames.Type(elementType), variable);
        expression = variable;
        name += "[]";
        type = elementType;
        return true;
    }

    // What each element yields must be a posting id: not itself a collection, and not declared as possibly null
    // (a set of postings with holes in it cannot be locked, and a declared-nullable element says there will be).
    private static bool ElementValueIsUsable(ITypeSymbol type, string name, string template, string role, LocationInfo? location, List<ParseFailure> failures)
    {
        if (CollectionTypes.ElementType(type, out _) is { } nested)
        {
            failures.Add(CollectionFailure(
                $"The {role} template \"{template}\" reads {name}, itself a collection of {nested.ToDisplayString()}; a multi-posting lock reads one posting id from each element, so name a collection whose elements are (or have a member that is) a posting id.",
                location));
            return false;
        }

        if (type.NullableAnnotation == NullableAnnotation.Annotated || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            failures.Add(CollectionFailure(
                $"The {role} template \"{template}\" reads {name}, of type {type.ToDisplayString()}, which may be null; every element of a multi-posting lock must be a posting id: use a collection of non-nullable values.",
                location));
            return false;
        }

        return true;
    }

    private static ParseFailure CollectionFailure(string message, LocationInfo? location)
        => new(BidLockFailureReason.UnsupportedCollectionTemplate, message, location);

    /// <summary>The collection a template iterates, while it is being bound.</summary>
    private sealed class CollectionBinding
    {
        public CollectionBinding(string expression, string name, string elementType, string variable)
        {
            Expression = expression;
            Name = name;
            ElementType = elementType;
            Variable = variable;
        }

        public string Expression { get; }

        public string Name { get; }

        public string ElementType { get; }

        public string Variable { get; }

        public List<NullCheckModel> NullChecks { get; } = new();

        public CollectionModel ToModel() => new(Expression, Name, ElementType, Variable, NullChecks.ToEquatableArray());
    }

    // An instance field or a property with a getter, readable from the method's type, found on the type, its base
    // types, its interfaces or (for a type parameter) its constraints. The most derived declaration wins.
    private ISymbol? FindReadableMember(ITypeSymbol type, string name)
        => SelfAndInheritedTypes(type).SelectMany(t => t.GetMembers(name)).FirstOrDefault(member => IsReadable(member, type));

    private bool IsReadable(ISymbol member, ITypeSymbol throughType)
    {
        INamedTypeSymbol within = _method.ContainingType;
        if (member.IsStatic || !member.CanBeReferencedByName || !_compilation.IsSymbolAccessibleWithin(member, within, throughType))
        {
            return false;
        }

        return member is IFieldSymbol
            || (member is IPropertySymbol { IsIndexer: false, GetMethod: { } getter }
                && _compilation.IsSymbolAccessibleWithin(getter, within, throughType));
    }

    private static IEnumerable<ITypeSymbol> SelfAndInheritedTypes(ITypeSymbol type)
    {
        if (type is ITypeParameterSymbol typeParameter)
        {
            foreach (ITypeSymbol constraint in typeParameter.ConstraintTypes)
            {
                foreach (ITypeSymbol inherited in SelfAndInheritedTypes(constraint))
                {
                    yield return inherited;
                }
            }

            yield break;
        }

        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            yield return current;
        }

        foreach (INamedTypeSymbol implemented in type.AllInterfaces)
        {
            yield return implemented;
        }
    }
}

/// <summary>One hole's value as bound: its path (<c>posting.Id</c>), type, template and where it was written.</summary>
internal sealed record BoundTemplateValue(string Name, ITypeSymbol Type, string Role, LocationInfo? Location);
