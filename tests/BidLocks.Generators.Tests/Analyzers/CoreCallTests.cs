using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests.Analyzers;

/// <summary>BL0101: a direct call or delegate of a Core body runs the bid without its lock.</summary>
public sealed class CoreCallTests
{
    private const string Bids = """
        public partial class Bids(IBidLockManager locks)
        {
            public IBidLockManager Locks => locks;

            [BidLock("{marketplaceId}", "{postingId}")]
            public partial Task<int> BidAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

            internal Task<int> BidAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken, BidLockLease lease)
                => Task.FromResult(lease.FencingToken > 0 ? 1 : 0);

            // Not a body: no [BidLock] method named Refresh.
            internal Task RefreshCore() => Task.CompletedTask;
        }

        """;

    [Fact]
    public async Task A_direct_call_is_reported()
    {
        var test = new BidLockAnalyzerTest<CoreCallAnalyzer>(Bids + """
            public static class Caller
            {
                public static Task<int> Bypass(Bids bids, BidLockLease lease) => {|#0:bids.BidAsyncCore("m", "p", default, lease)|};
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Message(DiagnosticDescriptors.CoreCalledDirectly, 0, "BidAsyncCore", "BidAsync"));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_delegate_of_the_body_is_reported()
    {
        var test = new BidLockAnalyzerTest<CoreCallAnalyzer>(Bids + """
            public static class Caller
            {
                public static Func<string, string, CancellationToken, BidLockLease, Task<int>> Body(Bids bids) => {|#0:bids.BidAsyncCore|};
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.CoreCalledDirectly, 0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_generated_call_nameof_the_locked_method_and_unrelated_Core_methods_are_not_reported()
    {
        await new BidLockAnalyzerTest<CoreCallAnalyzer>(Bids + """
            public static class Caller
            {
                public static string Name => nameof(Bids.BidAsyncCore);

                public static Task<int> Locked(Bids bids) => bids.BidAsync("m", "p", default);

                public static Task Other(Bids bids) => bids.RefreshCore();
            }
            """).RunAsync(TestContext.Current.CancellationToken);
    }
}
