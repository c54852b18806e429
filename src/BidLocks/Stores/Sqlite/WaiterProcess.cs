using System.Diagnostics;
using System.Globalization;

namespace BidLocks;

/// <summary>
/// The process a queued SQLite waiter belongs to, so that the next try can drop the places of a process that no longer
/// exists (killed, crashed) at once, rather than leave a free lock idle until those places lapse (WaiterTtl). A pid
/// alone is not enough, since pids are reused: the identity also holds the process's start time, and on Linux its PID
/// namespace, because containers that share the file through a volume each count pids from 1.
/// </summary>
/// <remarks>
/// Linux: <c>pidns/pid/start</c>, the start in clock ticks since boot from <c>/proc/[pid]/stat</c> (exact, and
/// untouched by wall clock steps). Elsewhere: <c>pid/start</c>, the start in UTC ticks as the OS reports it. Only the
/// slow path uses this (a free lock with another waiter first in line), never an uncontended acquire.
/// </remarks>
internal static class WaiterProcess
{
    private static readonly string? PidNamespace = OperatingSystem.IsLinux() ? ReadPidNamespace() : null;

    /// <summary>This process.</summary>
    public static string Current { get; } = Describe();

    /// <summary>
    /// True only when <paramref name="identity"/>'s process is certainly gone (or a zombie). A process of another PID
    /// namespace, or one that cannot be looked at, counts as alive: its places then lapse by their deadline as before.
    /// </summary>
    public static bool IsGone(string identity)
    {
        if (identity == Current)
        {
            return false;
        }

        try
        {
            // The recorded start differs from the pid's start now (null: no such process): the process is gone.
            return identity.Split('/') switch
            {
                [var pidNamespace, var pid, var start] when PidNamespace is not null && pidNamespace == PidNamespace
                    => int.TryParse(pid, CultureInfo.InvariantCulture, out var linuxPid) && ReadLinuxStart(linuxPid) != start,
                [var pid, var start] when PidNamespace is null
                    => int.TryParse(pid, CultureInfo.InvariantCulture, out var otherPid) && StartOf(otherPid) != start,
                _ => false,
            };
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string Describe()
    {
        var pid = Environment.ProcessId;
        return PidNamespace is not null && ReadLinuxStart(pid) is { } start
            ? string.Create(CultureInfo.InvariantCulture, $"{PidNamespace}/{pid}/{start}")
            : string.Create(CultureInfo.InvariantCulture, $"{pid}/{StartOf(pid)}");
    }

    // "pid:[4026531836]": the same text for every process of one PID namespace.
    private static string? ReadPidNamespace()
    {
        try
        {
            return new FileInfo("/proc/self/ns/pid").LinkTarget;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The start time field of <c>/proc/[pid]/stat</c>; null when the process does not exist or is a zombie.</summary>
    private static string? ReadLinuxStart(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count fields after its last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields[0] is "Z" or "X" ? null : fields[19];
    }

    private static string? StartOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
        }
        catch (ArgumentException)
        {
            // No process has this pid.
            return null;
        }
    }
}
