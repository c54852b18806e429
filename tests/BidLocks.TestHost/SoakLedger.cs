using System.Globalization;

namespace BidLocks.TestHost;

/// <summary>
/// The soak's ledger: per posting, a counter file and a fence log in a folder of the test's own. The lock never
/// touches it, so only the lock keeps two bids on one posting from interleaving: the counter update is a deliberately
/// non-atomic read, yield, write, and an overlap loses a count. The fence log lists the fences in the order the bids
/// were written. Both sides use this class: the soak processes write it, the test reads it.
/// </summary>
public sealed class SoakLedger(string folder)
{
    public string Folder { get; } = folder;

    /// <summary>Every counter at zero, every fence log empty.</summary>
    public static SoakLedger Create(string folder, int postings)
    {
        Directory.CreateDirectory(folder);
        var ledger = new SoakLedger(folder);
        for (var posting = 0; posting < postings; posting++)
        {
            File.WriteAllText(ledger.CounterPath(posting), "0");
            File.WriteAllText(ledger.FencePath(posting), string.Empty);
        }

        return ledger;
    }

    /// <summary>One bid, run inside the lock on <paramref name="posting"/>.</summary>
    public async Task BidAsync(int posting, long fence)
    {
        var counter = CounterPath(posting);
        var seen = long.Parse(await File.ReadAllTextAsync(counter), CultureInfo.InvariantCulture);
        // Another holder that got in now would read the same value, and one of the two increments would be lost.
        await Task.Yield();
        await File.WriteAllTextAsync(counter, (seen + 1).ToString(CultureInfo.InvariantCulture));
        await File.AppendAllTextAsync(FencePath(posting), string.Create(CultureInfo.InvariantCulture, $"{fence} {Environment.ProcessId}\n"));
    }

    public long ReadCounter(int posting) => long.Parse(File.ReadAllText(CounterPath(posting)), CultureInfo.InvariantCulture);

    /// <summary>The fences of <paramref name="posting"/>'s bids, in the order they were written.</summary>
    public IReadOnlyList<long> ReadFences(int posting)
        => File.ReadAllLines(FencePath(posting)).Select(line => long.Parse(line.Split(' ')[0], CultureInfo.InvariantCulture)).ToList();

    private string CounterPath(int posting) => Path.Combine(Folder, $"posting-{posting}.count");

    private string FencePath(int posting) => Path.Combine(Folder, $"posting-{posting}.fences");
}
