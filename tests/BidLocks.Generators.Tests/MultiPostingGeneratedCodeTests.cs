using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests;

/// <summary>
/// Multi-posting templates, compiled and run against the in-memory lock: the generated method takes every posting of
/// the collection as one lease while its body runs, checks each element before any I/O, and takes nothing when one
/// posting cannot be had.
/// </summary>
public sealed class MultiPostingGeneratedCodeTests : IDisposable
{
    private const string Source = """
        namespace Probe
        {
            public sealed record Line(string PostingId);

            public partial class BundleBidder(IBidLockManager locks, Func<IReadOnlyList<string>, Task<int>> body)
            {
                // Counted, so a test can show that a bad element fails before the manager is even read.
                public int ManagerReads { get; private set; }

                private IBidLockManager Locks
                {
                    get
                    {
                        ManagerReads++;
                        return locks;
                    }
                }

                [BidLock("{marketplaceId}", "{postingIds}", TimeoutSeconds = 0.3)]
                public partial Task<int> BundleAsync(string marketplaceId, IEnumerable<string> postingIds, CancellationToken cancellationToken);

                private Task<int> BundleAsyncCore(string marketplaceId, IEnumerable<string> postingIds, CancellationToken cancellationToken, BidLockLease lease)
                    => body(lease.PostingIds);

                [BidLock("m", "lot-{lines.PostingId}")]
                public partial Task<string> MoveAsync(List<Line> lines, CancellationToken cancellationToken);

                private Task<string> MoveAsyncCore(List<Line> lines, CancellationToken cancellationToken, BidLockLease lease)
                    => Task.FromResult(string.Join(",", lease.PostingIds));
            }
        }
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly GeneratedAssembly _assembly = GeneratedAssembly.Compile(Source);
    private readonly InMemoryBidLockManager _manager = new();

    public void Dispose()
    {
        _manager.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _assembly.Dispose();
    }

    [Fact(Timeout = 60_000)]
    public async Task The_body_runs_holding_every_posting_of_the_collection()
    {
        var heldDuringBody = new List<string>();
        object bidder = NewBidder(async postings =>
        {
            foreach (string posting in new[] { "a", "b", "c" })
            {
                if (!await IsFreeAsync(posting))
                {
                    heldDuringBody.Add(posting);
                }
            }

            return postings.Count;
        });

        int count = await GeneratedAssembly.Call<int>(bidder, "BundleAsync", "m", new[] { "c", "a", "c" }, TestContext.Current.CancellationToken)
            .WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Equal(2, count);
        Assert.Equal(["a", "c"], heldDuringBody);
        Assert.True(await IsFreeAsync("a"));
        Assert.True(await IsFreeAsync("c"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Each_element_gives_its_posting_through_the_template()
    {
        object bidder = NewBidder(_ => Task.FromResult(0));
        object lines = _assembly.Assembly.GetType("Probe.Line")!.MakeListOf(_assembly, "2", "10", "2");

        string postings = await GeneratedAssembly.Call<string>(bidder, "MoveAsync", lines, TestContext.Current.CancellationToken);

        // Ordinal order of the encoded keys: "lot-10" before "lot-2".
        Assert.Equal("lot-10,lot-2", postings);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_null_element_throws_naming_the_collection_before_the_manager_is_read()
    {
        object bidder = NewBidder(_ => Task.FromResult(0));
        object lines = _assembly.Assembly.GetType("Probe.Line")!.MakeListOf(_assembly, "1", null);

        var nullString = await Assert.ThrowsAsync<ArgumentNullException>(
            () => GeneratedAssembly.Call<int>(bidder, "BundleAsync", "m", new[] { "a", null }, TestContext.Current.CancellationToken));
        var nullLine = await Assert.ThrowsAsync<ArgumentNullException>(
            () => GeneratedAssembly.Call<string>(bidder, "MoveAsync", lines, TestContext.Current.CancellationToken));
        var nullCollection = await Assert.ThrowsAsync<ArgumentNullException>(
            () => GeneratedAssembly.Call<int>(bidder, "BundleAsync", "m", null, TestContext.Current.CancellationToken));

        Assert.Equal("postingIds[]", nullString.ParamName);
        Assert.Equal("lines[]", nullLine.ParamName);
        Assert.Equal("postingIds", nullCollection.ParamName);
        Assert.Equal(0, GeneratedAssembly.Get<int>(bidder, "ManagerReads"));
        Assert.Equal(0, _manager.GetMetrics().LockAttempts);
    }

    [Fact(Timeout = 60_000)]
    public async Task One_posting_held_elsewhere_times_out_the_set_and_the_body_does_not_run()
    {
        bool bodyRan = false;
        object bidder = NewBidder(_ =>
        {
            bodyRan = true;
            return Task.FromResult(0);
        });
        await using BidLockLease held = await Task.Run(() => _manager.AcquireAsync("m", "z", TimeSpan.FromSeconds(5)).AsTask(), TestContext.Current.CancellationToken);

        var timeout = await Assert.ThrowsAsync<BidLockTimeoutException>(
            () => GeneratedAssembly.Call<int>(bidder, "BundleAsync", "m", new[] { "z", "y", "x" }, TestContext.Current.CancellationToken));

        Assert.Equal("z", timeout.PostingId);
        Assert.False(bodyRan);
        Assert.True(await IsFreeAsync("x"));
        Assert.True(await IsFreeAsync("y"));
    }

    private object NewBidder(Func<IReadOnlyList<string>, Task<int>> body) => _assembly.Create("Probe.BundleBidder", _manager, body);

    // A flow of its own, not forked from the caller's: a fork of the body's flow would re-enter its postings.
    private async Task<bool> IsFreeAsync(string postingId)
    {
        Task<BidLockLease?> attempt;
        using (ExecutionContext.SuppressFlow())
        {
            attempt = Task.Run(() => _manager.TryAcquireAsync("m", postingId, TimeSpan.Zero).AsTask(), TestContext.Current.CancellationToken);
        }

        BidLockLease? lease = await attempt;
        if (lease is null)
        {
            return false;
        }

        await lease.DisposeAsync();
        return true;
    }
}

/// <summary>Builds a <c>List&lt;Line&gt;</c> of the compiled assembly's own record type.</summary>
internal static class CompiledLists
{
    public static object MakeListOf(this Type line, GeneratedAssembly assembly, params string?[] postingIds)
    {
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(line))!;
        foreach (string? postingId in postingIds)
        {
            list.Add(postingId is null ? null : assembly.Create(line.FullName!, postingId));
        }

        return list;
    }
}
