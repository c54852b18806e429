using System.Collections.Immutable;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Parsing;
using BidLocks.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Tests;

/// <summary>
/// Methods the generator cannot implement get no implementation, so the build fails (CS8795, or the compiler's own
/// error for the mistake) instead of running the bid without its lock. The parser names the reason, and the generator
/// reports it as the BL error the analyzer reports.
/// </summary>
public sealed class UnsupportedMethodTests
{
    private const string Manager = "public IBidLockManager Locks { get; } = new InMemoryBidLockManager();";

    /// <summary>(case, source, the parser's reason, the compiler error that fails the build).</summary>
    public static TheoryData<string, string, string, string> Cases => new()
    {
        {
            "containing type not partial",
            "public class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.ContainingTypeNotPartial), "CS8795"
        },
        {
            "outer type not partial",
            "public class Outer { public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; } }",
            nameof(BidLockFailureReason.ContainingTypeNotPartial), "CS8795"
        },
        {
            "ref parameter",
            "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p, ref int n); private Task MCore(string p, ref int n) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnsupportedParameter), "CS8795"
        },
        {
            "out parameter",
            "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p, out int n); private Task MCore(string p, out int n) { n = 0; return Task.CompletedTask; } }",
            nameof(BidLockFailureReason.UnsupportedParameter), "CS8795"
        },
        {
            "ref struct parameter",
            "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p, ReadOnlySpan<char> text); private Task MCore(string p, ReadOnlySpan<char> text) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnsupportedParameter), "CS8795"
        },
        {
            "return type not awaitable",
            "public partial class S { [BidLock(\"m\", \"{p}\")] public partial int M(string p); private int MCore(string p) => 0; }",
            nameof(BidLockFailureReason.UnsupportedReturnType), "CS8795"
        },
        {
            "instance method of a ref struct",
            "public ref partial struct S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnsupportedContainingType), "CS8795"
        },
        {
            "file-local type",
            "file partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnsupportedContainingType), "CS8795"
        },
        {
            "two cancellation tokens",
            "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p, CancellationToken a, CancellationToken b); private Task MCore(string p, CancellationToken a, CancellationToken b) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.AmbiguousCancellationToken), "CS8795"
        },
        {
            "no Core",
            "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p); }",
            nameof(BidLockFailureReason.CoreNotFound), "CS8795"
        },
        {
            "Core parameter type differs",
            "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p); private Task MCore(object p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.CoreMismatch), "CS8795"
        },
        {
            "Core return type differs",
            "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p); private Task<int> MCore(string p) => Task.FromResult(0); }",
            nameof(BidLockFailureReason.CoreMismatch), "CS8795"
        },
        {
            "Core extra parameter is not the lease",
            "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p); private Task MCore(string p, int extra) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.CoreMismatch), "CS8795"
        },
        {
            "Core ref kind differs",
            "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p, in int n); private Task MCore(string p, int n) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.CoreMismatch), "CS8795"
        },
        {
            "static method with instance Core",
            "public partial class S { [BidLock(\"m\", \"{p}\")] public static partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.CoreMismatch), "CS8795"
        },
        {
            "two matching Cores",
            "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; private Task MCore(string p, BidLockLease lease) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.AmbiguousCore), "CS8795"
        },
        {
            "unclosed brace",
            "public partial class S { [BidLock(\"m\", \"{p\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.InvalidTemplate), "CS8795"
        },
        {
            "unmatched closing brace",
            "public partial class S { [BidLock(\"m\", \"p}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.InvalidTemplate), "CS8795"
        },
        {
            "empty hole",
            "public partial class S { [BidLock(\"m\", \"{}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.InvalidTemplate), "CS8795"
        },
        {
            "format specifier",
            "public partial class S { [BidLock(\"m\", \"{n:D4}\")] public partial Task M(int n); private Task MCore(int n) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.InvalidTemplate), "CS8795"
        },
        {
            "empty template",
            "public partial class S { [BidLock(\"\", \"{p}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.InvalidTemplate), "CS8795"
        },
        {
            "null template",
            "public partial class S { [BidLock(null!, \"{p}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.InvalidTemplate), "CS8795"
        },
        {
            "unknown parameter",
            "public partial class S { [BidLock(\"m\", \"{q}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnknownTemplateMember), "CS8795"
        },
        {
            "unknown member",
            "public partial class S { [BidLock(\"m\", \"{p.Nope}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnknownTemplateMember), "CS8795"
        },
        {
            "static member",
            "public partial class S { [BidLock(\"m\", \"{p.Empty}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnreadableTemplateMember), "CS8795"
        },
        {
            "inaccessible member",
            "public class Item { private string Secret = \"\"; public override string ToString() => Secret; } public partial class S { [BidLock(\"m\", \"{i.Secret}\")] public partial Task M(Item i); private Task MCore(Item i) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnreadableTemplateMember), "CS8795"
        },
        {
            "write-only property",
            "public class Item { public string Name { set { } } } public partial class S { [BidLock(\"m\", \"{i.Name}\")] public partial Task M(Item i); private Task MCore(Item i) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnreadableTemplateMember), "CS8795"
        },
        {
            "collection as the marketplace id",
            "public partial class S { [BidLock(\"{ms}\", \"{p}\")] public partial Task M(string[] ms, string p); private Task MCore(string[] ms, string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnsupportedCollectionTemplate), "CS8795"
        },
        {
            "nullable elements",
            "public partial class S { [BidLock(\"m\", \"{ps}\")] public partial Task M(IEnumerable<string?> ps); private Task MCore(IEnumerable<string?> ps) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnsupportedCollectionTemplate), "CS8795"
        },
        {
            "nullable element member",
            "public record Line(string? Id); public partial class S { [BidLock(\"m\", \"{ls.Id}\")] public partial Task M(List<Line> ls); private Task MCore(List<Line> ls) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnsupportedCollectionTemplate), "CS8795"
        },
        {
            "nullable value elements",
            "public partial class S { [BidLock(\"m\", \"{ns}\")] public partial Task M(int?[] ns); private Task MCore(int?[] ns) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnsupportedCollectionTemplate), "CS8795"
        },
        {
            "two collections",
            "public partial class S { [BidLock(\"m\", \"{a}-{b}\")] public partial Task M(string[] a, string[] b); private Task MCore(string[] a, string[] b) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnsupportedCollectionTemplate), "CS8795"
        },
        {
            "collection of collections",
            "public partial class S { [BidLock(\"m\", \"{ps}\")] public partial Task M(List<string[]> ps); private Task MCore(List<string[]> ps) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnsupportedCollectionTemplate), "CS8795"
        },
        {
            "more than one element type",
            "public class Both : IEnumerable<string>, IEnumerable<int> { IEnumerator<string> IEnumerable<string>.GetEnumerator() => null!; IEnumerator<int> IEnumerable<int>.GetEnumerator() => null!; System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => null!; } public partial class S { [BidLock(\"m\", \"{b}\")] public partial Task M(Both b); private Task MCore(Both b) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.UnsupportedCollectionTemplate), "CS8795"
        },
        {
            "two manager fields",
            "public partial class S(IBidLockManager a, IBidLockManager b) { private readonly IBidLockManager _a = a; private readonly IBidLockManager _b = b; [BidLock(\"m\", \"{p}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.AmbiguousManager), "CS8795"
        },
        {
            "two manager primary-constructor parameters",
            "public partial class S(IBidLockManager a, InMemoryBidLockManager b) { public object Both => (a, b); [BidLock(\"m\", \"{p}\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.AmbiguousManager), "CS8795"
        },
        {
            "manager parameter hidden by a method parameter",
            "public partial class S(IBidLockManager locks) { public object Locks => locks; [BidLock(\"m\", \"{locks}\")] public partial Task M(string locks); private Task MCore(string locks) => Task.CompletedTask; }",
            nameof(BidLockFailureReason.HiddenManager), "CS8795"
        },
        {
            "negative timeout",
            $"public partial class S {{ {Manager} [BidLock(\"m\", \"{{p}}\", TimeoutSeconds = -1)] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }}",
            nameof(BidLockFailureReason.InvalidTiming), "CS8795"
        },
        {
            "negative TTL",
            $"public partial class S {{ {Manager} [BidLock(\"m\", \"{{p}}\", TtlSeconds = -1)] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }}",
            nameof(BidLockFailureReason.InvalidTiming), "CS8795"
        },
        {
            "NaN timeout",
            $"public partial class S {{ {Manager} [BidLock(\"m\", \"{{p}}\", TimeoutSeconds = double.NaN)] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }}",
            nameof(BidLockFailureReason.InvalidTiming), "CS8795"
        },
        {
            "infinite hold cap",
            $"public partial class S {{ {Manager} [BidLock(\"m\", \"{{p}}\", MaxHoldSeconds = double.PositiveInfinity)] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }}",
            nameof(BidLockFailureReason.InvalidTiming), "CS8795"
        },
        {
            "TTL beyond TimeSpan",
            $"public partial class S {{ {Manager} [BidLock(\"m\", \"{{p}}\", TtlSeconds = 1e300)] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }}",
            nameof(BidLockFailureReason.InvalidTiming), "CS8795"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Emits_nothing_and_the_build_fails(string @case, string source, string reason, string compilerError)
    {
        _ = @case;
        GeneratorOutcome outcome = TestCompilation.Run(source);

        Assert.Empty(outcome.GeneratedSources);
        Assert.Contains(outcome.CompilationDiagnostics, d => d.Id == compilerError && d.Severity == DiagnosticSeverity.Error);

        (string _, ParseResult result) = Assert.Single(ParserRunner.ParseAll(TestCompilation.Create(source)));
        Assert.Null(result.Model);
        ParseFailure failure = Assert.Single(result.Failures, f => f.Reason.ToString() == reason);
        Assert.False(string.IsNullOrWhiteSpace(failure.Message));
        Assert.NotNull(failure.Location);

        // The generator reports each failure itself, where the parser found it: the command-line compiler prints a
        // generator's errors but stops at CS8795 before it runs the analyzer that reports them too.
        ImmutableArray<Diagnostic> reported = outcome.RunResult.Results.Single().Diagnostics;
        Assert.Contains(reported, d => d.Id == FailureDiagnostics.For(failure.Reason)!.Id && d.Location.SourceSpan == failure.Location.TextSpan);
        Assert.Equal(
            result.Failures.Select(f => (FailureDiagnostics.For(f.Reason)!.Id, f.Location!.TextSpan)).Order(),
            reported.Select(d => (d.Id, d.Location.SourceSpan)).Order());
        Assert.All(reported, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
    }

    [Fact]
    public void A_method_it_cannot_implement_does_not_stop_the_others_in_its_type()
    {
        const string source = """
            public partial class S
            {
                [BidLock("m", "{p}")]
                public partial Task Good(string p);

                private Task GoodCore(string p) => Task.CompletedTask;

                [BidLock("m", "{nope}")]
                public partial Task Bad(string p);

                private Task BadCore(string p) => Task.CompletedTask;
            }
            """;

        GeneratorOutcome outcome = TestCompilation.Run(source);

        string generated = Assert.Single(outcome.GeneratedSources).SourceText.ToString();
        Assert.Contains("Good(string p)", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("Bad(", generated, StringComparison.Ordinal);
        Diagnostic error = Assert.Single(outcome.CompilationDiagnostics);
        Assert.Equal("CS8795", error.Id);
        Assert.Contains("Bad", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        // Only the method it skipped has an error from the generator, on the hole that names nothing.
        Diagnostic reported = Assert.Single(outcome.RunResult.Results.Single().Diagnostics);
        Assert.Equal("BL0003", reported.Id);
        Assert.Equal("{nope}", SourceAt(outcome, reported.Location));
    }

    [Fact]
    public void Every_failure_is_reported_not_only_the_first()
    {
        const string source = """
            public partial class S
            {
                [BidLock("{nope}", "{p", TimeoutSeconds = -1)]
                public partial int M(string p, ref int n);
            }
            """;

        (string _, ParseResult result) = Assert.Single(ParserRunner.ParseAll(TestCompilation.Create(source)));

        Assert.Equal(
            new[]
            {
                BidLockFailureReason.UnsupportedReturnType,
                BidLockFailureReason.UnsupportedParameter,
                BidLockFailureReason.InvalidTiming,
                BidLockFailureReason.UnknownTemplateMember,
                BidLockFailureReason.InvalidTemplate,
                BidLockFailureReason.CoreNotFound,
            },
            result.Failures.Select(f => f.Reason));
    }

    [Fact]
    public void A_method_the_user_implemented_is_left_alone()
    {
        const string source = """
            public partial class S
            {
                [BidLock("m", "{p}")]
                public partial Task M(string p);

                public partial Task M(string p) => Task.CompletedTask;

                [BidLock("m", "{p}")]
                public Task NotPartial(string p) => Task.CompletedTask;
            }
            """;

        GeneratorOutcome outcome = TestCompilation.Run(source);

        Assert.Empty(outcome.GeneratedSources);
        Assert.Empty(outcome.CompilationDiagnostics);
        Assert.All(ParserRunner.ParseAll(TestCompilation.Create(source)), parsed =>
            Assert.Equal(BidLockFailureReason.NotPartialDefinition, Assert.Single(parsed.Result.Failures).Reason));

        // Left alone, but not silently: the attribute does nothing there, and the generator says so on each name.
        Assert.Equal(
            new[] { ("BL0001", "M"), ("BL0001", "NotPartial") },
            outcome.RunResult.Results.Single().Diagnostics.Select(d => (d.Id, SourceAt(outcome, d.Location))));
    }

    [Fact]
    public void An_attribute_with_compile_errors_gets_only_the_compiler_error()
    {
        GeneratorOutcome outcome = TestCompilation.Run(
            "public partial class S { [BidLock(\"m\")] public partial Task M(string p); private Task MCore(string p) => Task.CompletedTask; }");

        Assert.Empty(outcome.GeneratedSources);
        Assert.Contains(outcome.CompilationDiagnostics, d => d.Id == "CS7036");
        Assert.Empty(outcome.RunResult.Results.Single().Diagnostics);
    }

    // The text a generator diagnostic marks. Its location is a file location (the pipeline keeps no syntax tree), so
    // the text is looked up in the compilation's tree of that path.
    private static string SourceAt(GeneratorOutcome outcome, Location location)
    {
        Assert.Equal(LocationKind.ExternalFile, location.Kind);
        SyntaxTree tree = Assert.Single(outcome.Output.SyntaxTrees, t => t.FilePath == location.GetLineSpan().Path);
        return tree.GetText().ToString(location.SourceSpan);
    }
}
