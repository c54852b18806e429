using System.Globalization;
using StackExchange.Redis;

namespace BidLocks.Benchmarks;

/// <summary>
/// Reads the benchmark's redis-server before and after a run, on an admin connection of its own: the server's work per
/// lock cycle does not move with the client-side noise of a shared machine the way cycles/s does. Nothing is reset
/// (CONFIG RESETSTAT would race other readers and hides nothing a delta does not); each figure is a difference.
/// </summary>
internal sealed class RedisServerMeter(ConnectionMultiplexer admin) : IAsyncDisposable
{
    private readonly IServer _server = admin.GetServer(admin.GetEndPoints()[0]);

    /// <param name="CommandMicroseconds">Sum of <c>usec</c> over every <c>cmdstat_*</c> line of <c>INFO commandstats</c>.</param>
    /// <param name="MainThreadCpuSeconds"><c>used_cpu_sys_main_thread + used_cpu_user_main_thread</c> of <c>INFO cpu</c>.</param>
    public readonly record struct Reading(double CommandMicroseconds, double MainThreadCpuSeconds)
    {
        /// <summary>Microseconds per cycle of each figure between <paramref name="before"/> and this reading.</summary>
        public (double CommandMicroseconds, double MainThreadCpuMicroseconds) PerCycleSince(Reading before, long cycles)
            => ((CommandMicroseconds - before.CommandMicroseconds) / cycles, (MainThreadCpuSeconds - before.MainThreadCpuSeconds) * 1e6 / cycles);
    }

    public static async Task<RedisServerMeter> ConnectAsync(int port)
        => new(await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { { "127.0.0.1", port } }, AllowAdmin = true }));

    public async Task<Reading> ReadAsync()
    {
        var commandStats = await _server.InfoRawAsync("commandstats") ?? string.Empty;
        var cpu = await _server.InfoRawAsync("cpu") ?? string.Empty;
        // The INFO calls themselves land in cmdstat_info: two calls, a few µs, against thousands of cycles.
        var usec = Lines(commandStats).Where(line => line.StartsWith("cmdstat_", StringComparison.Ordinal)).Sum(line => Field(line, "usec"));
        return new Reading(usec, Value(cpu, "used_cpu_sys_main_thread") + Value(cpu, "used_cpu_user_main_thread"));
    }

    public string Version => _server.Version.ToString();

    public ValueTask DisposeAsync() => admin.DisposeAsync();

    private static IEnumerable<string> Lines(string info) => info.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    // "cmdstat_set:calls=10,usec=25,usec_per_call=2.50,rejected_calls=0,failed_calls=0"
    private static double Field(string line, string name)
    {
        foreach (var pair in line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(','))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && pair.AsSpan(0, equals).SequenceEqual(name))
            {
                return double.Parse(pair.AsSpan(equals + 1), CultureInfo.InvariantCulture);
            }
        }

        throw new FormatException($"No '{name}' in '{line}'.");
    }

    // "used_cpu_sys_main_thread:0.123456"
    private static double Value(string info, string name)
    {
        var prefix = name + ":";
        var line = Lines(info).FirstOrDefault(candidate => candidate.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new FormatException($"INFO has no '{name}' (Redis 6.2 or newer reports it).");
        return double.Parse(line.AsSpan(prefix.Length), CultureInfo.InvariantCulture);
    }
}
