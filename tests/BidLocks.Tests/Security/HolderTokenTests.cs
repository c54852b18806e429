using System.Globalization;
using System.Numerics;
using BidLocks.Tests.HostileInput;

namespace BidLocks.Tests.Security;

/// <summary>
/// A lease's holder id is the only thing that can release its lock, so it must be unguessable: 128 bits from the
/// system's CSPRNG after the instance name. Another client that guesses (or replays an older holder id) releases
/// nothing, on Redis and on SQLite.
/// </summary>
public sealed class HolderTokenTests(ITestOutputHelper output)
{
    private const int Samples = 4096;
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 60_000)]
    public async Task Holder_ids_carry_128_random_bits_that_look_uniform_and_never_repeat()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var manager = new InMemoryBidLockManager(new BidLockOptions { InstanceId = "bidder-1" });
        var randomParts = new List<UInt128>();
        for (var i = 0; i < Samples; i++)
        {
            await using var lease = await manager.AcquireAsync(_marketplace, "p" + i.ToString(CultureInfo.InvariantCulture), cancellationToken: cancel);
            var parts = lease.HolderId.Split(':');
            Assert.Equal("bidder-1", parts[0]);
            Assert.Matches("^[0-9A-F]{32}$", parts[1]);
            // The third part is when it asked, in Unix ms (for inspection): this host's clock, give or take the test's run.
            Assert.InRange(long.Parse(parts[2], CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            randomParts.Add(UInt128.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }

        Assert.Equal(Samples, randomParts.Distinct().Count());
        // Each of the 128 bits is set in about half the samples: six standard deviations either side, so a fair
        // source fails this about once in a few million runs, while a counter, a clock or a short seed fails at once.
        var sigma = Math.Sqrt(Samples) / 2;
        var counts = Enumerable.Range(0, 128).Select(bit => randomParts.Count(value => ((value >> bit) & UInt128.One) == UInt128.One)).ToList();
        Assert.All(counts, count => Assert.InRange(count, (Samples / 2) - (6 * sigma), (Samples / 2) + (6 * sigma)));
        // Neighbouring ids differ in about half their bits too: no id follows from the one before.
        var distances = randomParts.Zip(randomParts.Skip(1), (a, b) => (int)UInt128.PopCount(a ^ b)).ToList();
        Assert.InRange(distances.Average(), 62, 66);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Samples} holder ids: all distinct; bit set-counts {counts.Min()}..{counts.Max()} (expected {Samples / 2} ± {6 * sigma:F0}); mean Hamming distance between neighbours {distances.Average():F2} of 128."));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("redis")]
    [InlineData("sqlite")]
    public async Task Another_client_cannot_release_a_lock_it_does_not_hold(string backend)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var store = await HostileBackend.StartAsync(backend);
        var (owner, attacker) = (store.Manager, store.Peer);
        var earlier = await owner.AcquireAsync(_marketplace, "guarded", cancellationToken: cancel);
        Assert.True(await earlier.ReleaseAsync());
        await using var lease = await owner.AcquireAsync(_marketplace, "guarded", cancellationToken: cancel);
        // <instance>:<random 128-bit>:<unix ms>; the time is no secret (inspection shows it), the random part is.
        var (instance, random, time) = lease.HolderId.Split(':') is [var i, var r, var t] ? (i, r, t) : throw new InvalidOperationException(lease.HolderId);

        string[] guesses =
        [
            earlier.HolderId,                                      // a replayed, older holder id of the same lock
            instance + ":" + new string('0', 32) + ":" + time,      // the right instance and time, a null token
            instance + ":" + FlipLastDigit(random) + ":" + time,   // one hex digit off
            instance + ":" + random.ToLowerInvariant() + ":" + time, // the same digits, other case
            instance + ":" + random[..^1] + ":" + time,            // one digit short
            instance + ":" + random,                               // without its time
            instance + ":" + random + ":" + FlipLastDigit(time),   // another time
            random,                                                // the token without its instance
            instance,                                              // the instance alone
            "=" + lease.HolderId,                                  // the holder id behind a mark, as older lock values were
            "*",                                                   // a glob
            "' OR '1'='1",                                         // SQL
            "holder') or true or ('",                              // Lua-ish
        ];
        foreach (var guess in guesses)
        {
            Assert.False(await attacker.ReleaseLockAsync(_marketplace, "guarded", guess, cancel), guess);
        }

        Assert.True(lease.IsHeld);
        Assert.Null(await attacker.TryAcquireAsync(_marketplace, "guarded", TimeSpan.Zero, cancel));
        // The holder id is the capability: only a client that was given it can release.
        Assert.True(await attacker.ReleaseLockAsync(_marketplace, "guarded", lease.HolderId, cancel));
        Assert.False(await lease.ReleaseAsync());
    }

    private static string FlipLastDigit(string hex) => hex[..^1] + (hex[^1] == '0' ? '1' : '0');
}
