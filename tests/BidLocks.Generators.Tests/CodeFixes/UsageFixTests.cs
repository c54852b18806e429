using BidLocks.CodeFixes;
using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests.CodeFixes;

/// <summary>BL0101, BL0102 and BL0104 fixed: before and after.</summary>
public sealed class UsageFixTests
{
    private const string Bids = """
        public partial class Bids(IBidLockManager locks)
        {
            public IBidLockManager Locks => locks;

            [BidLock("m", "{postingId}")]
            public partial Task<int> BidAsync(string postingId, CancellationToken cancellationToken);

            internal Task<int> BidAsyncCore(string postingId, CancellationToken cancellationToken, BidLockLease lease) => Task.FromResult(1);
        }

        """;

    [Fact]
    public async Task A_Core_call_becomes_a_call_of_the_locked_method_without_the_lease()
    {
        var test = new BidLockCodeFixTest<CoreCallAnalyzer, CallLockedMethodCodeFix>(
            Bids + """
            public static class Caller
            {
                public static Task<int> PlaceAsync(Bids bids, BidLockLease lease, CancellationToken token)
                    => {|#0:bids.BidAsyncCore("p", token, lease)|};

                public static Task<int> PlaceNamedAsync(Bids bids, BidLockLease lease)
                    => {|#1:bids.BidAsyncCore(lease: lease, postingId: "p", cancellationToken: default)|};
            }
            """,
            Bids + """
            public static class Caller
            {
                public static Task<int> PlaceAsync(Bids bids, BidLockLease lease, CancellationToken token)
                    => bids.BidAsync("p", token);

                public static Task<int> PlaceNamedAsync(Bids bids, BidLockLease lease)
                    => bids.BidAsync(postingId: "p", cancellationToken: default);
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.CoreCalledDirectly, 0));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.CoreCalledDirectly, 1));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_leaked_lease_gets_await_using()
    {
        var test = new BidLockCodeFixTest<LeaseDisposalAnalyzer, AwaitUsingCodeFix>(
            """
            public sealed class Host(IBidLockManager locks)
            {
                public async Task<long> RunAsync()
                {
                    // The fence goes with the bid.
                    var lease = await {|#0:locks.AcquireAsync("m", "p")|}.ConfigureAwait(false);
                    await Task.Yield();
                    await lease.DisposeAsync();
                    return lease.FencingToken;
                }

                public async Task HoldAsync()
                {
                    await {|#1:locks.AcquireAsync("m", "p")|};
                    await Task.Yield();
                }
            }
            """,
            """
            public sealed class Host(IBidLockManager locks)
            {
                public async Task<long> RunAsync()
                {
                    // The fence goes with the bid.
                    await using var lease = await locks.AcquireAsync("m", "p").ConfigureAwait(false);
                    await Task.Yield();
                    await lease.DisposeAsync();
                    return lease.FencingToken;
                }

                public async Task HoldAsync()
                {
                    await using var lease = await locks.AcquireAsync("m", "p");
                    await Task.Yield();
                }
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.LeaseNotDisposed, 0));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.LeaseNotDisposed, 1));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_missing_token_is_added_to_the_method_and_its_Core()
    {
        var test = new BidLockCodeFixTest<CancellationTokenAnalyzer, AddCancellationTokenCodeFix>(
            """
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("m", "{postingId}")]
                public partial Task<int> {|#0:BidAsync|}(string postingId, params int[] amounts);

                private Task<int> BidAsyncCore(string postingId, int[] amounts, BidLockLease lease) => Task.FromResult(amounts.Length);
            }
            """,
            """
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("m", "{postingId}")]
                public partial Task<int> BidAsync(string postingId, CancellationToken cancellationToken = default, params int[] amounts);

                private Task<int> BidAsyncCore(string postingId, CancellationToken cancellationToken, int[] amounts, BidLockLease lease) => Task.FromResult(amounts.Length);
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.MissingCancellationToken, 0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }
}
