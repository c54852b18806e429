using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using BidLocks.Tests.Support;

namespace BidLocks.Tests.Metrics;

/// <summary>
/// The <c>BidLocks</c> meter as an operator's collector sees it: every instrument is documented in the README with its
/// unit, durations are in seconds, and the held-now instruments and the hold and wait histograms move with the locks.
/// The meter is process-wide and other tests lock beside these, so each check looks for a value only this test makes.
/// </summary>
public sealed partial class MeterInstrumentsTests
{
    [Fact(Timeout = 30_000)]
    public async Task Every_instrument_of_the_BidLocks_meter_is_in_the_README_with_its_unit_and_tag()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        await using (new InMemoryBidLockManager())
        {
            // Made: the meter's instruments exist.
        }

        var published = new ConcurrentDictionary<string, Instrument>();
        using var listener = new MeterListener { InstrumentPublished = (instrument, _) => { if (instrument.Meter.Name == "BidLocks") { published[instrument.Name] = instrument; } } };
        listener.Start();

        var documented = ReadmeMetrics();
        Assert.Equal(published.Keys.Order(), documented.Keys.Order());
        Assert.All(published.Values, instrument => Assert.Equal(documented[instrument.Name].Unit, instrument.Unit));
        Assert.All(published.Values.Where(instrument => instrument.Name.EndsWith(".duration", StringComparison.Ordinal)), instrument => Assert.Equal("s", instrument.Unit));
        Assert.All(documented.Values, row => Assert.Equal("bidlocks.backend", row.Tags));
    }

    [Fact(Timeout = 30_000)]
    public async Task Held_now_and_longest_hold_are_observed_and_a_release_records_its_hold_time()
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = new SteppedMonotonicClock();
        await using var manager = new InMemoryBidLockManager(new BidLockOptions { TimeProvider = clock, DefaultTtl = TimeSpan.FromHours(2), MaxHold = TimeSpan.FromHours(2) });
        var holds = new ConcurrentBag<double>();
        var active = new ConcurrentBag<long>();
        var longest = new ConcurrentBag<double>();
        using var listener = Listen(
            (instrument, value, backend) =>
            {
                if (backend == "in-memory")
                {
                    switch (instrument)
                    {
                        case "bidlocks.lock.hold.duration": holds.Add(value); break;
                        case "bidlocks.lease.longest_hold": longest.Add(value); break;
                    }
                }
            },
            (instrument, value, backend) =>
            {
                if (backend == "in-memory" && instrument == "bidlocks.lease.active")
                {
                    active.Add(value);
                }
            });

        var lease = await manager.AcquireAsync("metrics", "held-" + Guid.NewGuid().ToString("N"), cancellationToken: cancel);
        // 4321 s on this manager's clock: no other test holds a lease that long.
        clock.Advance(TimeSpan.FromSeconds(4321));
        listener.RecordObservableInstruments();

        Assert.Contains(longest, value => value is >= 4321 and < 4400);
        Assert.Contains(active, value => value >= 1);

        await lease.ReleaseAsync();
        Assert.Contains(holds, value => value is >= 4321 and < 4400);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_wait_is_recorded_in_seconds()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var manager = new InMemoryBidLockManager();
        var waits = new ConcurrentBag<double>();
        using var listener = Listen((instrument, value, backend) => { if (instrument == "bidlocks.lock.wait.duration" && backend == "in-memory") { waits.Add(value); } }, (_, _, _) => { });
        var posting = "wait-" + Guid.NewGuid().ToString("N");
        var holder = await manager.AcquireAsync("metrics", posting, cancellationToken: cancel);
        // Another flow, not a fork of the holder's (which would re-enter the lock at once).
        Task<BidLockLease> waiter;
        using (ExecutionContext.SuppressFlow())
        {
            waiter = Task.Run(async () => await manager.AcquireAsync("metrics", posting, TimeSpan.FromSeconds(20), cancel), cancel);
        }

        await WaitForWaiterAsync(manager, posting);
        await Task.Delay(400, cancel);
        await holder.ReleaseAsync();
        await using var handed = await waiter;

        // 0.4 s and more in seconds; in milliseconds it would read 400 and more.
        Assert.Contains(waits, value => value is >= 0.35 and < 20);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_acquire_span_is_named_for_the_operation_and_carries_the_posting_as_a_tag()
    {
        var cancel = TestContext.Current.CancellationToken;
        var posting = "traced-" + Guid.NewGuid().ToString("N");
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "BidLocks",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var manager = new InMemoryBidLockManager();
        await using (await manager.AcquireAsync("traced", posting, cancellationToken: cancel))
        {
        }

        var span = Assert.Single(spans, activity => activity.GetTagItem("bidlock.key") is string key && key.Contains(posting, StringComparison.Ordinal));
        Assert.Equal("bidlock.acquire", span.DisplayName);
        Assert.Equal("in-memory", span.GetTagItem("bidlock.backend"));
    }

    private static MeterListener Listen(Action<string, double, string?> onDouble, Action<string, long, string?> onLong)
    {
        var listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == "BidLocks") { l.EnableMeasurementEvents(instrument); } } };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => onDouble(instrument.Name, value, Backend(tags)));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => onLong(instrument.Name, value, Backend(tags)));
        listener.Start();
        return listener;
    }

    private static string? Backend(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "bidlocks.backend")
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    private static async Task WaitForWaiterAsync(IBidLockManager manager, string posting)
    {
        while ((await manager.InspectAsync("metrics", posting, TestContext.Current.CancellationToken))?.Waiters != 1)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The README's metrics table: name → unit and tags.</summary>
    private static Dictionary<string, (string Unit, string Tags)> ReadmeMetrics()
    {
        var readme = RepositoryFiles.ReadAllText("README.md");
        var section = readme[readme.IndexOf("### Metrics", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n#", 4, StringComparison.Ordinal)];
        return MetricRow().Matches(section).ToDictionary(match => match.Groups["name"].Value, match => (match.Groups["unit"].Value, match.Groups["tags"].Value));
    }

    // | `bidlocks.lock.attempts` | counter | `{attempt}` | `bidlocks.backend` | …
    [GeneratedRegex(@"^\| `(?<name>bidlocks\.[a-z_.]+)` \| [a-z -]+ \| `(?<unit>[^`]+)` \| `(?<tags>[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex MetricRow();
}
