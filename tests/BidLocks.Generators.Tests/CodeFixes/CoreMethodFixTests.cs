using BidLocks.CodeFixes;
using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests.CodeFixes;

/// <summary>BL0004 and BL0005 fixed: a Core with the right signature, declared or repaired; the result compiles.</summary>
public sealed class CoreMethodFixTests
{
    [Fact]
    public async Task Declares_the_missing_Core_with_the_lease()
    {
        var test = new BidLockCodeFixTest<BidLockMethodAnalyzer, CoreMethodCodeFix>(
            """
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("{marketplaceId}", "{postingId}")]
                public partial Task<decimal> {|#0:BidAsync|}(string marketplaceId, string postingId, decimal amount = 1m, CancellationToken cancellationToken = default);
            }
            """,
            """
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("{marketplaceId}", "{postingId}")]
                public partial Task<decimal> BidAsync(string marketplaceId, string postingId, decimal amount = 1m, CancellationToken cancellationToken = default);

                private Task<decimal> BidAsyncCore(string marketplaceId, string postingId, decimal amount, CancellationToken cancellationToken, BidLockLease lease) => throw new NotImplementedException();
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.CoreNotFound, 0));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Declares_a_static_generic_Core_with_the_constraints()
    {
        var test = new BidLockCodeFixTest<BidLockMethodAnalyzer, CoreMethodCodeFix>(
            """
            public static partial class Bids
            {
                [BidLock("m", "{item}")]
                public static partial ValueTask {|#0:BidAsync|}<T>(this T item, in int lease, CancellationToken cancellationToken) where T : notnull;
            }
            """,
            """
            public static partial class Bids
            {
                [BidLock("m", "{item}")]
                public static partial ValueTask BidAsync<T>(this T item, in int lease, CancellationToken cancellationToken) where T : notnull;

                private static ValueTask BidAsyncCore<T>(T item, in int lease, CancellationToken cancellationToken, BidLockLease lease2) where T : notnull => throw new NotImplementedException();
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.CoreNotFound, 0));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Repairs_a_mismatched_Core_keeping_its_body_names_and_lease()
    {
        var test = new BidLockCodeFixTest<BidLockMethodAnalyzer, CoreMethodCodeFix>(
            """
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("m", "{postingId}")]
                public partial Task<long> {|#0:BidAsync|}(string postingId, int amount, CancellationToken cancellationToken);

                private async Task<int> {|#1:BidAsyncCore|}(string id, long amount, BidLockLease held, CancellationToken cancellationToken)
                {
                    await Task.Delay(1, cancellationToken);
                    return id.Length + (int)amount + (int)held.FencingToken;
                }
            }
            """,
            """
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("m", "{postingId}")]
                public partial Task<long> BidAsync(string postingId, int amount, CancellationToken cancellationToken);

                private async Task<long> BidAsyncCore(string id, int amount, CancellationToken cancellationToken, BidLockLease held)
                {
                    await Task.Delay(1, cancellationToken);
                    return id.Length + (int)amount + (int)held.FencingToken;
                }
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.CoreMismatch, 0).WithLocation(1));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Makes_the_Core_of_a_static_method_static()
    {
        var test = new BidLockCodeFixTest<BidLockMethodAnalyzer, CoreMethodCodeFix>(
            """
            public partial class Bids
            {
                [BidLock("m", "{postingId}")]
                public static partial Task {|#0:BidAsync|}(string postingId, CancellationToken cancellationToken);

                private Task {|#1:BidAsyncCore|}(string postingId, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """,
            """
            public partial class Bids
            {
                [BidLock("m", "{postingId}")]
                public static partial Task BidAsync(string postingId, CancellationToken cancellationToken);

                private static Task BidAsyncCore(string postingId, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.CoreMismatch, 0).WithLocation(1));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }
}
