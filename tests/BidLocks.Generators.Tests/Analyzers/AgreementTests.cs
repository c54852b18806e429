using System.Collections.Immutable;
using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Parsing;
using BidLocks.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BidLocks.Generators.Tests.Analyzers;

/// <summary>
/// The generator and the analyzers agree: a method with an error diagnostic gets no implementation (so the build
/// fails on it), and a method with none is implemented, compiles without a warning, and really locks.
/// </summary>
public sealed class AgreementTests
{
    /// <summary>Every analyzer the generator assembly ships, as a user's build loads them.</summary>
    internal static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers { get; } = typeof(BidLockMethodAnalyzer).Assembly.GetTypes()
        .Where(type => typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && !type.IsAbstract)
        .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
        .ToImmutableArray();

    public static TheoryData<string, string, string, string> Unsupported => UnsupportedMethodTests.Cases;

    public static TheoryData<string> ShapeNames => new(Shapes.All.Keys);

    [Theory]
    [MemberData(nameof(Unsupported))]
    public async Task A_method_the_generator_refuses_gets_an_error_for_each_reason_and_no_implementation(
        string @case, string source, string reason, string compilerError)
    {
        _ = (@case, reason, compilerError);
        GeneratorOutcome outcome = TestCompilation.Run(source);
        ImmutableArray<Diagnostic> diagnostics = await AnalyzeAsync(outcome.Output);

        Assert.Empty(outcome.GeneratedSources);
        (string _, ParseResult parsed) = Assert.Single(ParserRunner.ParseAll(TestCompilation.Create(source)));
        string[] expected = parsed.Failures
            .Select(failure => FailureDiagnostics.For(failure.Reason)?.Id)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();
        string[] actual = diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.Id)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.NotEmpty(actual);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public async Task A_supported_shape_gets_no_error_and_its_implementation_compiles_cleanly(string shape)
    {
        GeneratorOutcome outcome = TestCompilation.Run(Shapes.Domain + Shapes.All[shape]);
        ImmutableArray<Diagnostic> diagnostics = await AnalyzeAsync(outcome.Output);

        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.NotEmpty(outcome.GeneratedSources);
        outcome.AssertCompilesCleanly();
    }

    [Fact]
    public async Task A_method_with_no_diagnostic_at_all_compiles_and_locks()
    {
        const string source = """
            public partial class Bids(IBidLockManager locks)
            {
                public int Runs { get; private set; }

                [BidLock("m", "{postingId}", TimeoutSeconds = 0.2)]
                public partial Task<int> BidAsync(string postingId, CancellationToken cancellationToken);

                private Task<int> BidAsyncCore(string postingId, CancellationToken cancellationToken) => Task.FromResult(++Runs);
            }
            """;
        GeneratorOutcome outcome = TestCompilation.Run(source);
        Assert.Empty(await AnalyzeAsync(outcome.Output));

        using GeneratedAssembly assembly = GeneratedAssembly.Compile(source);
        await using var manager = new InMemoryBidLockManager();
        object bids = assembly.Create("Bids", manager);
        CancellationToken token = TestContext.Current.CancellationToken;

        // Held by another async flow (the same flow would re-enter its own lock): the generated method must wait, time
        // out and leave the body unrun.
        Task<BidLockLease> other;
        using (ExecutionContext.SuppressFlow())
        {
            other = Task.Run(() => manager.AcquireAsync("m", "p1", cancellationToken: token).AsTask(), token);
        }

        await using (await other)
        {
            await Assert.ThrowsAsync<BidLockTimeoutException>(() => GeneratedAssembly.Call<int>(bids, "BidAsync", "p1", token));
            Assert.Equal(0, GeneratedAssembly.Get<int>(bids, "Runs"));
        }

        Assert.Equal(1, await GeneratedAssembly.Call<int>(bids, "BidAsync", "p1", token));
    }

    internal static Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation)
        => compilation.WithAnalyzers(AllAnalyzers).GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken);
}
