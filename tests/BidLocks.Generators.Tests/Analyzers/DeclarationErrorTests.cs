using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace BidLocks.Generators.Tests.Analyzers;

/// <summary>
/// BL0001–BL0017: each error on the exact text the user must change, alongside the compiler's CS8795 (the generator
/// wrote nothing) where the method is a partial definition; and a near miss of each that raises nothing at all.
/// </summary>
public sealed class DeclarationErrorTests
{
    private const string Manager = "public IBidLockManager Locks { get; } = new InMemoryBidLockManager();";

    /// <summary>
    /// (id, source): #0 marks the error; #1, when present, marks the method, which gets CS8795; #2, when present, the
    /// declaration to change (the diagnostic's additional location).
    /// </summary>
    public static TheoryData<string, string> Errors => new()
    {
        { "BL0001", "public partial class S { [BidLock(\"m\", \"{p}\")] public Task {|#0:M|}(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0001", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task {|#0:M|}(string p, CancellationToken ct); public partial Task M(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0002", "public class {|#2:Outer|} { public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task {|#0:M|}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; } }" },
        { "BL0003", "public partial class S { [BidLock(\"m\", \"{|#0:{P}|}\")] public partial Task {|#1:M|}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0003", "public partial class S { [BidLock(\"m\", \"id-{|#0:{p.Lenght}|}\")] public partial Task {|#1:M|}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0004", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task {|#0:M|}(string p, CancellationToken ct); }" },
        { "BL0005", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task {|#0:M|}(string p, CancellationToken ct); private Task {|#2:MCore|}(object p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0005", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task {|#0:M|}(string p, CancellationToken ct); private Task<int> {|#2:MCore|}(string p, CancellationToken ct) => Task.FromResult(0); }" },
        { "BL0006", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial {|#0:int|} {|#1:M|}(string p, CancellationToken ct); private int MCore(string p, CancellationToken ct) => 0; }" },
        { "BL0007", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task {|#1:M|}(string p, {|#0:ref int n|}, CancellationToken ct); private Task MCore(string p, ref int n, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0008", "public class Item { public string Name { set { } } } public partial class S { [BidLock(\"m\", \"{|#0:{i.Name}|}\")] public partial Task {|#1:M|}(Item i, CancellationToken ct); private Task MCore(Item i, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0008", "public class Item { private string Secret = \"\"; public override string ToString() => Secret; } public partial class S { [BidLock(\"m\", \"{|#0:{i.Secret}|}\")] public partial Task {|#1:M|}(Item i, CancellationToken ct); private Task MCore(Item i, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0009", "public partial class S(IBidLockManager a, IBidLockManager b) { private readonly IBidLockManager _a = a; private readonly IBidLockManager _b = b; [BidLock(\"m\", \"{p}\")] public partial Task {|#0:M|}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0010", $"public partial class S {{ {Manager} [BidLock(\"m\", \"{{p}}\", {{|#0:TtlSeconds = 0|}})] public partial Task {{|#1:M|}}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }}" },
        { "BL0010", $"public partial class S {{ {Manager} [BidLock(\"m\", \"{{p}}\", {{|#0:TtlSeconds = double.NaN|}})] public partial Task {{|#1:M|}}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }}" },
        { "BL0010", $"public partial class S {{ {Manager} [BidLock(\"m\", \"{{p}}\", {{|#0:MaxHoldSeconds = double.PositiveInfinity|}})] public partial Task {{|#1:M|}}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }}" },
        { "BL0010", $"public partial class S {{ {Manager} [BidLock(\"m\", \"{{p}}\", {{|#0:TimeoutSeconds = -5|}})] public partial Task {{|#1:M|}}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }}" },
        { "BL0011", "public partial class S { [BidLock(\"m\", {|#0:\"{p\"|})] public partial Task {|#1:M|}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0012", "public unsafe class Item { public int* Pointer; } public partial class S { [BidLock(\"m\", \"{|#0:{i.Pointer}|}\")] public partial Task {|#1:M|}(Item i, CancellationToken ct); private Task MCore(Item i, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0013", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task {|#0:M|}(string p, CancellationToken a, CancellationToken b); private Task MCore(string p, CancellationToken a, CancellationToken b) => Task.CompletedTask; }" },
        { "BL0014", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task {|#0:M|}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; private Task MCore(string p, CancellationToken ct, BidLockLease lease) => Task.CompletedTask; }" },
        { "BL0015", "public partial class S(IBidLockManager locks) { public object Locks => locks; [BidLock(\"m\", \"{locks}\")] public partial Task {|#0:M|}(string locks, CancellationToken ct); private Task MCore(string locks, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0016", "file partial class S { [BidLock(\"m\", \"{p}\")] public partial Task {|#0:M|}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0017", "public partial class S { [BidLock(\"{|#0:{ms}|}\", \"{p}\")] public partial Task {|#1:M|}(string[] ms, string p, CancellationToken ct); private Task MCore(string[] ms, string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0017", "public partial class S { [BidLock(\"m\", \"{|#0:{ps}|}\")] public partial Task {|#1:M|}(IEnumerable<string?> ps, CancellationToken ct); private Task MCore(IEnumerable<string?> ps, CancellationToken ct) => Task.CompletedTask; }" },
    };

    /// <summary>(id the source comes close to, source): valid declarations next to each mistake.</summary>
    public static TheoryData<string, string> NearMisses => new()
    {
        { "BL0001", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0002", "public partial class Outer { public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; } }" },
        { "BL0003", "public partial class S { [BidLock(\"m\", \"{p.Length}-{@p}\")] public partial Task M(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0004", "public partial class S { [BidLock(\"m\", \"{p}\")] public static partial Task M(string p, CancellationToken ct); private static Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0005", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task<int> M(string p, CancellationToken ct); private static Task<int> MCore(string p, CancellationToken ct, BidLockLease lease) => Task.FromResult(0); }" },
        { "BL0006", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial ValueTask<int> M(string p, CancellationToken ct); private ValueTask<int> MCore(string p, CancellationToken ct) => new(0); }" },
        { "BL0007", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p, in int n, CancellationToken ct); private Task MCore(string p, in int n, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0008", "public class Item { public string Name { get; private set; } = \"\"; internal string Code = \"\"; } public partial class S { [BidLock(\"{i.Code}\", \"{i.Name}\")] public partial Task M(Item i, CancellationToken ct); private Task MCore(Item i, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0009", "public partial class S(IBidLockManager locks) { private readonly IBidLockManager _locks = locks; [BidLock(\"m\", \"{p}\")] public partial Task M(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0010", $"public partial class S {{ {Manager} [BidLock(\"m\", \"{{p}}\", TimeoutSeconds = 0.001, TtlSeconds = 1e6, MaxHoldSeconds = 86400)] public partial Task M(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }}" },
        { "BL0010", $"public partial class S {{ {Manager} [BidLock(\"m\", \"{{p}}\", TimeoutSeconds = 0)] public partial Task M(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }}" },
        { "BL0011", "public partial class S { [BidLock(\"{{literal}}\", @\"a}}b{p}\")] public partial Task M(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0012", "public class Item { public int? Number; public Guid Id; } public partial class S { [BidLock(\"{i.Id}\", \"{i.Number}\")] public partial Task M(Item i, CancellationToken ct); private Task MCore(Item i, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0013", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0014", "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task M(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; private Task MCore(int other) => Task.CompletedTask; }" },
        { "BL0015", "public partial class S(IBidLockManager locks) { public object Locks => locks; [BidLock(\"m\", \"{postingId}\")] public partial Task M(string postingId, CancellationToken ct); private Task MCore(string postingId, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0016", "public ref partial struct S { [BidLock(\"m\", \"{p}\")] public static partial Task M(string p, CancellationToken ct); private static Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }" },
        { "BL0017", "public record Line(string Id); public partial class S { [BidLock(\"{m}\", \"x-{ls.Id}-{m.Length}\")] public partial Task M(string m, List<Line> ls, CancellationToken ct); private Task MCore(string m, List<Line> ls, CancellationToken ct) => Task.CompletedTask; }" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Reports_the_error_where_it_was_written(string id, string source)
    {
        var test = new BidLockAnalyzerTest<BidLockMethodAnalyzer>(source);
        DiagnosticResult expected = Expect.Diagnostic(Descriptor(id), 0);
        test.ExpectedDiagnostics.Add(source.Contains("{|#2:", StringComparison.Ordinal) ? expected.WithLocation(2) : expected);
        if (source.Contains("{|#1:", StringComparison.Ordinal))
        {
            test.ExpectedDiagnostics.Add(Expect.NotImplemented(1));
        }
        else if (source.Contains("partial Task {|#0:", StringComparison.Ordinal) && !source.Contains("public partial Task M(", StringComparison.Ordinal))
        {
            test.ExpectedDiagnostics.Add(Expect.NotImplemented(0));
        }

        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [MemberData(nameof(NearMisses))]
    public async Task A_valid_declaration_close_to_the_mistake_gets_nothing(string id, string source)
    {
        _ = id;
        await new BidLockAnalyzerTest<BidLockMethodAnalyzer>(source).RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task An_unknown_parameter_names_the_closest_one()
    {
        var test = new BidLockAnalyzerTest<BidLockMethodAnalyzer>(
            "public partial class S { [BidLock(\"{|#0:{marketplace}|}\", \"{postingId}\")] public partial Task {|#1:M|}(string marketplaceId, string postingId, CancellationToken ct); private Task MCore(string marketplaceId, string postingId, CancellationToken ct) => Task.CompletedTask; }");
        test.ExpectedDiagnostics.Add(Expect.Message(DiagnosticDescriptors.UnknownTemplateMember, 0,
            "The marketplace id template \"{marketplace}\" names 'marketplace', which is not a parameter of M; did you mean 'marketplaceId'?"));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(1));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_wrong_case_member_names_the_real_one()
    {
        var test = new BidLockAnalyzerTest<BidLockMethodAnalyzer>(
            "public sealed record Posting(string Id); public partial class S { [BidLock(\"m\", \"{|#0:{posting.id}|}\")] public partial Task {|#1:M|}(Posting posting, CancellationToken ct); private Task MCore(Posting posting, CancellationToken ct) => Task.CompletedTask; }");
        test.ExpectedDiagnostics.Add(Expect.Message(DiagnosticDescriptors.UnknownTemplateMember, 0,
            "The posting id template \"{posting.id}\" reads 'id' of posting, but Posting has no field or property of that name; did you mean 'Id'?"));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(1));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_mismatched_Core_says_what_differs()
    {
        var test = new BidLockAnalyzerTest<BidLockMethodAnalyzer>(
            "public partial class S { [BidLock(\"m\", \"{p}\")] public partial Task {|#0:M|}(string p, CancellationToken ct); private Task {|#1:MCore|}(object p, CancellationToken ct) => Task.CompletedTask; }");
        test.ExpectedDiagnostics.Add(Expect.Message(DiagnosticDescriptors.CoreMismatch, 0,
            "MCore does not match M: its parameter 1 is 'object p' where M has 'string p'; declare System.Threading.Tasks.Task MCore(string p, System.Threading.CancellationToken ct), optionally with a trailing BidLockLease parameter.")
            .WithLocation(1));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_hole_in_an_escaped_string_is_reported_on_the_whole_argument()
    {
        // "\u0041{q}": value positions no longer match source positions, so the whole literal is marked.
        var test = new BidLockAnalyzerTest<BidLockMethodAnalyzer>(
            "public partial class S { [BidLock(\"m\", {|#0:\"\\u0041{q}\"|})] public partial Task {|#1:M|}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }");
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.UnknownTemplateMember, 0));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(1));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Named_constructor_arguments_are_located_by_name()
    {
        var test = new BidLockAnalyzerTest<BidLockMethodAnalyzer>(
            "public partial class S { [BidLock(postingId: \"{|#0:{nope}|}\", marketplaceId: \"m\")] public partial Task {|#1:M|}(string p, CancellationToken ct); private Task MCore(string p, CancellationToken ct) => Task.CompletedTask; }");
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.UnknownTemplateMember, 0));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(1));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    internal static DiagnosticDescriptor Descriptor(string id)
        => typeof(DiagnosticDescriptors).GetFields()
            .Select(field => field.GetValue(null))
            .OfType<DiagnosticDescriptor>()
            .Single(descriptor => descriptor.Id == id);
}
