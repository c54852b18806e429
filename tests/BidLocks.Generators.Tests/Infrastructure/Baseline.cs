namespace BidLocks.Generators.Tests.Infrastructure;

/// <summary>
/// Compares generated code with a committed baseline in <c>Baselines/</c>. With <c>BIDLOCKS_UPDATE_BASELINES=1</c>
/// (and not on CI) it rewrites the baseline instead, so a deliberate change is one test run plus a reviewed diff.
/// </summary>
internal static class Baseline
{
    private const string Extension = ".g.cs.txt";

    public static void Verify(string name, string actual)
    {
        string path = Path.Combine(BaselineDirectory, name + Extension);
        actual = Normalize(actual);
        if (UpdateRequested)
        {
            Directory.CreateDirectory(BaselineDirectory);
            if (!File.Exists(path) || Normalize(File.ReadAllText(path)) != actual)
            {
                File.WriteAllText(path, actual);
            }

            return;
        }

        Assert.True(File.Exists(path), $"No baseline {path}. Run the tests with BIDLOCKS_UPDATE_BASELINES=1 to create it, then review and commit it.");
        string expected = Normalize(File.ReadAllText(path));
        if (expected != actual)
        {
            // Assert.Equal on the whole text shows where the two first differ.
            Assert.Equal(expected, actual);
        }
    }

    // CI must compare, never write: a baseline rewritten there would pass whatever the generator produced.
    private static bool UpdateRequested
        => Environment.GetEnvironmentVariable("BIDLOCKS_UPDATE_BASELINES") == "1"
            && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    // The project folder, found by walking up from the test binary: CI builds map source paths (PathMap), so the
    // compile-time path of this file cannot be trusted there.
    private static string BaselineDirectory { get; } = FindProjectDirectory();

    private static string FindProjectDirectory()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BidLocks.Generators.Tests.csproj")))
            {
                return Path.Combine(directory.FullName, "Baselines");
            }
        }

        throw new InvalidOperationException($"BidLocks.Generators.Tests.csproj is not above {AppContext.BaseDirectory}.");
    }
}
