namespace BidLocks.Generators.Tests;

/// <summary>
/// One source per supported method shape. Each must compile, together with what the generator writes for it,
/// without a single warning, and the generated code is compared with <c>Baselines/{name}.g.cs.txt</c>.
/// </summary>
internal static class Shapes
{
    /// <summary>Types the shapes share.</summary>
    public const string Domain = """
        namespace Auction
        {
            public sealed record Seller(string Name);
            public sealed record Posting(string Id, Seller? Seller = null, int? Lot = null);
            public sealed record BidReceipt(string PostingId, decimal Amount, long FencingToken);
            public readonly record struct Market(string Code, int Region);
        }

        """;

    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        // The design's first example, in spirit: Task<T>, a primary-constructor manager, a member path, the lease in Core.
        ["DesignExample"] = """
            namespace Auction
            {
                public interface IMarketplaceClient
                {
                    Task<BidReceipt> SubmitAsync(Posting posting, decimal amount, long fencingToken, CancellationToken cancellationToken);
                }

                public partial class BidService(IBidLockManager locks, IMarketplaceClient client)
                {
                    [BidLock("{marketplaceId}", "{posting.Id}", TimeoutSeconds = 10)]
                    public partial Task<BidReceipt> PlaceBidAsync(string marketplaceId, Posting posting, decimal amount, CancellationToken cancellationToken);

                    private async Task<BidReceipt> PlaceBidAsyncCore(string marketplaceId, Posting posting, decimal amount, CancellationToken cancellationToken, BidLockLease lease)
                        => await client.SubmitAsync(posting, amount, lease.FencingToken, cancellationToken);
                }
            }
            """,

        // Task, a field manager, all timings given (fractions included), a Core without the lease.
        ["TaskWithFieldManager"] = """
            namespace Auction
            {
                public partial class WatchService
                {
                    private readonly IBidLockManager _locks;

                    public WatchService(IBidLockManager locks) => _locks = locks;

                    [BidLock("{marketplaceId}", "{postingId}", TimeoutSeconds = 2.5, TtlSeconds = 0.75, MaxHoldSeconds = 1e3)]
                    public partial Task WatchAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

                    private Task WatchAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken) => Task.CompletedTask;
                }
            }
            """,

        // ValueTask, a property whose type implements IBidLockManager.
        ["ValueTaskWithPropertyManager"] = """
            namespace Auction
            {
                public partial class RetractService
                {
                    public InMemoryBidLockManager Locks { get; } = new();

                    [BidLock("{marketplaceId}", "{postingId}")]
                    internal partial ValueTask RetractAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

                    private ValueTask RetractAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken) => default;
                }
            }
            """,

        // ValueTask<T> in a type with no manager: the shared one, from the factory.
        ["ValueTaskOfTWithSharedManager"] = """
            namespace Auction
            {
                public partial class QuoteService
                {
                    [BidLock("{marketplaceId}", "{postingId}")]
                    public partial ValueTask<decimal> QuoteAsync(string marketplaceId, int postingId, CancellationToken cancellationToken);

                    private ValueTask<decimal> QuoteAsyncCore(string marketplaceId, int postingId, CancellationToken cancellationToken, BidLockLease lease)
                        => new(lease.FencingToken);
                }
            }
            """,

        // Static methods, an extension method among them: always the shared manager, a static Core.
        ["StaticAndExtensionMethods"] = """
            namespace Auction
            {
                public static partial class Bids
                {
                    [BidLock("ebay", "{postingId}")]
                    public static partial Task<bool> RetractAsync(string postingId, CancellationToken cancellationToken);

                    private static Task<bool> RetractAsyncCore(string postingId, CancellationToken cancellationToken) => Task.FromResult(true);

                    [BidLock("{marketplaceId}", "{posting.Id}")]
                    public static partial Task<BidReceipt> BidAsync(this Posting posting, string marketplaceId, decimal amount);

                    private static Task<BidReceipt> BidAsyncCore(Posting posting, string marketplaceId, decimal amount, BidLockLease lease)
                        => Task.FromResult(new BidReceipt(posting.Id, amount, lease.FencingToken));
                }
            }
            """,

