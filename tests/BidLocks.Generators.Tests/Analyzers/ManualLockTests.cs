using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests.Analyzers;

/// <summary>BL0103: a lock taken with AcquireLockAsync must be released for the same holder in a finally block.</summary>
public sealed class ManualLockTests
{
    /// <summary>(statements with #0 on the acquire, the holder as written).</summary>
    public static TheoryData<string, string> Unreleased => new()
    {
        { "if (await {|#0:locks.AcquireLockAsync(\"m\", \"p\", holder)|}) { Work(); await locks.ReleaseLockAsync(\"m\", \"p\", holder); }", "holder" },
        { "if (await {|#0:locks.AcquireLockAsync(\"m\", \"p\", holder)|}) { try { Work(); } finally { await locks.ReleaseLockAsync(\"m\", \"p\", other); } }", "holder" },
        { "await {|#0:locks.AcquireLockAsync(\"m\", \"p\", \"worker-1\")|};", "\"worker-1\"" },
        { "bool taken = await {|#0:locks.AcquireLockAsync(\"m\", \"p\", _holder, TimeSpan.FromSeconds(1))|}.ConfigureAwait(false); Console.WriteLine(taken);", "_holder" },
    };

    /// <summary>Statements that release for the same holder in a finally, or hand the acquire on.</summary>
    public static TheoryData<string> Released => new()
    {
        "if (await locks.AcquireLockAsync(\"m\", \"p\", holder)) { try { Work(); } finally { await locks.ReleaseLockAsync(\"m\", \"p\", holder); } }",
        "if (await locks.AcquireLockAsync(\"m\", \"p\", \"worker-1\")) { try { Work(); } finally { await locks.ReleaseLockAsync(\"m\", \"p\", \"worker-1\"); } }",
        "if (!await locks.AcquireLockAsync(\"m\", \"p\", _holder)) return; try { Work(); } finally { await locks.ReleaseLockAsync(\"m\", \"p\", _holder).ConfigureAwait(false); }",
        "if (await locks.AcquireLockAsync(\"m\", \"p\", holder + \"-a\")) { try { Work(); } finally { await locks.ReleaseLockAsync(\"m\", \"p\", holder + \"-a\"); } }",
    };

    [Theory]
    [MemberData(nameof(Unreleased))]
    public async Task A_lock_not_released_in_a_finally_for_its_holder_is_reported(string statements, string holder)
    {
        var test = new BidLockAnalyzerTest<ManualLockAnalyzer>(Host(statements));
        test.ExpectedDiagnostics.Add(Expect.Message(DiagnosticDescriptors.ManualLockNotReleased, 0, holder));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [MemberData(nameof(Released))]
    public async Task A_lock_released_in_a_finally_for_its_holder_is_not_reported(string statements)
        => await new BidLockAnalyzerTest<ManualLockAnalyzer>(Host(statements)).RunAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_wrapper_that_returns_the_acquire_leaves_the_release_to_its_caller()
        => await new BidLockAnalyzerTest<ManualLockAnalyzer>("""
            public sealed class Wrapper(IBidLockManager locks)
            {
                public ValueTask<bool> TakeAsync(string holder) => locks.AcquireLockAsync("m", "p", holder);

                public async Task<bool> TakeAwaitedAsync(string holder) => await locks.AcquireLockAsync("m", "p", holder);
            }
            """).RunAsync(TestContext.Current.CancellationToken);

    private static string Host(string statements) => $$"""
        public sealed class Host(IBidLockManager locks)
        {
            private readonly string _holder = "worker-2";

            public async Task RunAsync(string holder, string other)
            {
                {{statements}}
            }

            private static void Work() { }
        }
        """;
}
