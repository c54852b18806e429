using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Parsing;

/// <summary>The types the parser compares against, looked up once per method.</summary>
internal sealed class KnownTypes
{
    public const string BidLockAttributeMetadataName = "BidLocks.BidLockAttribute";

    private KnownTypes(Compilation compilation)
    {
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        BidLockManager = compilation.GetTypeByMetadataName("BidLocks.IBidLockManager");
        BidLockLease = compilation.GetTypeByMetadataName("BidLocks.BidLockLease");
    }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? BidLockManager { get; }

    public INamedTypeSymbol? BidLockLease { get; }

    public static KnownTypes From(Compilation compilation) => new(compilation);

    /// <summary>True for <see cref="BidLockManager"/> itself or a class, struct or interface that implements it.</summary>
    public bool IsManagerType(ITypeSymbol type)
    {
        if (BidLockManager is null || type is ITypeParameterSymbol)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type, BidLockManager))
        {
            return true;
        }

        foreach (INamedTypeSymbol implemented in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented, BidLockManager))
            {
                return true;
            }
        }

        return false;
    }
}
