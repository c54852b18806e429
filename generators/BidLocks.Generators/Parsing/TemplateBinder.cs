using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Model;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Parsing
{
    /// <summary>
    /// Resolves a template's holes against the method's parameters and the members their types expose, and lists the
    /// null checks the generated code makes before it reads them.
    /// </summary>
    internal sealed class TemplateBinder
    {
        private readonly IMethodSymbol _method;
        private readonly Compilation _compilation;
        private readonly List<NullCheckModel> _nullChecks = new();

        public TemplateBinder(IMethodSymbol method, Compilation compilation)
        {
            _method = method;
            _compilation = compilation;
        }

        /// <summary>Every null check both templates need, in the order their values are read, without repeats.</summary>
        public ImmutableArray<NullCheckModel> NullChecks => _nullChecks.ToImmutableArray();

        /// <param name="template">The attribute argument.</param>
        /// <param name="role">"marketplace id" or "posting id", for messages.</param>
        /// <param name="location">Where to report a failure: the attribute argument.</param>
        /// <param name="failures">Receives the reasons the template is unusable.</param>
        public TemplateModel? Bind(string? template, string role, LocationInfo? location, List<ParseFailure> failures)
        {
            if (template is null || template.Length == 0)
            {
                failures.Add(new ParseFailure(
                    BidLockFailureReason.InvalidTemplate,
                    $"The {role} template is empty; name a parameter, for example \"{{marketplaceId}}\".",
                    location));
                return null;
            }

            ImmutableArray<TemplateToken> tokens = TemplateParser.Parse(template, out string? error);
            if (error is not null)
            {
                failures.Add(new ParseFailure(
                    BidLockFailureReason.InvalidTemplate, $"The {role} template \"{template}\" has {error}.", location));
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
                else if (BindHole(token.Path, template, role, location, failures) is { } segment)
                {
                    segments.Add(segment);
                }
                else
                {
                    ok = false;
                }
            }

            return ok ? new TemplateModel(template, segments.ToEquatableArray()) : null;
        }

        private TemplateSegment? BindHole(
            ImmutableArray<string> path, string template, string role, LocationInfo? location, List<ParseFailure> failures)
        {
            IParameterSymbol? parameter = _method.Parameters.FirstOrDefault(p => p.Name == path[0]);
            if (parameter is null)
            {
                failures.Add(new ParseFailure(
                    BidLockFailureReason.UnknownTemplateMember,
                    $"The {role} template \"{template}\" names '{path[0]}', which is not a parameter of {_method.Name}.",
                    location));
                return null;
            }

            string expression = CSharpNames.Identifier(parameter.Name);
            string name = parameter.Name;
            ITypeSymbol type = parameter.Type;
            for (int i = 1; i < path.Length; i++)
            {
                // Reading a member of null would throw NullReferenceException; fail with the name of what was null.
                AddNullCheckIfNullable(type, expression, name);
                ISymbol? member = FindReadableMember(type, path[i]);
                if (member is null)
                {
                    failures.Add(new ParseFailure(
                        BidLockFailureReason.UnknownTemplateMember,
                        $"The {role} template \"{template}\" reads '{path[i]}' of {name}, but {type.ToDisplayString()} has no readable instance field or property of that name.",
                        location));
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

            // A null key part would silently become "" in a formatted key, merging distinct locks: reject it.
            AddNullCheckIfNullable(type, expression, name);
            TemplateSegmentKind kind = type.SpecialType == SpecialType.System_String ? TemplateSegmentKind.StringValue : TemplateSegmentKind.Value;
            return new TemplateSegment(kind, expression);
        }

        private void AddNullCheckIfNullable(ITypeSymbol type, string expression, string name)
        {
            bool canBeNull = type.IsReferenceType
                || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
                || (type is ITypeParameterSymbol typeParameter && !typeParameter.HasValueTypeConstraint);
            if (canBeNull && !_nullChecks.Any(check => check.Expression == expression))
            {
                _nullChecks.Add(new NullCheckModel(expression, name));
            }
        }

        // An instance field or a property with a getter, readable from the method's type, found on the type, its base
        // types, its interfaces or (for a type parameter) its constraints. The most derived declaration wins.
        private ISymbol? FindReadableMember(ITypeSymbol type, string name)
        {
            INamedTypeSymbol within = _method.ContainingType;
            foreach (ITypeSymbol candidateType in SelfAndInheritedTypes(type))
            {
                foreach (ISymbol member in candidateType.GetMembers(name))
                {
                    if (member.IsStatic || !member.CanBeReferencedByName || !_compilation.IsSymbolAccessibleWithin(member, within, type))
                    {
                        continue;
                    }

                    if (member is IFieldSymbol)
                    {
                        return member;
                    }

                    if (member is IPropertySymbol { IsIndexer: false, GetMethod: { } getter }
                        && _compilation.IsSymbolAccessibleWithin(getter, within, type))
                    {
                        return member;
                    }
                }
            }

            return null;
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
}
