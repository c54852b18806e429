using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace BidLocks.Testing;

/// <summary>One line a child printed: its place among all its lines (both streams), and which stream it came on.</summary>
internal sealed record ChildLine(int Index, string Text, bool IsError);

/// <summary>
/// A real child process for tests (a server, a test host, the demo, the dotnet CLI), in one place for every test project
/// (linked into each from tests/Shared). Both output streams are read as they come and kept, so a test can wait for a
/// line: each printed line wakes the wait, no polling and no sleep. Standard input stays open for the test to write to
/// (a host that stops when it closes, or one that is spoken to a line at a time). Every failure says what the child
/// printed last. Disposal kills the whole process tree if it still runs.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int LinesInMessages = 60;
    private readonly Process _process;
    private readonly string _name;
    private readonly List<ChildLine> _lines = [];
    private TaskCompletionSource _printed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;
    private int _nextToRead;

    private ChildProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line printed so far, in the order it came.</summary>
    public IReadOnlyList<ChildLine> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Standard output so far, a line break after each line.</summary>
    public string StandardOutput => Text(line => !line.IsError);

    /// <summary>Standard error so far, a line break after each line.</summary>
    public string StandardError => Text(line => line.IsError);

    /// <summary>Both streams so far, interleaved as they came.</summary>
    public string Output => Text(_ => true);

    /// <param name="environment">Variables to set; a null value removes the variable.</param>
    /// <param name="workingDirectory">Where the child runs; this process's own folder when null.</param>
    public static ChildProcess Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process, Path.GetFileName(program));
        process.OutputDataReceived += (_, line) => child.OnLine(line.Data, isError: false);
        process.ErrorDataReceived += (_, line) => child.OnLine(line.Data, isError: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Starts a server and waits for the line that says it is ready (<paramref name="readyLine"/> in it). If it ends or
    /// takes longer than <paramref name="timeout"/>, it is killed and the call fails with an InvalidOperationException
    /// (on which LoopbackPort tries another port: a free one may have been taken meanwhile).
    /// </summary>
    public static async Task<ChildProcess> StartServerAsync(string program, IEnumerable<string> arguments, string readyLine, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null, CancellationToken cancellationToken = default)
    {
        var server = Start(program, arguments, environment, workingDirectory);
        try
        {
            await server.WaitForLineAsync(line => line.Text.Contains(readyLine, StringComparison.Ordinal), timeout, $"'{readyLine}'", cancellationToken);
            return server;
        }
        catch (Exception failure)
        {
            await server.DisposeAsync();
            if (failure is TimeoutException or InvalidOperationException)
            {
                throw new InvalidOperationException($"{Path.GetFileName(program)} was not ready: {failure.Message}", failure);
            }

            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="program"/> to its end with nothing on its input, and returns its exit code and both streams
    /// interleaved. Past <paramref name="timeout"/> (or on cancellation) the whole tree is killed and the call fails.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        await using var child = Start(program, arguments, environment, workingDirectory);
        child._process.StandardInput.Close();
        var exitCode = await child.WaitForExitAsync(timeout, cancellationToken);
        return (exitCode, child.Output);
    }

    /// <summary>
    /// The first line from <paramref name="from"/> on that <paramref name="matches"/>. Each line is shown to
    /// <paramref name="matches"/> once, in order, so it may count. Fails if the output ends or the time runs out first.
    /// </summary>
    public async Task<ChildLine> WaitForLineAsync(Func<ChildLine, bool> matches, TimeSpan timeout, string description, CancellationToken cancellationToken = default, int from = 0)
        => await FindLineAsync(matches, timeout, description, from, cancellationToken)
            ?? throw new InvalidOperationException(Describe($"ended its output without printing {description}"));

    /// <summary>The next line of standard output after the last one read this way; null once the output has ended.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var line = await FindLineAsync(line => !line.IsError, timeout, "a line", _nextToRead, cancellationToken);
        _nextToRead = line is null ? int.MaxValue : line.Index + 1;
        return line?.Text;
    }

    /// <summary>Waits for the child to exit; returns the standard output lines not yet read with <see cref="ReadLineAsync"/>.</summary>
    public async Task<string> ReadToEndAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await WaitForExitAsync(timeout, cancellationToken);
        var from = _nextToRead;
        _nextToRead = int.MaxValue;
        return Text(line => !line.IsError && line.Index >= from);
    }

    public async Task WriteLineAsync(string line, CancellationToken cancellationToken = default)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync(cancellationToken);
    }

    /// <summary>Waits until the child has exited and its output has ended; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            // Process.WaitForExitAsync also waits for the redirected streams to be read to their end.
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(Describe($"was still running after {timeout}"));
        }

        return _process.ExitCode;
    }

    /// <summary>
    /// SIGKILL, as a crash would: no shutdown code runs. With <paramref name="entireProcessTree"/> false the children
    /// of the child live on, as they would after a crash of their parent.
    /// </summary>
    public void Kill(bool entireProcessTree = true)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree);
        }
    }

    /// <summary>As <see cref="Kill"/>, then waits for the exit and the end of the output.</summary>
    public async Task KillAsync(bool entireProcessTree = true)
    {
        Kill(entireProcessTree);
        await _process.WaitForExitAsync();
    }

    /// <summary>Sends a Unix signal (SIGSTOP, SIGCONT, SIGINT…) to the child alone.</summary>
    public void Signal(int signal)
    {
        if (SendSignal(Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A child that has exited is not waited for: children it left behind may still hold its output open.
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private async Task<ChildLine?> FindLineAsync(Func<ChildLine, bool> matches, TimeSpan timeout, string description, int from, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        for (var next = from; ; )
        {
            Task printed;
            lock (_lines)
            {
                for (; next < _lines.Count; next++)
                {
                    if (matches(_lines[next]))
                    {
                        return _lines[next];
                    }
                }

                if (_openStreams == 0)
                {
                    return null;
                }

                printed = _printed.Task;
            }

            try
            {
                await printed.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(Describe($"did not print {description} within {timeout}"));
            }
        }
    }

    private void OnLine(string? text, bool isError)
    {
        TaskCompletionSource printed;
        lock (_lines)
        {
            if (text is null)
            {
                _openStreams--;
            }
            else
            {
                _lines.Add(new ChildLine(_lines.Count, text, isError));
            }

            printed = _printed;
            _printed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        printed.TrySetResult();
    }

    private string Text(Func<ChildLine, bool> which)
    {
        var text = new StringBuilder();
        lock (_lines)
        {
            foreach (var line in _lines.Where(which))
            {
                text.AppendLine(line.Text);
            }
        }

        return text.ToString();
    }

    private string Describe(string what)
    {
        var lines = Lines;
        var last = lines.Skip(Math.Max(0, lines.Count - LinesInMessages)).Select(line => (line.IsError ? "[stderr] " : "") + line.Text);
        return $"{_name} (pid {Id}) {what}. Its last {Math.Min(lines.Count, LinesInMessages)} of {lines.Count} lines:\n{string.Join('\n', last)}";
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
