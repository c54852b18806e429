using Microsoft.Extensions.Logging;

namespace BidLocks.Cli.Backend;

/// <summary>
/// The tool's logger: writes every warning or error BidLocks logs (a forced release names who did it, a fallback says
/// why) to standard error, so standard output stays the command's result alone.
/// </summary>
internal sealed class ToolLog(TextWriter errors) : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        lock (errors)
        {
            errors.WriteLine($"bidlocks: {logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
        }
    }

    public void Dispose()
    {
    }
}
