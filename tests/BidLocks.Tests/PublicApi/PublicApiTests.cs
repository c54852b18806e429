namespace BidLocks.Tests.PublicApi;

/// <summary>
/// The public API of the BidLocks package as a committed listing (<c>BidLocks.api.txt</c>): every change to it, added
/// or removed, is a reviewed diff. With <c>BIDLOCKS_UPDATE_BASELINES=1</c> (not on CI) the run rewrites the listing.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_API_matches_the_committed_listing()
    {
        var actual = PublicApiListing.Of(typeof(IBidLockManager).Assembly);
        var path = Path.Combine(ProjectDirectory(), "PublicApi", "BidLocks.api.txt");
        if (UpdateRequested)
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No listing {path}. Run the tests with BIDLOCKS_UPDATE_BASELINES=1 to create it, then review and commit it.");
        Assert.Equal(File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal), actual);
    }

    [Fact]
    public void The_listing_names_the_fixed_public_types()
    {
        var listing = PublicApiListing.Of(typeof(IBidLockManager).Assembly);

        Assert.Contains("interface BidLocks.IBidLockManager : System.IAsyncDisposable", listing, StringComparison.Ordinal);
        Assert.Contains("BidLocks.BidLockLease", listing, StringComparison.Ordinal);
        Assert.Contains("System.Threading.Tasks.ValueTask<System.Boolean> AcquireLockAsync(", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("BidLocks.LeaseRenewal", listing, StringComparison.Ordinal);
    }

    // CI must compare, never write: a listing rewritten there would pass whatever the API became.
    private static bool UpdateRequested
        => Environment.GetEnvironmentVariable("BIDLOCKS_UPDATE_BASELINES") == "1"
            && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    // Found by walking up from the test binary: CI maps source paths, so this file's compile-time path cannot be trusted.
    private static string ProjectDirectory()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BidLocks.Tests.csproj")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"BidLocks.Tests.csproj is not above {AppContext.BaseDirectory}.");
    }
}
