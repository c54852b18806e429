using Microsoft.Extensions.Logging;

namespace BidLocks.Cli.Backend;

/// <summary>
/// The tool's logger: keeps the factory's reason for its choice (event 301) and its fallback warning (302), and writes
/// every warning or error BidLocks logs (a forced release names who did it) to standard error, so standard output stays
/// the command's result alone.
/// </summary>
internal sealed class ToolLog(TextWriter errors) : ILoggerFactory, ILogger
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
                Reason = Field(state, "Reason") ?? formatter(state, exception);
                return;
            case FellBackEvent:
                Warning = formatter(state, exception);
                return;
        }

        if (logLevel >= LogLevel.Warning)
        {
            lock (errors)
            {
                errors.WriteLine($"bidlocks: {logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
            }
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
