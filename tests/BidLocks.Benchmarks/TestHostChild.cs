using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace BidLocks.Benchmarks;

/// <summary>
/// One tests/BidLocks.TestHost process, run from its own build output (its folder is stamped into this assembly at
/// build time; see the project file), spoken to a line at a time as the SQLite process tests do. Disposal kills it by its own pid if it is still running.
/// </summary>
internal sealed class TestHostChild : IAsyncDisposable
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(120);
    private readonly Process _process;
    private readonly StringBuilder _errors = new();

    private TestHostChild(Process process)
    {
        _process = process;
    }

    public static TestHostChild Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(Directory, OperatingSystem.IsWindows() ? "BidLocks.TestHost.exe" : "BidLocks.TestHost"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var child = new TestHostChild(new Process { StartInfo = start });
        child._process.ErrorDataReceived += (_, line) =>
        {
            lock (child._errors)
            {
                child._errors.AppendLine(line.Data);
            }
        };
        child._process.Start();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the child to say <paramref name="expected"/>; fails with its error output otherwise.</summary>
    public async Task ExpectLineAsync(string expected)
    {
        string? line;
        try
        {
            line = await _process.StandardOutput.ReadLineAsync().WaitAsync(LineTimeout);
        }
        catch (TimeoutException)
        {
            line = null;
        }

        if (line != expected)
        {
            string errors;
            lock (_errors)
            {
                errors = _errors.ToString();
            }

            throw new InvalidOperationException($"Test host {_process.Id} said '{line ?? "nothing"}', not '{expected}'. Its errors:\n{errors}");
        }
    }

    private static string Directory => typeof(TestHostChild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "TestHostDirectory").Value!;

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(LineTimeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
