using System.Reflection;
using System.Text;

namespace BidLocks.Tests.PublicApi;

/// <summary>
/// Writes the public surface of an assembly as sorted text, one type and then one member per line, so a change to the
/// API shows up as a diff of a committed file. Only what a user can name counts: public and protected members of
/// public types; compiler-made members (property accessors, record clones) are left out.
/// </summary>
internal static class PublicApiListing
{
    private static readonly NullabilityInfoContext Nullability = new();

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string Of(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(static type => type.FullName, StringComparer.Ordinal))
        {
            text.Append(DescribeType(type)).Append('\n');
            foreach (var member in type.GetMembers(Declared).Where(IsVisible).Select(DescribeMember).Order(StringComparer.Ordinal))
            {
                text.Append("    ").Append(member).Append('\n');
            }
        }

        return text.ToString();
    }

    private static bool IsVisible(MemberInfo member) => member switch
    {
        ConstructorInfo constructor => constructor.IsPublic || constructor.IsFamily || constructor.IsFamilyOrAssembly,
        MethodBase method => (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly) && !method.IsSpecialName && !method.Name.StartsWith('<'),
        FieldInfo field => (field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly) && !field.IsSpecialName,
        PropertyInfo property => property.GetAccessors(nonPublic: true).Any(static accessor => accessor.IsPublic || accessor.IsFamily || accessor.IsFamilyOrAssembly),
        EventInfo @event => @event.AddMethod is { } add && (add.IsPublic || add.IsFamily),
        Type nested => nested.IsNestedPublic || nested.IsNestedFamily,
        _ => false,
    };

    private static string DescribeType(Type type)
    {
        var kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
            : typeof(Delegate).IsAssignableFrom(type) ? "delegate" : "class";
        var modifiers = type switch
        {
            { IsClass: true, IsAbstract: true, IsSealed: true } => "static ",
            { IsClass: true, IsAbstract: true } when !type.IsInterface => "abstract ",
            { IsClass: true, IsSealed: true } when kind == "class" => "sealed ",
            _ => "",
        };
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum) && kind != "delegate")
        {
            bases.Add(Name(baseType));
        }

        bases.AddRange(type.GetInterfaces().Where(i => i.IsVisible && (type.BaseType is null || !i.IsAssignableFrom(type.BaseType))).Select(Name).Order(StringComparer.Ordinal));
        return $"{modifiers}{kind} {Name(type)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : "")}";
    }

    private static string DescribeMember(MemberInfo member) => member switch
    {
        ConstructorInfo constructor => $"{Access(constructor)}{constructor.DeclaringType!.Name.Split('`')[0]}({Parameters(constructor)})",
        MethodInfo method => $"{Access(method)}{(method.IsStatic ? "static " : "")}{Virtuality(method)}{Name(method.ReturnType, Nullability.Create(method.ReturnParameter))} {method.Name}{TypeArguments(method)}({Parameters(method)})",
        PropertyInfo property => $"{(property.GetAccessors(true)[0].IsStatic ? "static " : "")}{Name(property.PropertyType, Nullability.Create(property))} {property.Name} {{ {Accessors(property)}}}",
        FieldInfo field => $"{(field.IsLiteral ? "const " : field.IsStatic ? "static " : "")}{(field.IsInitOnly ? "readonly " : "")}{Name(field.FieldType, Nullability.Create(field))} {field.Name}{(field.IsLiteral ? " = " + Literal(field.GetRawConstantValue()) : "")}",
        EventInfo @event => $"event {Name(@event.EventHandlerType!)} {@event.Name}",
        Type nested => $"nested {DescribeType(nested)}",
        _ => member.ToString()!,
    };

    private static string Access(MethodBase method) => method.IsPublic ? "" : "protected ";

    private static string Virtuality(MethodInfo method)
        => method.DeclaringType!.IsInterface ? (method.IsAbstract ? "" : "default ")
            : method.IsAbstract ? "abstract "
            : method.IsVirtual && !method.IsFinal ? (method.GetBaseDefinition() == method ? "virtual " : "override ")
            : "";

    private static string Accessors(PropertyInfo property)
    {
        var text = new StringBuilder();
        if (property.GetMethod is { } get && (get.IsPublic || get.IsFamily))
        {
            text.Append("get; ");
        }

        if (property.SetMethod is { } set && (set.IsPublic || set.IsFamily))
        {
            var initOnly = set.ReturnParameter.GetRequiredCustomModifiers().Any(static modifier => modifier.FullName == "System.Runtime.CompilerServices.IsExternalInit");
            text.Append(initOnly ? "init; " : "set; ");
        }

        return text.ToString();
    }

    private static string TypeArguments(MethodInfo method)
        => method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(static argument => argument.Name)) + ">" : "";

    private static string Parameters(MethodBase method)
        => string.Join(", ", method.GetParameters().Select(parameter =>
            $"{(parameter.IsOut ? "out " : parameter.ParameterType.IsByRef ? "ref " : "")}{Name(parameter.ParameterType, Nullability.Create(parameter))} {parameter.Name}{(parameter.HasDefaultValue ? " = " + (parameter.DefaultValue is null && parameter.ParameterType.IsValueType && Nullable.GetUnderlyingType(parameter.ParameterType) is null ? "default" : Literal(parameter.DefaultValue)) : "")}"));

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    // A reference type the compiler marks nullable gets its '?'; value types show theirs through Nullable<T>.
    private static string Name(Type type, NullabilityInfo nullability)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!, nullability);
        }

        var suffix = !type.IsValueType && nullability.ReadState == NullabilityState.Nullable ? "?" : "";
        if (type.IsArray && nullability.ElementType is { } element)
        {
            return Name(type.GetElementType()!, element) + "[]" + suffix;
        }

        if (!type.IsGenericType || Nullable.GetUnderlyingType(type) is not null)
        {
            return Name(type) + suffix;
        }

        var arguments = type.GetGenericArguments().Select((argument, i) => Name(argument, nullability.GenericTypeArguments[i]));
        return Name(type).Split('<')[0] + "<" + string.Join(", ", arguments) + ">" + suffix;
    }

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!);
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name;
        if (!type.IsGenericType)
        {
            return name;
        }

        return name.Split('`')[0] + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
    }
}
