using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace BidLocks.Generators.Tests.Infrastructure;

/// <summary>
/// Settings every analyzer and code-fix test shares: .NET 10 and the BidLocks runtime as references (from
/// Basic.Reference.Assemblies, so nothing is downloaded), C# 12 with nullable on, as <see cref="TestCompilation"/>,
/// and the generator running too, so a test sees what a user's build sees: a method with an error gets no
/// implementation (CS8795), and one without compiles.
/// </summary>
/// <remarks>
/// The generator also reports the BL errors (the command-line compiler stops at CS8795 before analyzers run). Those
/// copies are left out here (<see cref="WithoutGeneratorErrors"/>), so these tests check what the analyzer reports and
/// the code fixes it drives; <c>GeneratorDiagnosticTests</c> checks that the generator reports the very same.
/// </remarks>
internal static class AnalyzerTestSettings
{
    /// <summary>No reference-assembly package: the references below are the whole framework.</summary>
    public static readonly ReferenceAssemblies NoPackages = new("net10.0");

    public static readonly ImmutableArray<MetadataReference> References =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(BidLockAttribute).Assembly.Location),
    ];

    public static void Apply(AnalyzerTest<DefaultVerifier> test)
    {
        test.ReferenceAssemblies = NoPackages;
        test.TestState.AdditionalReferences.AddRange(References);
        test.TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            Project project = solution.GetProject(projectId)!;
            var parseOptions = ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(TestCompilation.DefaultLanguageVersion);
            var compilationOptions = ((CSharpCompilationOptions)project.CompilationOptions!)
                .WithNullableContextOptions(NullableContextOptions.Enable)
                .WithAllowUnsafe(true);
            return solution.WithProjectParseOptions(projectId, parseOptions).WithProjectCompilationOptions(projectId, compilationOptions);
        });
    }

    /// <summary>The generator's diagnostics without its BL errors; anything else it reports (a crash: CS8785) stays.</summary>
    public static ImmutableArray<Diagnostic> WithoutGeneratorErrors(ImmutableArray<Diagnostic> generatorDiagnostics)
        => generatorDiagnostics.RemoveAll(diagnostic => diagnostic.Id.StartsWith("BL", StringComparison.Ordinal));
}

/// <summary>An analyzer test with <see cref="AnalyzerTestSettings"/>; sources get <see cref="TestCompilation.Usings"/>.</summary>
internal sealed class BidLockAnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public BidLockAnalyzerTest(string source)
    {
        TestCode = TestCompilation.Usings + source;
        AnalyzerTestSettings.Apply(this);
    }

    protected override IEnumerable<Type> GetSourceGenerators() => [typeof(BidLockGenerator)];

    protected override async Task<(Compilation compilation, ImmutableArray<Diagnostic> generatorDiagnostics)> GetProjectCompilationAsync(
        Project project, IVerifier verifier, CancellationToken cancellationToken)
    {
        (Compilation compilation, ImmutableArray<Diagnostic> generatorDiagnostics) = await base.GetProjectCompilationAsync(project, verifier, cancellationToken);
        return (compilation, AnalyzerTestSettings.WithoutGeneratorErrors(generatorDiagnostics));
    }
}

/// <summary>A code-fix test with <see cref="AnalyzerTestSettings"/>; sources get <see cref="TestCompilation.Usings"/>.</summary>
internal sealed class BidLockCodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public BidLockCodeFixTest(string source, string fixedSource)
    {
        TestCode = TestCompilation.Usings + source;
        FixedCode = TestCompilation.Usings + fixedSource;
        AnalyzerTestSettings.Apply(this);

        // Otherwise the fixed state inherits every expected diagnostic the fix does not own, such as the CS8795 the
        // fix removes. Explicit: the fixed code must compile with no diagnostic unless a test lists one.
        FixedState.InheritanceMode = StateInheritanceMode.Explicit;
        FixedState.AdditionalReferences.AddRange(AnalyzerTestSettings.References);
    }

    protected override IEnumerable<Type> GetSourceGenerators() => [typeof(BidLockGenerator)];

    protected override async Task<(Compilation compilation, ImmutableArray<Diagnostic> generatorDiagnostics)> GetProjectCompilationAsync(
        Project project, IVerifier verifier, CancellationToken cancellationToken)
    {
        (Compilation compilation, ImmutableArray<Diagnostic> generatorDiagnostics) = await base.GetProjectCompilationAsync(project, verifier, cancellationToken);
        return (compilation, AnalyzerTestSettings.WithoutGeneratorErrors(generatorDiagnostics));
    }
}

/// <summary>Shorthands for the expectations analyzer tests write.</summary>
internal static class Expect
{
    /// <summary>A BidLocks diagnostic at markup location <paramref name="location"/> (<c>{|#0:...|}</c>), any message.</summary>
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor, int location = 0)
        => new DiagnosticResult(descriptor.Id, descriptor.DefaultSeverity).WithLocation(location);

    /// <summary>A BidLocks diagnostic at markup location <paramref name="location"/> with exactly these message arguments.</summary>
    public static DiagnosticResult Message(DiagnosticDescriptor descriptor, int location, params object[] arguments)
        => new DiagnosticResult(descriptor).WithLocation(location).WithArguments(arguments);

    /// <summary>The compiler's "partial method has no implementation": the generator wrote nothing.</summary>
    public static DiagnosticResult NotImplemented(int location = 0)
        => DiagnosticResult.CompilerError("CS8795").WithLocation(location);

    /// <summary>The compiler's "a partial member must be declared within a partial type".</summary>
    public static DiagnosticResult PartialMemberOutsidePartialType(int location = 0)
        => DiagnosticResult.CompilerError("CS0751").WithLocation(location);
}
