using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BidLocks;

/// <summary>
/// Tells a backend outage as a short story instead of a flood: the first failure with its exception (Error), then at
/// most one summary line per interval while failures go on (Error: how many, on how many postings, the last error),
/// then one recovery line with the outage's length (Information) at the first call the backend answers again. The
/// failures in between are logged at Debug, stack traces included, for whoever turns Debug on. Without this, a Redis
/// killed for 6 s under 6 workers wrote 7,820 error lines with stack traces (15 MB).
/// </summary>
/// <remarks>
/// Summaries are written by the failures themselves once an interval has passed (no timer): an outage nobody calls
/// into needs no summary, and its recovery line still counts every failure. Only failure and recovery paths take the
/// lock; the call that succeeds reads one volatile field (<see cref="IsOpen"/>).
/// </remarks>
internal sealed class OutageLog(ILogger logger, string backend, TimeSpan interval)
{
    // Distinct postings counted per interval, at most; a summary says "at least" past it.
    private const int MaxPostingsCounted = 10_000;

    private readonly object _gate = new();
    private readonly HashSet<string> _postings = new(StringComparer.Ordinal);
    private volatile bool _open;
    private long _startedAt;
    private long _summarisedAt;
    private long _total;
    private int _sinceSummary;
    private string _lastError = string.Empty;

    /// <summary>True from a failure until the backend answers a call again.</summary>
    public bool IsOpen => _open;

    public void Failed(string operation, string key, Exception exception)
    {
        bool first;
        var summary = default((int Failures, int Postings, string LastError, TimeSpan Elapsed)?);
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            first = !_open;
            if (first)
            {
                _open = true;
                _startedAt = now;
                _summarisedAt = now;
                _total = 0;
                _sinceSummary = 0;
                _postings.Clear();
            }

            _total++;
            _lastError = exception.Message;
            if (!first)
            {
                _sinceSummary++;
                if (_postings.Count < MaxPostingsCounted)
                {
                    _postings.Add(key);
                }

                if (Stopwatch.GetElapsedTime(_summarisedAt, now) >= interval)
                {
                    summary = (_sinceSummary, _postings.Count, _lastError, Stopwatch.GetElapsedTime(_startedAt, now));
                    _summarisedAt = now;
                    _sinceSummary = 0;
                    _postings.Clear();
                }
            }
        }

        if (first)
        {
            Log.BackendFailed(logger, backend, operation, key, exception);
            return;
        }

        Log.BackendFailedAgain(logger, backend, operation, key, exception);
        if (summary is { } s)
        {
            Log.BackendStillFailing(logger, backend, s.Failures, s.Postings, (long)s.Elapsed.TotalMilliseconds, s.LastError);
        }
    }

    /// <summary>The backend answered: ends an open outage with its recovery line.</summary>
    public void Recovered()
    {
        long total;
        TimeSpan length;
        lock (_gate)
        {
            if (!_open)
            {
                return;
            }

            _open = false;
            total = _total;
            length = Stopwatch.GetElapsedTime(_startedAt);
            _postings.Clear();
        }

        Log.BackendRecovered(logger, backend, (long)length.TotalMilliseconds, total);
    }
}
