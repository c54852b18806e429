namespace BidLocks.PackageTests;

/// <summary>
/// Every code fix supports Fix All, which is what <c>dotnet format analyzers</c> runs. A consumer
/// with the mistakes a newcomer makes (a body on the method, a <c>partial</c> method with a body and no definition, no
/// CancellationToken) is fixed by the command alone, and then builds with warnings as errors.
/// </summary>
public sealed class FormatFixAllTests(PackedBidLocks package)
{
    private const string Mistakes = """
        using BidLocks;

        Console.WriteLine(await new Bids().PlaceBidAsync("m", "p", CancellationToken.None));

        public sealed record BidReceipt(string PostingId);

        public partial class Bids
        {
            [BidLock("{marketplaceId}", "{postingId}")]
            public async Task<BidReceipt> PlaceBidAsync(string marketplaceId, string postingId, CancellationToken cancellationToken)
            {
                await Task.Yield();
                return new BidReceipt(postingId);
            }

            [BidLock("{marketplaceId}", "{postingId}")]
            public partial async Task<BidReceipt> RaiseBidAsync(string marketplaceId, string postingId, CancellationToken cancellationToken)
            {
                await Task.Yield();
                return new BidReceipt(postingId);
            }

            [BidLock("{marketplaceId}", "{postingId}")]
            public partial Task RetractAsync(string marketplaceId, string postingId);

            private Task RetractAsyncCore(string marketplaceId, string postingId) => Task.CompletedTask;
        }
        """;

    [Fact]
    public async Task Dotnet_format_analyzers_fixes_all_BidLocks_diagnostics_and_the_result_builds()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var folder = package.CreateConsumer("FormatFixAll", Mistakes);

        var format = await DotNetCli.RunAsync(folder, package.Environment, cancellationToken, "format", "analyzers", "--severity", "warn", "--verbosity", "diagnostic");
        var fixedSource = await File.ReadAllTextAsync(Path.Combine(folder, "Program.cs"), cancellationToken);
        var build = await DotNetCli.RunAsync(folder, package.Environment, cancellationToken, "build");

        Assert.DoesNotContain("Unable to fix", format.Output);
        Assert.Contains("private async Task<BidReceipt> PlaceBidAsyncCore(", fixedSource);
        Assert.Contains("private async Task<BidReceipt> RaiseBidAsyncCore(", fixedSource);
        Assert.Contains("public partial Task RetractAsync(string marketplaceId, string postingId, CancellationToken cancellationToken = default);", fixedSource);
        build.EnsureSuccess();
    }
}
