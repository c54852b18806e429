namespace BidLocks.TestHost;

/// <summary>
/// How a bidding process and its test take turns, the same for every bidding mode: the process prints <c>ready</c>
/// once it is connected and waits for <c>go</c> (so all processes start together), then bids until the test writes
/// <c>stop</c>, closes its input, or <c>--max-seconds</c> pass.
/// </summary>
internal static class ReadyGoStop
{
    /// <summary>Says ready and waits for go; the source returned ends the run. Null when the test said anything else.</summary>
    public static CancellationTokenSource? WaitForGo(Arguments arguments)
    {
        Console.WriteLine("ready");
        if (Console.ReadLine() != "go")
        {
            return null;
        }

        var stop = new CancellationTokenSource(TimeSpan.FromSeconds(arguments.Number("max-seconds")));
        _ = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync() is { } line && line != "stop")
            {
            }

            await stop.CancelAsync();
        });
        return stop;
    }
}
