using System.Text.RegularExpressions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BidLocks;

/// <summary>
/// A health report as JSON that says why: <c>MapHealthChecks</c> alone writes only <c>Degraded</c>, and whoever is on
/// call then has to guess which check and what it found. Write it with
/// <c>app.MapHealthChecks("/health", new() { ResponseWriter = (context, report) =&gt; context.Response.WriteAsJsonAsync(BidLockHealthResponse.From(report)) })</c>:
/// <c>{"status":"Degraded","checks":{"bidlocks":{"status":"Degraded","backend":"sqlite","server":"…","reason":"…"}}}</c>.
/// Passwords are redacted from every text, those of other checks included.
/// </summary>
/// <param name="Status">The worst status of all checks.</param>
/// <param name="TotalDurationMs">How long all checks took.</param>
/// <param name="Checks">Each check by its registered name.</param>
public sealed partial record BidLockHealthResponse(string Status, double TotalDurationMs, IReadOnlyDictionary<string, BidLockHealthEntry> Checks)
{
    /// <summary>The response for <paramref name="report"/>, ready to serialise.</summary>
    public static BidLockHealthResponse From(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var checks = report.Entries.ToDictionary(
            entry => entry.Key,
            entry => new BidLockHealthEntry(
                entry.Value.Status.ToString(),
                Text(entry.Value.Data, "backend"),
                Text(entry.Value.Data, "server"),
                Text(entry.Value.Data, "version"),
                Redact(entry.Value.Description ?? entry.Value.Exception?.Message),
                entry.Value.Data.TryGetValue("latencyMs", out var latency) && latency is double milliseconds ? milliseconds : null,
                entry.Value.Duration.TotalMilliseconds),
            StringComparer.Ordinal);
        return new BidLockHealthResponse(report.Status.ToString(), report.TotalDuration.TotalMilliseconds, checks);
    }

    private static string? Text(IReadOnlyDictionary<string, object> data, string key)
        => data.TryGetValue(key, out var value) ? Redact(value?.ToString()) : null;

    // BidLocks' own texts never hold a password; another check's may (a connection string in its exception message).
    private static string? Redact(string? text)
        => text is null ? null : ConfigPassword().Replace(UrlPassword().Replace(text, "${head}***@"), "${key}=***");

    [GeneratedRegex(@"(?<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^@\s]*@")]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"(?<key>\b(?:password|pwd)\s*)=[^,;\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex ConfigPassword();
}
