using System.Text.Json;
using BidLocks.Cli.Backend;
using BidLocks.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BidLocks.Cli.Commands;

/// <summary><c>bidlocks list</c>: the held locks, longest-held first, with age, time left, holder and waiters.</summary>
internal sealed class ListCommand : AsyncCommand<ListSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ListSettings settings, CancellationToken cancellationToken)
    {
        await using var backend = await OpenedBackend.OpenAsync(settings, cancellationToken);
        var held = await backend.Manager.ListHeldAsync(settings.Marketplace, settings.Top, cancellationToken);
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(held.Select(HeldLockView.From).ToList(), ToolJson.Default.ListHeldLockView));
        }
        else
        {
            AnsiConsole.Write(HeldLockTable.Build(held, backend.Manager.Backend));
        }

        return ExitCodes.Success;
    }
}
