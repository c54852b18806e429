using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests.Analyzers;

/// <summary>
/// BL0001's message shows the definition to write with the method's own accessibility and return type (it
/// said <c>public partial Task</c> for a <c>Task&lt;BidReceipt&gt;</c> method) and says where the body goes.
/// </summary>
public sealed class NotPartialDefinitionMessageTests
{
    [Fact]
    public async Task A_method_with_a_body_is_told_its_own_definition_and_its_Core()
    {
        var test = new BidLockAnalyzerTest<BidLockMethodAnalyzer>("""
            public sealed record BidReceipt(long Token);

            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("m", "{postingId}")]
                internal async Task<BidReceipt> {|#0:PlaceBidAsync|}(string postingId, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    return new BidReceipt(1);
                }
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Message(
            DiagnosticDescriptors.NotPartialDefinition,
            0,
            "PlaceBidAsync must be a partial method definition without a body, for example 'internal partial Task<BidReceipt> PlaceBidAsync(...);': "
            + "the generator writes its body, which takes the lock and then calls PlaceBidAsyncCore. "
            + "Move the body into 'private async Task<BidReceipt> PlaceBidAsyncCore(...)' with the same parameters (it may add a trailing BidLockLease parameter)."));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }
}
