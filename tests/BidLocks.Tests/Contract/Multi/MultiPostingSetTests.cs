namespace BidLocks.Tests.Contract.Multi;

/// <summary>A set is taken whole, described whole and released whole; bad sets are refused before any I/O.</summary>
public abstract partial class MultiPostingContract
{
    [Fact(Timeout = 30_000)]
    public async Task A_set_holds_every_posting_until_released()
    {
        var manager = await CreateManagerAsync();
        var peer = await CreatePeerAsync(manager);

        var lease = await manager.AcquireManyAsync(Marketplace, ["c", "a", "b"], Wait(TimeSpan.FromSeconds(10)), TestContext.Current.CancellationToken);

        Assert.Equal(["a", "b", "c"], lease.PostingIds);
        Assert.Equal("a", lease.PostingId);
        Assert.Equal(Marketplace, lease.MarketplaceId);
        Assert.True(lease.IsHeld);
        foreach (var posting in new[] { "a", "b", "c" })
        {
            Assert.False(await IsFreeAsync(peer, posting), posting);
        }

        Assert.True(await lease.ReleaseAsync());
        Assert.False(lease.IsHeld);
        Assert.True(lease.LostToken.IsCancellationRequested);
        foreach (var posting in new[] { "a", "b", "c" })
        {
            Assert.True(await IsFreeAsync(peer, posting), posting);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Each_posting_has_its_own_fencing_token_and_they_rise_per_posting()
    {
        var manager = await CreateManagerAsync();

        var first = await manager.AcquireManyAsync(Marketplace, ["x", "y"], Wait(TimeSpan.FromSeconds(10)), TestContext.Current.CancellationToken);
        var firstTokens = first.FencingTokens;
        await first.ReleaseAsync();
        await using var single = await manager.AcquireAsync(Marketplace, "y", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var singleToken = single.FencingToken;
        await single.ReleaseAsync();
        await using var second = await manager.AcquireManyAsync(Marketplace, ["y", "x"], Wait(TimeSpan.FromSeconds(10)), TestContext.Current.CancellationToken);

        Assert.Equal(["x", "y"], firstTokens.Keys.Order(StringComparer.Ordinal));
        Assert.All(firstTokens.Values, token => Assert.True(token > 0));
        Assert.Equal(firstTokens["x"], first.FencingToken);
        Assert.True(singleToken > firstTokens["y"]);
        Assert.True(second.GetFencingToken("y") > singleToken);
        Assert.True(second.GetFencingToken("x") > firstTokens["x"]);
        Assert.Throws<ArgumentException>("postingId", () => second.GetFencingToken("z"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Duplicates_collapse_into_one_posting()
    {
        var manager = await CreateManagerAsync();

        await using var lease = await manager.AcquireManyAsync(Marketplace, ["dup", "other", "dup", "dup"], Wait(TimeSpan.FromSeconds(10)), TestContext.Current.CancellationToken);

        Assert.Equal(["dup", "other"], lease.PostingIds);
        Assert.Equal(2, lease.FencingTokens.Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_set_that_skipped_its_fences_takes_one_when_a_reentrant_acquire_wants_it()
    {
        var manager = await CreateManagerAsync();
        await using var set = await manager.AcquireManyAsync(Marketplace, ["f1", "f2"], new BidLockAcquireOptions(TimeSpan.FromSeconds(10), SkipFencingToken: true), TestContext.Current.CancellationToken);

        await using var inner = await manager.AcquireAsync(Marketplace, "f2", TimeSpan.Zero, TestContext.Current.CancellationToken);

        Assert.True(inner.FencingToken > 0);
        Assert.Equal(inner.FencingToken, set.GetFencingToken("f2"));
        Assert.Equal(inner.HolderId, set.HolderId);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_largest_set_allowed_is_taken_whole()
    {
        var manager = await CreateManagerAsync();
        var postings = Enumerable.Range(0, BidLockDefaults.MaxPostingsPerLock).Select(i => $"p{i:D2}").ToList();

        await using var lease = await manager.AcquireManyAsync(Marketplace, [.. postings, .. postings], Wait(TimeSpan.FromSeconds(20)), TestContext.Current.CancellationToken);

        Assert.Equal(postings, lease.PostingIds);
    }

    [Fact(Timeout = 30_000)]
    public async Task Bad_sets_are_refused_naming_the_argument_before_any_IO()
    {
        var manager = await CreateManagerAsync();
        var options = Wait(TimeSpan.FromSeconds(1));
        var tooMany = Enumerable.Range(0, BidLockDefaults.MaxPostingsPerLock + 1).Select(i => $"p{i}").ToArray();

        await Assert.ThrowsAsync<ArgumentNullException>("postingIds", async () => await manager.AcquireManyAsync(Marketplace, null!, options, TestContext.Current.CancellationToken));
        var empty = await Assert.ThrowsAsync<ArgumentException>("postingIds", async () => await manager.AcquireManyAsync(Marketplace, [], options, TestContext.Current.CancellationToken));
        var nullElement = await Assert.ThrowsAsync<ArgumentException>("postingIds", async () => await manager.AcquireManyAsync(Marketplace, ["a", null!], options, TestContext.Current.CancellationToken));
        var blank = await Assert.ThrowsAsync<ArgumentException>("postingIds", async () => await manager.AcquireManyAsync(Marketplace, ["a", "b", " "], options, TestContext.Current.CancellationToken));
        var over = await Assert.ThrowsAsync<ArgumentException>("postingIds", async () => await manager.AcquireManyAsync(Marketplace, tooMany, options, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>("postingIds", async () => await manager.AcquireManyAsync(Marketplace, ["a", "\ud800"], options, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>("marketplaceId", async () => await manager.AcquireManyAsync("", ["a"], options, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await manager.AcquireManyAsync(Marketplace, ["a"], Wait(TimeSpan.FromSeconds(-2)), TestContext.Current.CancellationToken));

        Assert.Contains("empty", empty.Message);
        Assert.Contains("postingIds[1] is null", nullElement.Message);
        Assert.Contains("postingIds[2]", blank.Message);
        Assert.Contains(BidLockDefaults.MaxPostingsPerLock.ToString(System.Globalization.CultureInfo.InvariantCulture), over.Message);
        // Nothing reached the backend: not one lock was tried.
        Assert.Equal(0, manager.GetMetrics().LockAttempts);
    }
}
