namespace BidLocks;

// Where each option came from, for messages that tell the reader what to change.
public sealed partial class BidLockOptions
{
    /// <summary>
    /// Names the place an option was set (the <c>bidlocks</c> tool's <c>--redis</c>, or the configuration key and file
    /// it read), by option name; null, or a null answer, means code set it: <c>BidLockOptions.&lt;name&gt;</c>. Without
    /// it the tool's own <c>--redis</c> was reported as <c>(from BidLockOptions.RedisUrl)</c>, sending an operator to
    /// look for a setting nobody wrote.
    /// </summary>
    internal Func<string, string?>? SourceNames { get; set; }

    internal string SourceOf(string option) => SourceNames?.Invoke(option) ?? "BidLockOptions." + option;
}
