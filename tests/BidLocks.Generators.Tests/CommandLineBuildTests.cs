using System.Text.RegularExpressions;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests;

/// <summary>
/// What a user building from the command line sees. csc stops after declaration errors such as CS8795 without running
/// analyzers, so a BL error reaches that user only because the generator reports it.
/// </summary>
public sealed class CommandLineBuildTests
{
    private const string Ledger = """
        using BidLocks;

        public partial class Ledger
        {
            [BidLock("{marketplace}", "{postingId}")]
            public partial Task AddAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

            private Task AddAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    [Fact]
    public async Task A_bad_template_fails_the_build_with_the_BL_error_and_its_suggestion()
    {
        (int exitCode, string output) = await CommandLineBuild.RunAsync(
            new Dictionary<string, string> { ["Ledger.cs"] = Ledger }, TestContext.Current.CancellationToken);

        Assert.True(exitCode != 0, output);
        Assert.Contains("Ledger.cs(5,15): error BL0003: ", output, StringComparison.Ordinal);
        Assert.Contains("did you mean 'marketplaceId'?", output, StringComparison.Ordinal);
        Assert.Contains("error CS8795", output, StringComparison.Ordinal);

        // As often as CS8795 (MSBuild repeats errors in its summary), so only once per build: the analyzer that
        // reports it too never ran.
        Assert.Equal(Regex.Count(output, "error CS8795"), Regex.Count(output, "error BL0003"));
    }
}
