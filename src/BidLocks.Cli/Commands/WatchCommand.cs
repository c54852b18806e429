using System.Text.Json;
using BidLocks.Cli.Backend;
using BidLocks.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BidLocks.Cli.Commands;

/// <summary>
/// <c>bidlocks watch</c>: the held-lock table, redrawn in place every interval until Ctrl+C (or <c>--count</c>
/// refreshes); with <c>--json</c>, one JSON line per refresh.
/// </summary>
internal sealed class WatchCommand : AsyncCommand<WatchSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, WatchSettings settings, CancellationToken cancellationToken)
    {
        await using var backend = await OpenedBackend.OpenAsync(settings, cancellationToken);
        var interval = TimeSpan.FromSeconds(settings.IntervalSeconds);
        try
        {
            if (settings.Json)
            {
                await WatchJsonAsync(backend.Manager, settings, interval, cancellationToken);
            }
            else if (Console.IsOutputRedirected)
            {
                // A live display redraws in place with cursor movement that a pipe or a file cannot show: the frames ran
                // together there and the last one came twice. Each refresh is a table of its own instead.
                await WatchFramesAsync(backend.Manager, settings, interval, cancellationToken);
            }
            else
            {
                var first = await backend.Manager.ListHeldAsync(settings.Marketplace, settings.Top, cancellationToken);
                await AnsiConsole.Live(HeldLockTable.Build(first, backend.Manager.Backend)).StartAsync(async live =>
                {
                    for (var frame = 1; settings.Count is not { } count || frame < count; frame++)
                    {
                        await Task.Delay(interval, cancellationToken);
                        var held = await backend.Manager.ListHeldAsync(settings.Marketplace, settings.Top, cancellationToken);
                        live.UpdateTarget(HeldLockTable.Build(held, backend.Manager.Backend));
                    }
                });
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C is how a watch ends.
        }

        return ExitCodes.Success;
    }

    private static async Task WatchFramesAsync(IBidLockManager manager, WatchSettings settings, TimeSpan interval, CancellationToken cancellationToken)
    {
        for (var frame = 1; ; frame++)
        {
            var held = await manager.ListHeldAsync(settings.Marketplace, settings.Top, cancellationToken);
            AnsiConsole.Write(HeldLockTable.Build(held, manager.Backend));
            AnsiConsole.WriteLine();
            if (settings.Count is { } count && frame >= count)
            {
                return;
            }

            await Task.Delay(interval, cancellationToken);
        }
    }

    private static async Task WatchJsonAsync(IBidLockManager manager, WatchSettings settings, TimeSpan interval, CancellationToken cancellationToken)
    {
        for (var frame = 1; ; frame++)
        {
            var held = await manager.ListHeldAsync(settings.Marketplace, settings.Top, cancellationToken);
            var line = new WatchFrame(DateTimeOffset.UtcNow, [.. held.Select(HeldLockView.From)]);
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(line, ToolJson.Default.WatchFrame));
            await Console.Out.FlushAsync(cancellationToken);
            if (settings.Count is { } count && frame >= count)
            {
                return;
            }

            await Task.Delay(interval, cancellationToken);
        }
    }
}