        // A generic method: type parameters and every kind of constraint repeated exactly; Core called with them.
        ["GenericMethodWithConstraints"] = """
            namespace Auction
            {
                public interface IListing
                {
                    string Id { get; }
                }

                public partial class Catalog(IBidLockManager locks)
                {
                    [BidLock("{marketplace}", "{listing.Id}:{key}")]
                    public partial Task<TResult?> BidAsync<TListing, TKey, TValue, TRaw, TResult, TMaybe>(string marketplace, TListing listing, TKey key, TValue value, TRaw raw, TMaybe? maybe, CancellationToken cancellationToken)
                        where TListing : class, IListing
                        where TKey : notnull, IComparable<TKey>
                        where TValue : struct, IEquatable<TValue>
                        where TRaw : unmanaged
                        where TResult : new()
                        where TMaybe : class?;

                    private Task<TResult?> BidAsyncCore<TListing, TKey, TValue, TRaw, TResult, TMaybe>(string marketplace, TListing listing, TKey key, TValue value, TRaw raw, TMaybe? maybe, CancellationToken cancellationToken)
                        where TListing : class, IListing
                        where TKey : notnull, IComparable<TKey>
                        where TValue : struct, IEquatable<TValue>
                        where TRaw : unmanaged
                        where TResult : new()
                        where TMaybe : class?
                        => Task.FromResult<TResult?>(new TResult());

                    public IBidLockManager Manager => locks;
                }
            }
            """,

        // A method three types deep: a generic class, a record struct and a generic record whose positional
        // property is the manager.
        ["NestedAndGenericContainingTypes"] = """
            namespace Auction.Nested
            {
                public partial class Outer<TMarket>
                    where TMarket : class
                {
                    public partial record struct Middle
                    {
                        public partial record Inner<TItem>(IBidLockManager Locks, TItem Fallback)
                        {
                            [BidLock("{market}", "{postingId}")]
                            public partial Task<TItem> BidAsync(TMarket market, string postingId, CancellationToken cancellationToken);

                            private Task<TItem> BidAsyncCore(TMarket market, string postingId, CancellationToken cancellationToken) => Task.FromResult(Fallback);
                        }
                    }
                }
            }
            """,

        // Every accessibility, plus new, virtual, sealed override, and readonly struct members.
        ["AccessibilityAndModifiers"] = """
            namespace Auction
            {
                public partial class BaseDesk(IBidLockManager locks)
                {
                    [BidLock("m", "{postingId}")]
                    public virtual partial Task OpenAsync(string postingId);

                    [BidLock("m", "{postingId}")]
                    protected internal partial Task ProtectedInternalAsync(string postingId);

                    [BidLock("m", "{postingId}")]
                    private protected partial Task PrivateProtectedAsync(string postingId);

                    [BidLock("m", "{postingId}")]
                    protected partial Task ProtectedAsync(string postingId);

                    [BidLock("m", "{postingId}")]
                    private partial Task PrivateAsync(string postingId);

                    public Task CallPrivateAsync() => PrivateAsync("p");

                    public IBidLockManager Locks => locks;

                    private Task OpenAsyncCore(string postingId) => Task.CompletedTask;
                    private Task ProtectedInternalAsyncCore(string postingId) => Task.CompletedTask;
                    private Task PrivateProtectedAsyncCore(string postingId) => Task.CompletedTask;
                    private Task ProtectedAsyncCore(string postingId) => Task.CompletedTask;
                    private Task PrivateAsyncCore(string postingId) => Task.CompletedTask;
                }

                public sealed partial class Desk(IBidLockManager locks) : BaseDesk(locks)
                {
                    [BidLock("m", "{postingId}")]
                    public sealed override partial Task OpenAsync(string postingId);

                    [BidLock("m", "{postingId}")]
                    internal new partial Task ProtectedAsync(string postingId);

                    private Task OpenAsyncCore(string postingId) => Task.CompletedTask;
                    private Task ProtectedAsyncCore(string postingId) => Task.CompletedTask;
                }

                public partial struct Counter
                {
                    private readonly IBidLockManager _locks;

                    public Counter(IBidLockManager locks) => _locks = locks;

                    [BidLock("m", "{postingId}")]
                    public readonly partial Task<int> CountAsync(string postingId, CancellationToken cancellationToken);

                    private readonly Task<int> CountAsyncCore(string postingId, CancellationToken cancellationToken) => Task.FromResult(1);
                }
            }
            """,

