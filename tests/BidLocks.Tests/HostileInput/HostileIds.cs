namespace BidLocks.Tests.HostileInput;

/// <summary>
/// Ids an attacker or a buggy caller could send. Each is either rejected before any I/O (<see cref="Rejected"/>) or
/// accepted and stored under a key of its own (<see cref="Accepted"/>). Cases are looked up by name so test names stay
/// readable (a 1 MB string or a lone surrogate makes a poor test name).
/// </summary>
public static class HostileIds
{
    private const int OneMegabyte = 1 << 20;

    public static IReadOnlyDictionary<string, string?> Rejected { get; } = new Dictionary<string, string?>
    {
        ["null"] = null,
        ["empty"] = string.Empty,
        ["one space"] = " ",
        ["only white space (tab, CR, LF, NBSP, em space)"] = " \t\r\n\u00A0\u2003",
        ["1 MB"] = new string('x', OneMegabyte),
        ["1 MB of glob stars"] = new string('*', OneMegabyte),
        ["257 characters, one over the limit"] = new string('a', BidLockDefaults.MaxIdLength + 1),
        ["lone high surrogate"] = "bid\uD83D",
        ["lone low surrogate"] = "\uDE00bid",
        ["surrogate pair reversed"] = "\uDE00\uD83D",
        // Ids are compared ordinally, so "bid " would be a lock of its own beside "bid".
        ["trailing space"] = "bid ",
        ["leading space"] = " bid",
        ["RESP injection ending in CRLF"] = "x\r\n*1\r\n$8\r\nFLUSHALL\r\n",
    };

    public static IReadOnlyDictionary<string, string> Accepted { get; } = new Dictionary<string, string>
    {
        ["plain"] = "bid",
        ["upper case"] = "BID",
        ["256 characters, the limit"] = new string('b', BidLockDefaults.MaxIdLength),
        ["glob star"] = "*",
        ["glob question mark"] = "?",
        ["glob class"] = "[a-z]*",
        ["SQL injection"] = "'; DROP TABLE bidlock_holds; --",
        ["SQL LIKE wildcards"] = "%_",
        ["Lua call"] = "redis.call('FLUSHALL')",
        ["Lua pattern"] = "%d+.-$^",
        ["RESP injection"] = "x\r\n*1\r\n$8\r\nFLUSHALL\r\nx",
        ["NUL inside"] = "a\0b",
        ["control characters"] = "\u0001\u001B[31m\u007F",
        ["hash tag braces"] = "{other}",
        ["colon"] = "a:b",
        ["colon, escaped by hand"] = "a%3Ab",
        ["percent"] = "%",
        ["percent, escaped by hand"] = "%25",
        ["space inside"] = "a b",
        ["space, escaped by hand"] = "a%20b",
        ["no-break space inside"] = "a\u00A0b",
        ["emoji (a valid surrogate pair)"] = "\U0001F600",
        ["e-acute, precomposed"] = "\u00E9",
        ["e-acute, decomposed"] = "e\u0301",
        ["right-to-left override"] = "\u202Eevil",
        ["zero-width space"] = "\u200B",
        ["quotes"] = "\"'`",
        ["backslash escape"] = "\\x00",
        ["a whole key"] = "bidlock:{a:b}",
        ["lock value markers"] = "=+~",
    };

    /// <summary>
    /// (marketplace, posting) pairs that must all be different locks: every accepted id in either place, and pairs
    /// that would be one key if the components were joined without escaping.
    /// </summary>
    public static IReadOnlyList<(string Marketplace, string Posting)> DistinctPairs { get; } =
    [
        .. Accepted.Values.Select(id => ("market", id)),
        .. Accepted.Values.Select(id => (id, "posting")),
        ("a:b", "c"),
        ("a", "b:c"),
        ("a}", "{b"),
        ("a", "}{b"),
        ("a%3A", "b"),
    ];

    public static TheoryData<string> RejectedNames => [.. Rejected.Keys];
}
