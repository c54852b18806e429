using System.Collections.Immutable;
using BidLocks.Generators;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BidLocks.Generators.Tests.Infrastructure;

/// <summary>Builds compilations of test sources against .NET 10 and the BidLocks runtime, and runs the generator.</summary>
internal static class TestCompilation
{
    /// <summary>
    /// C# 12 by default: the runtime targets net8.0, whose SDK compiles C# 12, so generated code must be valid there.
    /// </summary>
    public const LanguageVersion DefaultLanguageVersion = LanguageVersion.CSharp12;

    /// <summary>The usings every test source starts with, as a user's file with ImplicitUsings would see them.</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using BidLocks;

        """;

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(BidLockAttribute).Assembly.Location),
    ];

    public static CSharpCompilation Create(string source, LanguageVersion languageVersion = DefaultLanguageVersion)
        => Create([source], languageVersion);

    public static CSharpCompilation Create(IEnumerable<string> sources, LanguageVersion languageVersion = DefaultLanguageVersion)
    {
        var parseOptions = new CSharpParseOptions(languageVersion);
        IEnumerable<SyntaxTree> trees = sources.Select((source, i) =>
            CSharpSyntaxTree.ParseText(Usings + source, parseOptions, path: $"Source{i}.cs"));
        return CSharpCompilation.Create(
            "BidLocks.Generated.Test",
            trees,
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true,
                // Every warning wave, as the SDK's default AnalysisLevel turns on for current target frameworks.
                warningLevel: 9999,
                // The SDK suppresses these assembly-unification notices for every project; so do we.
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));
    }

    public static CSharpGeneratorDriver CreateDriver(CSharpCompilation compilation, bool trackSteps = false)
        => CSharpGeneratorDriver.Create(
            [new BidLockGenerator().AsSourceGenerator()],
            parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once over <paramref name="source"/>.</summary>
    public static GeneratorOutcome Run(string source, LanguageVersion languageVersion = DefaultLanguageVersion)
        => Run(Create(source, languageVersion));

    public static GeneratorOutcome Run(CSharpCompilation compilation)
    {
        GeneratorDriver driver = CreateDriver(compilation)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        return new GeneratorOutcome(driver.GetRunResult(), output, generatorDiagnostics);
    }
}

/// <summary>What one generator run produced.</summary>
internal sealed record GeneratorOutcome(GeneratorDriverRunResult RunResult, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public ImmutableArray<GeneratedSourceResult> GeneratedSources => RunResult.Results.Single().GeneratedSources;

    /// <summary>Every diagnostic worth a look: hidden ones (unused usings and the like) left out.</summary>
    public ImmutableArray<Diagnostic> CompilationDiagnostics
        => Output.GetDiagnostics().Where(d => d.Severity != DiagnosticSeverity.Hidden).ToImmutableArray();

    public string Describe(IEnumerable<Diagnostic> diagnostics)
        => string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()))
            + Environment.NewLine + "--- generated ---" + Environment.NewLine
            + string.Join(Environment.NewLine, GeneratedSources.Select(s => $"// {s.HintName}{Environment.NewLine}{s.SourceText}"));

    /// <summary>Fails with the diagnostics and the generated code unless the output compiles without a warning.</summary>
    public void AssertCompilesCleanly()
    {
        Assert.Empty(GeneratorDiagnostics);
        ImmutableArray<Diagnostic> diagnostics = CompilationDiagnostics;
        Assert.True(diagnostics.IsEmpty, "The generated compilation has diagnostics:" + Environment.NewLine + Describe(diagnostics));
    }
}
