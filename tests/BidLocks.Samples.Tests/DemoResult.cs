using System.Globalization;
using System.Text.RegularExpressions;

namespace BidLocks.Samples.Tests;

/// <summary>A finished run of the demo, and its summary read row by row.</summary>
/// <param name="RunFoldersLeft">Run folders the demo left in its temp folder (it deletes its own unless told to keep it).</param>
public sealed partial record DemoResult(int ExitCode, string Stdout, string Stderr, int RunFoldersLeft)
{
    /// <summary>The value of the summary row labelled <paramref name="label"/> (its first line), failing if there is none.</summary>
    public string Row(string label)
    {
        var match = Regex.Match(Stdout, $@"^  {Regex.Escape(label)} +(?<value>\S.*?)\r?$", RegexOptions.Multiline);
        Assert.True(match.Success, $"The summary has no '{label}' row.\n{this}");
        return match.Groups["value"].Value;
    }

    /// <summary>The number at the start of a summary row (<c>1,234  (…)</c> → 1234).</summary>
    public long Count(string label)
    {
        var match = LeadingNumber().Match(Row(label));
        Assert.True(match.Success, $"The '{label}' row does not start with a number: '{Row(label)}'.\n{this}");
        return long.Parse(match.Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    /// <summary>The rows of the per-bidder table: bidder, pid, bids, waits, timeouts, errors, p50, p99, state.</summary>
    public IReadOnlyList<string[]> BidderRows()
        => Stdout.Split('\n')
            .Select(line => line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(cells => cells.Length == 9 && int.TryParse(cells[0], CultureInfo.InvariantCulture, out _) && int.TryParse(cells[1], CultureInfo.InvariantCulture, out _))
            .ToList();

    public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";

    [GeneratedRegex(@"^\d[\d,]*")]
    private static partial Regex LeadingNumber();
}
