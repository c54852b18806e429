using BidLocks.Testing;

namespace BidLocks.Generators.Tests.Infrastructure;

/// <summary>
/// Builds a throwaway project with <c>dotnet build</c> in a temporary folder, as a user's command line would: csc with
/// the generator assembly under test as an analyzer and the BidLocks runtime as a reference.
/// </summary>
internal static class CommandLineBuild
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Builds <paramref name="sources"/> (file name, text) and returns the exit code and everything printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> sources, CancellationToken cancellationToken)
    {
        string folder = Directory.CreateTempSubdirectory("bidlocks-cli-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "Consumer.csproj"), Project(), cancellationToken);

            // Empty, so that no Directory.Build.* above the temporary folder changes the build.
            await File.WriteAllTextAsync(Path.Combine(folder, "Directory.Build.props"), "<Project />", cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(folder, "Directory.Build.targets"), "<Project />", cancellationToken);
            foreach ((string name, string text) in sources)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, name), text, cancellationToken);
            }

            // No node reuse, so no MSBuild process outlives the test.
            return await DotNetCommand.RunAsync("dotnet", folder, ["build", "-nologo", "-nodeReuse:false"], environment: null, Timeout, cancellationToken);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The assemblies this test run loaded, not their projects: building those again here would write into folders
    // that other builds of the repository use at the same time, and take far longer.
    private static string Project() => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
          </PropertyGroup>
          <ItemGroup>
            <Reference Include="{typeof(BidLockAttribute).Assembly.Location}" />
            <Analyzer Include="{typeof(BidLockGenerator).Assembly.Location}" />
          </ItemGroup>
        </Project>
        """;
}
