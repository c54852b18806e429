using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests.Analyzers;

/// <summary>BL0105: blocking a thread on a call that waits for a distributed lock.</summary>
public sealed class BlockingWaitTests
{
    /// <summary>(statement with #0 on the blocking expression, how it blocks, the call that waits).</summary>
    public static TheoryData<string, string, string> Blocking => new()
    {
        { "using var lease = Hold({|#0:locks.AcquireAsync(\"m\", \"p\").Result|});", ".Result", "AcquireAsync" },
        { "{|#0:locks.AcquireLockAsync(\"m\", \"p\", \"h\").AsTask().Wait()|};", ".Wait()", "AcquireLockAsync" },
        { "var lease = {|#0:locks.TryAcquireAsync(\"m\", \"p\").GetAwaiter().GetResult()|}; Hold(lease!);", ".GetAwaiter().GetResult()", "TryAcquireAsync" },
        { "var lease = {|#0:locks.AcquireAsync(\"m\", \"p\").ConfigureAwait(false).GetAwaiter().GetResult()|}; Hold(lease);", ".GetAwaiter().GetResult()", "AcquireAsync" },
        { "Console.WriteLine({|#0:bids.BidAsync(\"p\", default).Result|});", ".Result", "BidAsync" },
        { "using var lease = Hold({|#0:locks.AcquireManyAsync(\"m\", new[] { \"p\" }, default(BidLockAcquireOptions)).Result|});", ".Result", "AcquireManyAsync" },
    };

    [Theory]
    [MemberData(nameof(Blocking))]
    public async Task Blocking_on_a_lock_wait_is_reported(string statement, string blocking, string call)
    {
        var test = new BidLockAnalyzerTest<BlockingWaitAnalyzer>(Host(statement));
        test.ExpectedDiagnostics.Add(Expect.Message(DiagnosticDescriptors.BlockingWait, 0, blocking, call));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Awaiting_and_blocking_on_unrelated_tasks_are_not_reported()
        => await new BidLockAnalyzerTest<BlockingWaitAnalyzer>(Host("""
            await using var lease = await locks.AcquireAsync("m", "p");
            Console.WriteLine(await bids.BidAsync("p", default));
            Task.Delay(1).Wait();
            Console.WriteLine(Task.FromResult(1).Result);
            """)).RunAsync(TestContext.Current.CancellationToken);

    private static string Host(string statements) => $$"""
        public partial class Bids(IBidLockManager locks)
        {
            [BidLock("m", "{postingId}")]
            public partial Task<int> BidAsync(string postingId, CancellationToken cancellationToken);

            private Task<int> BidAsyncCore(string postingId, CancellationToken cancellationToken) => Task.FromResult(1);
        }

        public sealed class Host(IBidLockManager locks, Bids bids)
        {
            public async Task RunAsync()
            {
                await Task.Yield();
                {{statements}}
            }

            private static IDisposable Hold(BidLockLease lease) => new Releaser(lease);

            private sealed class Releaser(BidLockLease lease) : IDisposable
            {
                public void Dispose() => GC.KeepAlive(lease);
            }
        }
        """;
}
