namespace BidLocks;

/// <summary>
/// The names under which BidLocks reports, to subscribe to without repeating a string:
/// <c>.AddMeter(BidLockTelemetry.MeterName)</c> and <c>.AddSource(BidLockTelemetry.ActivitySourceName)</c> in
/// OpenTelemetry, or a log filter on <see cref="LoggerCategory"/>.
/// </summary>
public static class BidLockTelemetry
{
    /// <summary>The <c>System.Diagnostics.Metrics</c> meter of every instrument (see the README's Metrics section).</summary>
    public const string MeterName = "BidLocks";

    /// <summary>The <c>ActivitySource</c> that traces each wait for a lock (<c>bidlock.acquire</c>).</summary>
    public const string ActivitySourceName = "BidLocks";

    /// <summary>The <c>ILogger</c> category every BidLocks log line is written under.</summary>
    public const string LoggerCategory = "BidLocks";
}
