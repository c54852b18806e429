using Spectre.Console;

namespace BidLocks.Cli.Output;

/// <summary>The table of held locks that <c>list</c> prints and <c>watch</c> refreshes: longest-held first.</summary>
internal static class HeldLockTable
{
    public static Table Build(IReadOnlyList<BidLockInfo> held, string backend)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title($"[bold]{held.Count} held lock(s)[/] on {Markup.Escape(backend)}, longest-held first")
            .AddColumn(new TableColumn("Marketplace"))
            .AddColumn(new TableColumn("Posting"))
            .AddColumn(new TableColumn("Held for").RightAligned().NoWrap())
            .AddColumn(new TableColumn("TTL left").RightAligned().NoWrap())
            .AddColumn(new TableColumn("Holder"))
            .AddColumn(new TableColumn("Fence").RightAligned().NoWrap())
            .AddColumn(new TableColumn("Waiters").RightAligned().NoWrap());
        foreach (var info in held)
        {
            table.AddRow(
                Markup.Escape(info.MarketplaceId),
                Markup.Escape(info.PostingId),
                Durations.Short(info.HeldFor),
                Durations.Short(info.TimeToLive),
                Markup.Escape(Holder(info)),
                info.FencingToken.ToString(System.Globalization.CultureInfo.InvariantCulture),
                info.Waiters.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (held.Count == 0)
        {
            table.Caption("[grey]no lock is held[/]");
        }

        return table;
    }

    /// <summary>The instance for a lease (its id's random part is only a capability), the whole id for a named holder.</summary>
    public static string Holder(BidLockInfo info)
        => info.HolderId is null ? "(handing over to the next waiter)" : info.InstanceId ?? info.HolderId;
}
