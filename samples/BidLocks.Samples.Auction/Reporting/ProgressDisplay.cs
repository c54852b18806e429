using BidLocks.Samples.Auction.Coordination;

namespace BidLocks.Samples.Auction.Reporting;

/// <summary>
/// The live view: one line per bidder process, refreshed about once a second. On a terminal the block is redrawn in
/// place; when stdout is a file or a pipe (CI, tests, `| tee`) cursor codes would be noise, so each refresh is printed
/// as plain lines instead.
/// </summary>
internal sealed class ProgressDisplay
{
    private readonly bool _redraw;
    private readonly bool _locked;
    private int _linesDrawn;

    private ProgressDisplay(bool redraw, bool locked)
    {
        _redraw = redraw;
        _locked = locked;
    }

    /// <param name="locked">False with <c>--no-lock</c>: then there are no waits or timeouts to show.</param>
    public static ProgressDisplay ForConsole(bool locked)
        => new(!Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb", locked);

    /// <summary>
    /// Something else was written below the block (the Ctrl+C notice): draw the next block below it rather than
    /// going back up over that text.
    /// </summary>
    public void StartNewBlock() => _linesDrawn = 0;

    public void Render(IReadOnlyList<BidderProcess> bidders, TimeSpan elapsed, double seconds)
    {
        var header = $"[{Numbers.Seconds(elapsed.TotalSeconds),5} s / {Numbers.Seconds(seconds)} s]";
        var lines = bidders.Select(Line).ToList();
        if (!_redraw)
        {
            foreach (var line in lines)
            {
                Console.WriteLine($"{header} {line}");
            }

            return;
        }

        lines.Insert(0, header);
        var width = Math.Max(20, SafeWindowWidth() - 1);
        var output = new System.Text.StringBuilder();
        if (_linesDrawn > 0)
        {
            // Up to the first line of the block drawn last time.
            output.Append($"\u001b[{_linesDrawn}A");
        }

        foreach (var line in lines)
        {
            // Clear the old text first; cut at the window width, since a wrapped line would break the count of lines to go back up.
            output.Append("\r\u001b[2K").Append(line.Length > width ? line[..width] : line).Append('\n');
        }

        Console.Write(output.ToString());
        _linesDrawn = lines.Count;
    }

    private string Line(BidderProcess bidder)
    {
        var latest = bidder.Done ?? bidder.Latest;
        var counts = latest is null || latest.Type is BidderMessage.Ready or BidderMessage.Failed
            ? string.Empty
            : _locked
                ? $"  bids {Numbers.Count(latest.Bids),7}  waits {Numbers.Count(latest.Waits),7}  timeouts {Numbers.Count(latest.Timeouts),3}  errors {Numbers.Count(latest.Errors),3}"
                : $"  bids {Numbers.Count(latest.Bids),7}  (no lock: no waits, no timeouts)  errors {Numbers.Count(latest.Errors),3}";
        return $"bidder {bidder.Instance,2} (pid {bidder.ProcessId,7}) {bidder.State,-9}{counts}";
    }

    private static int SafeWindowWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 120;
        }
        catch (IOException)
        {
            return 120;
        }
    }
}
