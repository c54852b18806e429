using Microsoft.Extensions.Logging;

namespace BidLocks.Samples.Auction.Locking;

/// <summary>
/// A logger factory that keeps the lock factory's two start-up lines: which backend and why (event 301), and the
/// fallback warning (event 302). Everything else is dropped: a bidder's stdout carries only protocol lines.
/// </summary>
internal sealed class FactoryLogCapture : ILoggerFactory, ILogger
{
    private const int ChoseEvent = 301;
    private const int FellBackEvent = 302;

    public string? Reason { get; private set; }

    public string? Warning { get; private set; }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        switch (eventId.Id)
        {
            case ChoseEvent:
                // The structured value, without the "BidLocks uses the … backend:" lead-in the summary already says.
                Reason = Field(state, "Reason") ?? formatter(state, exception);
                break;
            case FellBackEvent:
                Warning = formatter(state, exception);
                break;
        }
    }

    public void Dispose()
    {
    }

    private static string? Field<TState>(TState state, string name)
        => state is IEnumerable<KeyValuePair<string, object?>> fields
            ? fields.FirstOrDefault(field => field.Key == name).Value?.ToString()
            : null;
}
