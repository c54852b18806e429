namespace BidLocks.Samples.Tests;

/// <summary>Whether a pid still runs, read from /proc: a zombie (exited, not yet reaped by its new parent) counts as gone.</summary>
public static class ProcessState
{
    public static bool IsRunning(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }

        // "pid (name) S …": the state follows the last ')', since the name may itself hold parentheses.
        var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
        return state is not ('Z' or 'X' or 'x');
    }
}
