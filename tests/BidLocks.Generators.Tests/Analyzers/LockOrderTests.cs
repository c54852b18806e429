using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests.Analyzers;

/// <summary>BL0107: a [BidLock] body that calls another [BidLock] method of its type on a different posting.</summary>
public sealed class LockOrderTests
{
    private const string Types = """
        public sealed record Posting(string Id);

        """;

    [Fact(Timeout = 60_000)]
    public async Task A_body_that_locks_a_second_posting_is_reported()
    {
        var test = new BidLockAnalyzerTest<LockOrderAnalyzer>(Types + """
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("{marketplaceId}", "{from.Id}")]
                public partial Task MoveAsync(string marketplaceId, Posting from, Posting to, decimal amount, CancellationToken cancellationToken);

                private async Task MoveAsyncCore(string marketplaceId, Posting from, Posting to, decimal amount, CancellationToken cancellationToken)
                    => await {|#0:PlaceAsync(marketplaceId, to.Id, amount, cancellationToken)|};

                [BidLock("{marketplaceId}", "{postingId}")]
                public partial Task PlaceAsync(string marketplaceId, string postingId, decimal amount, CancellationToken cancellationToken);

                private Task PlaceAsyncCore(string marketplaceId, string postingId, decimal amount, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Message(DiagnosticDescriptors.NestedLockOnAnotherKey, 0, "MoveAsync", "{from.Id}", "PlaceAsync", "{to.Id}"));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_call_whose_key_cannot_be_traced_is_reported_with_the_callee_template()
    {
        var test = new BidLockAnalyzerTest<LockOrderAnalyzer>(Types + """
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("m", "{postingId}")]
                public partial Task OuterAsync(string postingId, CancellationToken cancellationToken);

                private Task OuterAsyncCore(string postingId, CancellationToken cancellationToken)
                    => {|#0:InnerAsync(postingId.Trim(), cancellationToken)|};

                [BidLock("m", "{p}")]
                public partial Task InnerAsync(string p, CancellationToken cancellationToken);

                private Task InnerAsyncCore(string p, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Message(DiagnosticDescriptors.NestedLockOnAnotherKey, 0, "OuterAsync", "{postingId}", "InnerAsync", "{p}"));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_same_key_under_other_names_other_types_and_unlocked_methods_are_not_reported()
        => await new BidLockAnalyzerTest<LockOrderAnalyzer>(Types + """
            public partial class Bids(IBidLockManager locks, Other other)
            {
                // The body's parameters are named differently: they are the locked method's, position by position.
                [BidLock("{marketplaceId}", "lot-{posting.Id}")]
                public partial Task PlaceAsync(string marketplaceId, Posting posting, CancellationToken cancellationToken);

                private async Task PlaceAsyncCore(string market, Posting item, CancellationToken cancellationToken)
                {
                    await AuditAsync(market, item.Id, cancellationToken);   // the same lock: re-entry
                    await other.PlaceAsync(market, "another", cancellationToken);   // another type: its own design
                    await LogAsync(item.Id);                                 // not a [BidLock] method
                }

                [BidLock("{m}", "lot-{id}")]
                public partial Task AuditAsync(string m, string id, CancellationToken cancellationToken);

                private Task AuditAsyncCore(string m, string id, CancellationToken cancellationToken) => Task.CompletedTask;

                private static Task LogAsync(string id) => Task.CompletedTask;
            }

            public partial class Other(IBidLockManager locks)
            {
                [BidLock("{m}", "{p}")]
                public partial Task PlaceAsync(string m, string p, CancellationToken cancellationToken);

                private Task PlaceAsyncCore(string m, string p, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """).RunAsync(TestContext.Current.CancellationToken);
}