        // in, scoped in, ref readonly, params, defaults, nullable and tuple-named types; two 'in' overloads.
        ["ParameterModifiers"] = """
            namespace Auction
            {
                public partial class Ledger(IBidLockManager locks)
                {
                    [BidLock("{market.Code}", "{posting.Id}-{lot}")]
                    public partial Task<(bool Accepted, string? Reason)> RecordAsync(in Market market, Posting posting, scoped in int lot, ref readonly decimal limit, string? note = null, CancellationToken cancellationToken = default, params string[] tags);

                    private Task<(bool Accepted, string? Reason)> RecordAsyncCore(in Market market, Posting posting, in int lot, ref readonly decimal limit, string? note, CancellationToken cancellationToken, string[] tags)
                        => Task.FromResult<(bool Accepted, string? Reason)>((true, note));

                    [BidLock("{market.Code}", "{postingId}")]
                    public partial Task RecordAsync(in Market market, string postingId, IReadOnlyList<string?>? notes = null);

                    private Task RecordAsyncCore(in Market market, string postingId, IReadOnlyList<string?>? notes) => Task.CompletedTask;

                    public IBidLockManager Locks => locks;
                }
            }
            """,

        // Member paths: nullable references checked link by link, a Nullable<T> value, a struct path with no check.
        ["MemberPathTemplate"] = """
            namespace Auction
            {
                public partial class LotService(IBidLockManager locks)
                {
                    [BidLock("{market.Code}/{market.Region}", "{posting.Seller.Name}#{posting.Lot}")]
                    public partial Task<long> BidAsync(Market market, Posting posting, CancellationToken cancellationToken);

                    private Task<long> BidAsyncCore(Market market, Posting posting, CancellationToken cancellationToken, BidLockLease lease)
                        => Task.FromResult(lease.FencingToken);

                    public IBidLockManager Locks => locks;
                }
            }
            """,

        // Literal text, escaped braces, quotes and backslashes; a template with no holes at all.
        ["LiteralAndBracesTemplate"] = """
            namespace Auction
            {
                public partial class LiteralService(IBidLockManager locks)
                {
                    [BidLock("ebay", "lot \"{{{lot}}}\" \\ {{x}} \t{amount}")]
                    public partial Task BidAsync(int lot, decimal amount, CancellationToken cancellationToken);

                    private Task BidAsyncCore(int lot, decimal amount, CancellationToken cancellationToken) => Task.CompletedTask;

                    public IBidLockManager Locks => locks;
                }
            }
            """,

        // No CancellationToken parameter: the wait cannot be cancelled and the body gets the lease for LostToken.
        ["NoCancellationToken"] = """
            namespace Auction
            {
                public partial class SnipeService(IBidLockManager locks)
                {
                    [BidLock("{marketplaceId}", "{posting.Id}")]
                    public partial Task<BidReceipt> SnipeAsync(string marketplaceId, Posting posting, decimal amount);

                    private Task<BidReceipt> SnipeAsyncCore(string marketplaceId, Posting posting, decimal amount, BidLockLease lease)
                        => Task.FromResult(new BidReceipt(posting.Id, amount, lease.FencingToken));

                    public IBidLockManager Locks => locks;
                }
            }
            """,

