namespace BidLocks.Generators.Model;

/// <summary>The type a method is declared in, with its namespace and every containing type.</summary>
/// <param name="Namespace">The namespace, empty for the global namespace.</param>
/// <param name="Types">Each containing type, outermost first.</param>
/// <param name="FullyQualifiedName">For example <c>global::N.Outer&lt;T&gt;.Inner</c>; also the grouping key.</param>
/// <param name="HintName">The generated file's name, made of safe characters only.</param>
internal sealed record ContainingTypeChain(
    string Namespace,
    EquatableArray<ContainingTypeModel> Types,
    string FullyQualifiedName,
    string HintName);

/// <summary>One partial type declaration to reopen.</summary>
/// <param name="Keyword">For example <c>class</c>, <c>record struct</c> or <c>ref struct</c>.</param>
/// <param name="NameWithTypeParameters">For example <c>Outer&lt;T&gt;</c>, or <c>IFeed&lt;out T&gt;</c> with variance.</param>
internal sealed record ContainingTypeModel(string Keyword, string NameWithTypeParameters);
