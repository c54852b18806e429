using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests.Analyzers;

/// <summary>BL0104: a [BidLock] method without a CancellationToken cannot be cancelled while it waits.</summary>
public sealed class CancellationTokenTests
{
    [Fact]
    public async Task A_method_without_a_token_is_reported_on_its_name()
    {
        var test = new BidLockAnalyzerTest<CancellationTokenAnalyzer>("""
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("m", "{postingId}")]
                public partial Task {|#0:BidAsync|}(string postingId);

                private Task BidAsyncCore(string postingId) => Task.CompletedTask;
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Message(DiagnosticDescriptors.MissingCancellationToken, 0, "BidAsync"));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_method_with_a_token_and_a_plain_method_without_one_are_not_reported()
        => await new BidLockAnalyzerTest<CancellationTokenAnalyzer>("""
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("m", "{postingId}")]
                public partial Task BidAsync(string postingId, CancellationToken cancellationToken = default);

                private Task BidAsyncCore(string postingId, CancellationToken cancellationToken) => Task.CompletedTask;

                public Task UnlockedAsync(string postingId) => Task.CompletedTask;
            }
            """).RunAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task It_can_be_suppressed()
        => await new BidLockAnalyzerTest<CancellationTokenAnalyzer>("""
            public partial class Bids(IBidLockManager locks)
            {
            #pragma warning disable BL0104 // The caller never cancels: a nightly batch.
                [BidLock("m", "{postingId}")]
                public partial Task BidAsync(string postingId);
            #pragma warning restore BL0104

                private Task BidAsyncCore(string postingId) => Task.CompletedTask;
            }
            """).RunAsync(TestContext.Current.CancellationToken);

    [Fact]
    public void The_message_says_what_to_add()
    {
        var message = string.Format(System.Globalization.CultureInfo.InvariantCulture, DiagnosticDescriptors.MissingCancellationToken.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), "BidAsync");

        Assert.EndsWith(": add a CancellationToken parameter", message);
    }
}
