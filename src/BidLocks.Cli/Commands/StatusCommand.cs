using System.Text.Json;
using BidLocks.Cli.Backend;
using BidLocks.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BidLocks.Cli.Commands;

/// <summary>
/// <c>bidlocks status</c>: the backend, why it was chosen, its health, server version and latency; with Redis and
/// <c>--min-replicas N</c> (or <c>BIDLOCKS_REDIS_MIN_REPLICAS</c>), how many replicas answer.
/// </summary>
internal sealed class StatusCommand : AsyncCommand<StatusSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StatusSettings settings, CancellationToken cancellationToken)
    {
        await using var backend = await OpenedBackend.OpenAsync(settings, cancellationToken, settings.MinReplicas);
        var health = await backend.Manager.CheckHealthAsync(cancellationToken);
        var code = health.Status switch
        {
            BidLockHealthStatus.Healthy => ExitCodes.Success,
            BidLockHealthStatus.Degraded => ExitCodes.Degraded,
            _ => ExitCodes.Unavailable,
        };
        if (settings.Json)
        {
            var view = new StatusView(backend.Manager.Backend, backend.Reason, backend.Warning, health.Status.ToString(), health.Description, health.ServerVersion, health.Latency?.TotalMilliseconds);
            Console.Out.WriteLine(JsonSerializer.Serialize(view, ToolJson.Default.StatusView));
            return code;
        }

        var colour = code switch { ExitCodes.Success => "green", ExitCodes.Degraded => "yellow", _ => "red" };
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow("[bold]Backend[/]", Markup.Escape(backend.Manager.Backend));
        grid.AddRow("[bold]Chosen because[/]", Markup.Escape(backend.Reason));
        if (backend.Warning is { } warning)
        {
            grid.AddRow("[bold yellow]Warning[/]", Markup.Escape(warning));
        }

        grid.AddRow("[bold]Health[/]", $"[{colour}]{health.Status}[/]");
        grid.AddRow("[bold]Server version[/]", Markup.Escape(health.ServerVersion ?? "unknown"));
        grid.AddRow("[bold]Latency[/]", Durations.Short(health.Latency));
        grid.AddRow("[bold]Details[/]", Markup.Escape(health.Description));
        AnsiConsole.Write(grid);
        return code;
    }
}