        // Parameters named like C# keywords, like 'await' and like the generated locals; a user file with nullable
        // annotations off, whose oblivious signature the generated #nullable enable code must still match.
        ["KeywordNamesAndObliviousNullability"] = """
            #nullable disable
            namespace Auction
            {
                public partial class Oddities(IBidLockManager locks)
                {
                    [BidLock("{class}", "{await}-{__lease}")]
                    public partial Task<string> BidAsync(string @class, string @await, int __lease, string __manager, CancellationToken cancellationToken);

                    private Task<string> BidAsyncCore(string @class, string @await, int __lease, string __manager, CancellationToken cancellationToken)
                        => Task.FromResult(@class + @await + __lease + __manager);

                    public IBidLockManager Locks => locks;
                }
            }
            #nullable restore
            """,

        // A struct whose manager is a primary-constructor parameter, with an 'in' parameter: the private helper
        // that takes the lock is an instance method too, so it can still read the parameter.
        ["StructWithPrimaryConstructorManager"] = """
            namespace Auction
            {
                public partial struct Clerk(IBidLockManager locks)
                {
                    [BidLock("{marketplaceId}", "{postingId}")]
                    public partial ValueTask<long> StampAsync(string marketplaceId, in long postingId, CancellationToken cancellationToken);

                    private ValueTask<long> StampAsyncCore(string marketplaceId, in long postingId, CancellationToken cancellationToken, BidLockLease lease)
                        => new(lease.FencingToken + postingId);
                }
            }
            """,

        // Interface members: a default-implemented instance method whose manager is an interface property, and a
        // static method; covariant type parameter repeated with its variance.
        ["InterfaceMembers"] = """
            namespace Auction
            {
                public partial interface IBidder<out TReceipt>
                {
                    IBidLockManager Locks { get; }

                    [BidLock("{marketplaceId}", "{postingId}")]
                    public partial Task BidAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

                    private Task BidAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken) => Task.CompletedTask;

                    [BidLock("{marketplaceId}", "{postingId}")]
                    public static partial Task<string> DescribeAsync(string marketplaceId, string postingId);

                    private static Task<string> DescribeAsyncCore(string marketplaceId, string postingId) => Task.FromResult(postingId);
                }
            }
            """,

        // Multi-posting templates: a collection parameter, a member path through each element with literal text around
        // it, and an array of numbers; each takes every posting of the set through AcquireManyAsync.
        ["CollectionTemplates"] = """
            namespace Auction
            {
                public sealed record Line(string PostingId, decimal Amount);
                public sealed record Bundle(string Marketplace, IReadOnlyList<Line> Lines);

                public partial class BundleService(IBidLockManager locks)
                {
                    [BidLock("{marketplaceId}", "{postingIds}")]
                    public partial Task<long> PlaceBundleAsync(string marketplaceId, IEnumerable<string> postingIds, CancellationToken cancellationToken);

                    private Task<long> PlaceBundleAsyncCore(string marketplaceId, IEnumerable<string> postingIds, CancellationToken cancellationToken, BidLockLease lease)
                        => Task.FromResult(lease.FencingToken);

                    [BidLock("{bundle.Marketplace}", "lot-{bundle.Lines.PostingId}", TimeoutSeconds = 5)]
                    public partial Task MoveAsync(Bundle bundle, CancellationToken cancellationToken);

                    private Task MoveAsyncCore(Bundle bundle, CancellationToken cancellationToken) => Task.CompletedTask;

                    [BidLock("{market.Code}", "n{numbers}")]
                    public partial ValueTask WatchAsync(Market market, int[] numbers, CancellationToken cancellationToken);

                    private ValueTask WatchAsyncCore(Market market, int[] numbers, CancellationToken cancellationToken) => default;

                    // A member the collection itself has is read from the collection: one posting, not a set.
                    [BidLock("m", "size-{lines.Count}")]
                    public partial Task CountAsync(List<Line> lines, CancellationToken cancellationToken);

                    private Task CountAsyncCore(List<Line> lines, CancellationToken cancellationToken) => Task.CompletedTask;
                }
            }
            """,
    };
}
