using BidLocks;
using BidLocks.Cli;
using BidLocks.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

// bidlocks: which postings are locked, by whom, for how long, who waits, and whether the lock backend is healthy.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, press) =>
{
    // The first Ctrl+C ends the command cleanly (watch's way out); a second one kills the process.
    press.Cancel = !interrupted.IsCancellationRequested;
    interrupted.Cancel();
};

// Piped into a file or another program, a table is not cut to the 80 columns Spectre.Console assumes without a terminal.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0 ? columns : 200;
}

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("bidlocks");
    config.AddCommand<StatusCommand>("status").WithDescription("The lock backend, why it was chosen, its health, server version and latency.");
    config.AddCommand<ListCommand>("list").WithDescription("The held locks, longest-held first: age, time left, holder, fence, waiters.")
        .WithExample("list", "--marketplace", "ebay", "--top", "10");
    config.AddCommand<ShowCommand>("show").WithDescription("One lock: holder, instance, held since, expiry, fencing token, waiters. Exit 3 when free.")
        .WithExample("show", "ebay", "42");
    config.AddCommand<WatchCommand>("watch").WithDescription("The held-lock table, refreshed every second until Ctrl+C.");
    config.AddCommand<ReleaseCommand>("release").WithDescription("Break a stuck lock (only with --force); raises the fence and logs who did it.")
        .WithExample("release", "ebay", "42", "--force", "--reason", "holder hung");
    config.SetExceptionHandler((exception, _) => Failure(exception));
});

return await app.RunAsync(args, interrupted.Token);

static int Failure(Exception exception)
{
    var (code, message) = exception switch
    {
        CommandAppException => (ExitCodes.Usage, exception.Message),
        ArgumentException => (ExitCodes.Usage, exception.Message),
        OperationCanceledException => (ExitCodes.Cancelled, "cancelled"),
        BidLockUnavailableException or InvalidOperationException or FormatException or FileNotFoundException or NotSupportedException => (ExitCodes.Unavailable, exception.Message),
        _ => (ExitCodes.Unavailable, exception.ToString()),
    };

    // Messages from BidLocks never carry a password.
    Console.Error.WriteLine($"bidlocks: {message}");
    return code;
}
