using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace BidLocks.PackageTests;

/// <summary>
/// A built consumer running as a real process (<c>dotnet App.dll</c>). The test waits for the line it needs, never
/// for a fixed time; disposal kills the process by its own pid.
/// </summary>
internal sealed class ConsumerProcess : IAsyncDisposable
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _output = new();

    private ConsumerProcess(Process process) => _process = process;

    public static ConsumerProcess Start(string assemblyPath, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assemblyPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var consumer = new ConsumerProcess(process);
        process.OutputDataReceived += (_, line) => consumer.Received(line.Data);
        process.ErrorDataReceived += (_, line) => consumer.Received(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return consumer;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits for a line that contains <paramref name="text"/>; fails with everything printed if none comes.</summary>
    public async Task WaitForLineAsync(string text, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(LineTimeout);
        try
        {
            while (await _lines.Reader.ReadAsync(timeout.Token) is { } line)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException && !cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"The consumer never printed '{text}'. It printed:\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            _lines.Writer.TryComplete();
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        _lines.Writer.TryWrite(line);
    }
}
