using Microsoft.Extensions.Logging;

namespace BidLocks.Tests.Support;

/// <summary>Keeps every log line written through it, to check what BidLocks says (and never says).</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Every line, exceptions included, as one text: for "never contains the password" checks.</summary>
    public string AllText => string.Join('\n', Entries.Select(entry => entry.Message));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception) + (exception is null ? string.Empty : "\n" + exception);
            lock (owner._entries)
            {
                owner._entries.Add((logLevel, message));
            }
        }
    }
}
