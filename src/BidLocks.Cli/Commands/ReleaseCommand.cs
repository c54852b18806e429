using System.Globalization;
using System.Text.Json;
using BidLocks.Cli.Backend;
using BidLocks.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BidLocks.Cli.Commands;

/// <summary>
/// <c>bidlocks release M P --force</c>: breaks a stuck lock. Refused without <c>--force</c>. Logs who did it (user, host,
/// process and the reason given) as a warning on standard error and in the backend's log, and raises the fence so the
/// old holder's late writes carry a token lower than any later holder's.
/// </summary>
internal sealed class ReleaseCommand : AsyncCommand<ReleaseSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ReleaseSettings settings, CancellationToken cancellationToken)
    {
        if (!settings.Force)
        {
            await Console.Error.WriteLineAsync(
                $"bidlocks: refusing to release {settings.Marketplace}/{settings.Posting} without --force: the holder may still be placing its bid, and breaking its lock lets another in beside it. "
                + "Check it with 'bidlocks show' first; its fencing token is what stops its late writes.");
            return ExitCodes.Usage;
        }

        await using var backend = await OpenedBackend.OpenAsync(settings, cancellationToken);
        var requestedBy = string.Create(
            CultureInfo.InvariantCulture,
            $"{Environment.UserName}@{Environment.MachineName} (bidlocks release --force, pid {Environment.ProcessId}{(settings.Reason is { } reason ? ", reason: " + reason : string.Empty)})");
        var broken = await backend.Manager.ForceReleaseAsync(settings.Marketplace, settings.Posting, requestedBy, cancellationToken);
        if (broken is null)
        {
            if (settings.Json)
            {
                Console.Out.WriteLine("null");
            }
            else
            {
                AnsiConsole.MarkupLine($"Nothing to release: nobody holds {Markup.Escape(settings.Marketplace)}/{Markup.Escape(settings.Posting)}.");
            }

            return ExitCodes.NotHeld;
        }

        if (settings.Json)
        {
            var view = new ReleaseView(broken.MarketplaceId, broken.PostingId, broken.HolderId, broken.PreviousFencingToken, broken.FencingToken, broken.RequestedBy);
            Console.Out.WriteLine(JsonSerializer.Serialize(view, ToolJson.Default.ReleaseView));
        }
        else
        {
            AnsiConsole.MarkupLine(
                $"Released {Markup.Escape(broken.MarketplaceId)}/{Markup.Escape(broken.PostingId)}, held by {Markup.Escape(broken.HolderId ?? "(a reservation)")} with fence {broken.PreviousFencingToken}. "
                + $"Fence raised to [bold]{broken.FencingToken}[/]: tell the protected resource to refuse tokens below it.");
        }

        return ExitCodes.Success;
    }
}
