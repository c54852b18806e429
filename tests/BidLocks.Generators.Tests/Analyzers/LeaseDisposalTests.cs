using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests.Analyzers;

/// <summary>BL0102: a lease from AcquireAsync/TryAcquireAsync must be released on every path, or leave the method.</summary>
public sealed class LeaseDisposalTests
{
    /// <summary>(statements of an async method with 'locks' in scope and #0 on the acquire, the expected reason).</summary>
    public static TheoryData<string, string> Leaks => new()
    {
        { "var lease = await {|#0:locks.AcquireAsync(\"m\", \"p\")|}; Console.WriteLine(lease.FencingToken);", "is never disposed" },
        { "var lease = await {|#0:locks.AcquireAsync(\"m\", \"p\")|}.ConfigureAwait(false); Console.WriteLine(lease.FencingToken);", "is never disposed" },
        { "BidLockLease lease = await {|#0:locks.AcquireAsync(\"m\", \"p\")|}; Work(); await lease.DisposeAsync();", "is disposed, but not in a finally block" },
        { "var lease = await {|#0:locks.TryAcquireAsync(\"m\", \"p\")|}; if (lease is null) return; Work(); await lease.ReleaseAsync();", "is disposed, but not in a finally block" },
        { "await {|#0:locks.AcquireAsync(\"m\", \"p\")|};", "is discarded" },
        { "_ = await {|#0:locks.TryAcquireAsync(\"m\", \"p\")|};", "is discarded" },
        { "long fence = (await {|#0:locks.AcquireAsync(\"m\", \"p\")|}).FencingToken; Console.WriteLine(fence);", "is read once and dropped" },
        { "_ = {|#0:locks.AcquireAsync(\"m\", \"p\")|};", "is never awaited" },
        { "long fence = (await {|#0:locks.AcquireAsync(\"m\", \"p\", TimeSpan.FromSeconds(1))|}).FencingToken; Console.WriteLine(fence);", "is read once and dropped" },
        { "long fence = (await {|#0:locks.AcquireAsync(\"m\", \"p\", BidLockAcquireOptions.FromSeconds(timeoutSeconds: 1))|}).FencingToken; Console.WriteLine(fence);", "is read once and dropped" },
        { "var set = await {|#0:locks.AcquireManyAsync(\"m\", new[] { \"p\", \"q\" }, default(BidLockAcquireOptions))|}; Console.WriteLine(set.FencingToken);", "is never disposed" },
        { "var memory = new InMemoryBidLockManager(); var lease = await {|#0:memory.AcquireAsync(\"m\", \"p\")|}; Console.WriteLine(lease.FencingToken);", "is never disposed" },
    };

    /// <summary>Statements that release the lease on every path, or hand it to an owner that does.</summary>
    public static TheoryData<string> Safe => new()
    {
        "await using var lease = await locks.AcquireAsync(\"m\", \"p\"); Work();",
        "await using (var lease = await locks.AcquireAsync(\"m\", \"p\").ConfigureAwait(false)) { Work(); }",
        "var lease = await locks.TryAcquireAsync(\"m\", \"p\"); if (lease is null) return; try { Work(); } finally { await lease.DisposeAsync(); }",
        "BidLockLease? lease = null; try { lease = await locks.AcquireAsync(\"m\", \"p\"); Work(); } finally { if (lease != null) await lease.ReleaseAsync(); }",
        "var lease = await locks.AcquireAsync(\"m\", \"p\"); await using (lease) { Work(); }",
        "await using var set = await locks.AcquireManyAsync(\"m\", new[] { \"p\", \"q\" }, default(BidLockAcquireOptions)); Work();",
        "await using var lease = await locks.TryAcquireAsync(\"m\", \"p\") ?? throw new TimeoutException();",
        "_held = await locks.AcquireAsync(\"m\", \"p\");",
        "Keep(await locks.AcquireAsync(\"m\", \"p\"));",
        "var lease = await locks.AcquireAsync(\"m\", \"p\"); Keep(lease);",
        "var pending = locks.AcquireAsync(\"m\", \"p\"); await using var lease = await pending;",
        "var lease = await locks.AcquireAsync(\"m\", \"p\"); _release = async () => await lease.ReleaseAsync();",
        "var lease = await locks.AcquireAsync(\"m\", \"p\"); _release = ReleaseAsync; async Task ReleaseAsync() => await lease.DisposeAsync();",

        // Taken and released at once (a barrier behind whoever holds the posting), with either overload.
        "await (await locks.AcquireAsync(\"m\", \"p\", TimeSpan.FromSeconds(1))).DisposeAsync();",
        "var options = BidLockAcquireOptions.FromSeconds(timeoutSeconds: 1); await (await locks.AcquireAsync(\"m\", \"p\", options)).DisposeAsync();",
        "await (await locks.AcquireAsync(\"m\", \"p\", BidLockAcquireOptions.FromSeconds(timeoutSeconds: 1)).ConfigureAwait(false)).ReleaseAsync();",
        "await (await locks.AcquireAsync(\"m\", \"p\")).ReleaseAsync();",
    };

    [Theory]
    [MemberData(nameof(Leaks))]
    public async Task A_lease_that_can_leak_is_reported(string statements, string reason)
    {
        var test = new BidLockAnalyzerTest<LeaseDisposalAnalyzer>(Host(statements));
        string method = new[] { "TryAcquireAsync", "AcquireManyAsync" }.FirstOrDefault(name => statements.Contains(name, StringComparison.Ordinal)) ?? "AcquireAsync";
        test.ExpectedDiagnostics.Add(Expect.Message(DiagnosticDescriptors.LeaseNotDisposed, 0, method, reason));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [MemberData(nameof(Safe))]
    public async Task A_lease_released_on_every_path_or_handed_on_is_not_reported(string statements)
        => await new BidLockAnalyzerTest<LeaseDisposalAnalyzer>(Host(statements)).RunAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_returned_lease_is_the_callers_to_dispose()
        => await new BidLockAnalyzerTest<LeaseDisposalAnalyzer>("""
            public static class Leases
            {
                public static async Task<BidLockLease> TakeAsync(IBidLockManager locks) => await locks.AcquireAsync("m", "p");

                public static async Task<BidLockLease> TakeAndReturnAsync(IBidLockManager locks)
                {
                    var lease = await locks.AcquireAsync("m", "p");
                    return lease;
                }
            }
            """).RunAsync(TestContext.Current.CancellationToken);

    private static string Host(string statements) => $$"""
        public sealed class Host(IBidLockManager locks)
        {
            private BidLockLease? _held;
            private Func<Task>? _release;

            public BidLockLease? Held => _held;

            public Func<Task>? Release => _release;

            public async Task RunAsync()
            {
                {{statements}}
            }

            private static void Work() { }

            private static void Keep(BidLockLease lease) => GC.KeepAlive(lease);
        }
        """;
}
