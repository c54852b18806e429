namespace BidLocks.Tests.Support;

/// <summary>Files of this repository (README.md, docs), found from the test binaries' folder upwards.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string ReadAllText(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "BidLocks.Aop.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No BidLocks.Aop.sln above {AppContext.BaseDirectory}.");
    }
}
