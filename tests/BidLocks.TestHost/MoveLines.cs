using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace BidLocks.TestHost;

/// <summary>
/// Prints the manager's Sentinel move events as lines the test waits for, each with its <see cref="Stopwatch"/>
/// timestamp (monotonic and shared by every process of the machine): <c>named &lt;stamp&gt;</c> when the manager heard
/// <c>+switch-master</c> and began refusing grants (event 110), <c>moved &lt;endpoint&gt; &lt;stamp&gt;</c> when its lock
/// steps go to the named primary (event 111), <c>started - &lt;stamp&gt;</c> when a Sentinel announced the start of a
/// fail-over and the manager began refusing grants (event 113). Every other log event is dropped.
/// </summary>
internal sealed class MoveLines : ILoggerProvider, ILogger
{
    private const int PrimaryNamed = 110;
    private const int PrimaryMoved = 111;
    private const int FailoverStarted = 113;

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var stamp = Stopwatch.GetTimestamp();
        var endpoint = state is IReadOnlyList<KeyValuePair<string, object?>> values
            ? values.FirstOrDefault(value => value.Key == "Endpoint").Value as string
            : null;
        if (eventId.Id == PrimaryNamed)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"named {endpoint} {stamp}"));
        }
        else if (eventId.Id == FailoverStarted)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"started - {stamp}"));
        }
        else if (eventId.Id == PrimaryMoved)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"moved {endpoint} {stamp}"));
        }
    }

    public void Dispose()
    {
    }
}
