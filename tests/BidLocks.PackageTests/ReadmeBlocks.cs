namespace BidLocks.PackageTests;

/// <summary>Code blocks of the repository's README.md, so that what a newcomer pastes is what the tests build.</summary>
internal static class ReadmeBlocks
{
    /// <summary>The first <c>```csharp</c> block under the heading <paramref name="heading"/> (such as <c>## Quickstart</c>).</summary>
    public static string CSharpUnder(string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(PackedBidLocks.FindRepositoryRoot(), "README.md"));
        var at = Array.FindIndex(lines, line => line.Trim() == heading);
        Assert.True(at >= 0, $"README.md has no heading '{heading}'.");
        var open = Array.FindIndex(lines, at + 1, line => line.Trim() == "```csharp");
        var nextHeading = Array.FindIndex(lines, at + 1, line => line.StartsWith("## ", StringComparison.Ordinal));
        Assert.True(open >= 0 && (nextHeading < 0 || open < nextHeading), $"README.md has no csharp block under '{heading}'.");
        var close = Array.FindIndex(lines, open + 1, line => line.Trim() == "```");
        return string.Join('\n', lines[(open + 1)..close]) + "\n";
    }
}
