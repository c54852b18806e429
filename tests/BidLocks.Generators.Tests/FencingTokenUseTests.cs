using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests;

/// <summary>
/// A body that takes the lease gets a fencing token only if it may read it: the generated acquire skips the token
/// (which costs Redis a clock read and a write) when every mention of the lease is one of its token-free members.
/// Anything else, and a body the generator cannot watch, counts as a read.
/// </summary>
public sealed class FencingTokenUseTests
{
    private const string Skipped = "skipFencingToken: true";

    [Theory]
    [InlineData("return Task.FromResult(lease.IsHeld ? 1L : 0L);", true)]
    [InlineData("lease.LostToken.ThrowIfCancellationRequested(); return Task.FromResult((long)(lease.HolderId.Length + lease.PostingId.Length));", true)]
    [InlineData("return Task.FromResult(lease.ExpiresAt > DateTimeOffset.MinValue && !lease.IsLost ? 1L : lease.MarketplaceId.Length);", true)]
    [InlineData("return Task.FromResult(lease.FencingToken);", false)]
    [InlineData("return Task.FromResult(lease.GetFencingToken(posting.Id));", false)]
    [InlineData("return Task.FromResult(lease.FencingTokens[posting.Id]);", false)]
    [InlineData("return Task.FromResult((long)lease.ToString().Length);", false)]
    [InlineData("return Task.FromResult((long)$\"{lease}\".Length);", false)]
    [InlineData("return Elsewhere(lease);", false)]
    [InlineData("var kept = lease; return Task.FromResult(kept.IsHeld ? 1L : 0L);", false)]
    [InlineData("return Task.FromResult((long)(lease?.HolderId.Length ?? 0));", false)]
    public void The_acquire_skips_the_token_only_when_the_body_cannot_read_it(string body, bool skipped)
    {
        var generated = Generate(Service($$"""
            private Task<long> BidAsyncCore(Posting posting, CancellationToken cancellationToken, BidLockLease lease)
            {
                {{body}}
            }
            """));

        Assert.Equal(skipped, generated.Contains(Skipped, StringComparison.Ordinal));
    }

    [Fact]
    public void An_expression_bodied_body_that_reads_only_token_free_members_skips_it()
        => Assert.Contains(Skipped, Generate(Service("""
            private Task<long> BidAsyncCore(Posting posting, CancellationToken cancellationToken, BidLockLease lease)
                => Task.FromResult(lease.IsLost ? 0L : 1L);
            """)), StringComparison.Ordinal);

    // The generator's step runs again when the attributed method's file changes, not when the body's does: a body in
    // another file that later read the token would not be heard of, so it always gets one.
    [Fact]
    public void A_body_in_another_file_always_gets_the_token()
    {
        var outcome = TestCompilation.Run(TestCompilation.Create(
        [
            Shapes.Domain + Service(string.Empty),
            """
            namespace Auction
            {
                public partial class BidService
                {
                    private Task<long> BidAsyncCore(Posting posting, CancellationToken cancellationToken, BidLockLease lease)
                        => Task.FromResult(lease.IsHeld ? 1L : 0L);
                }
            }
            """,
        ]));

        outcome.AssertCompilesCleanly();
        Assert.DoesNotContain(Skipped, Assert.Single(outcome.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
    }

    private static string Service(string core) => $$"""
        namespace Auction
        {
            public partial class BidService(IBidLockManager locks)
            {
                [BidLock("ebay", "{posting.Id}")]
                public partial Task<long> BidAsync(Posting posting, CancellationToken cancellationToken);

                {{core}}

                private static Task<long> Elsewhere(BidLockLease lease) => Task.FromResult(lease.FencingToken);

                public IBidLockManager Locks => locks;
            }
        }
        """;

    private static string Generate(string source)
    {
        GeneratorOutcome outcome = TestCompilation.Run(Shapes.Domain + source);
        outcome.AssertCompilesCleanly();
        return Assert.Single(outcome.GeneratedSources).SourceText.ToString();
    }
}
