using System.Globalization;
using System.Text.Json;
using BidLocks.Cli.Backend;
using BidLocks.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BidLocks.Cli.Commands;

/// <summary><c>bidlocks show M P</c>: everything inspection knows about one lock; exit 3 when it is free.</summary>
internal sealed class ShowCommand : AsyncCommand<LockSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, LockSettings settings, CancellationToken cancellationToken)
    {
        await using var backend = await OpenedBackend.OpenAsync(settings, cancellationToken);
        var info = await backend.Manager.InspectAsync(settings.Marketplace, settings.Posting, cancellationToken);
        if (settings.Json)
        {
            Console.Out.WriteLine(info is null ? "null" : JsonSerializer.Serialize(HeldLockView.From(info), ToolJson.Default.HeldLockView));
            return info is null ? ExitCodes.NotHeld : ExitCodes.Success;
        }

        if (info is null)
        {
            AnsiConsole.MarkupLine($"[green]free[/]: nobody holds {Markup.Escape(settings.Marketplace)}/{Markup.Escape(settings.Posting)} on {backend.Manager.Backend}.");
            return ExitCodes.NotHeld;
        }

        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow("[bold]Lock[/]", Markup.Escape(info.Key));
        grid.AddRow("[bold]Holder[/]", Markup.Escape(info.HolderId ?? "(reserved for the next waiter, being handed over)"));
        grid.AddRow("[bold]Instance[/]", Markup.Escape(info.InstanceId ?? "(not a lease's holder id)"));
        grid.AddRow("[bold]Held since[/]", info.HeldSince is { } since ? $"{since.ToString("O", CultureInfo.InvariantCulture)} ({Durations.Short(info.HeldFor)} ago)" : "unknown");
        grid.AddRow("[bold]Expires at[/]", $"{info.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)} (in {Durations.Short(info.TimeToLive)}, unless renewed)");
        grid.AddRow("[bold]Fencing token[/]", info.FencingToken.ToString(CultureInfo.InvariantCulture));
        grid.AddRow("[bold]Waiters[/]", info.Waiters.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(grid);
        return ExitCodes.Success;
    }
}
