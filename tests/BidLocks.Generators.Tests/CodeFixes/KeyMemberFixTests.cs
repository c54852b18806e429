using BidLocks.CodeFixes;
using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Tests.CodeFixes;

/// <summary>
/// BL0106: a whole record in a key template is an error (two bids on posting 42 with amounts 10 and
/// 11 got different keys), and the fix puts one of its identifying members in the hole, ids first.
/// </summary>
public sealed class KeyMemberFixTests
{
    private const string Before = """
        public sealed record Bid(decimal Amount, string PostingId);

        public partial class Bids(IBidLockManager locks)
        {
            [BidLock("m", "{|#0:{bid}|}")]
            public partial Task PlaceAsync(Bid bid, CancellationToken cancellationToken);

            private Task PlaceAsyncCore(Bid bid, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    [Fact]
    public void A_value_whose_text_is_not_a_key_fails_the_build()
        => Assert.Equal(DiagnosticSeverity.Error, DiagnosticDescriptors.UnstableKeyText.DefaultSeverity);

    [Fact]
    public async Task The_first_fix_locks_on_the_id_member()
    {
        var test = new BidLockCodeFixTest<KeyTextAnalyzer, KeyMemberCodeFix>(Before, Before.Replace("{|#0:{bid}|}", "{bid.PostingId}", StringComparison.Ordinal));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.UnstableKeyText, 0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Each_identifying_member_is_offered()
    {
        var test = new BidLockCodeFixTest<KeyTextAnalyzer, KeyMemberCodeFix>(Before, Before.Replace("{|#0:{bid}|}", "{bid.Amount}", StringComparison.Ordinal))
        {
            CodeActionIndex = 1,
        };
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.UnstableKeyText, 0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }
}
