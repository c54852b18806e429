using Microsoft.CodeAnalysis.Testing;
using BidLocks.CodeFixes;
using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests.CodeFixes;

/// <summary>BL0001 and BL0002 fixed: the method becomes a partial definition, its types partial; the result compiles and locks.</summary>
public sealed class MakePartialFixTests
{
    [Fact]
    public async Task Makes_the_type_and_the_types_around_it_partial()
    {
        var test = new BidLockCodeFixTest<BidLockMethodAnalyzer, MakePartialCodeFix>(
            """
            public class Outer
            {
                public sealed class {|#1:Bids|}
                {
                    [BidLock("m", "{p}")]
                    public partial Task {|#0:BidAsync|}(string p, CancellationToken ct);

                    private Task BidAsyncCore(string p, CancellationToken ct) => Task.CompletedTask;
                }
            }
            """,
            """
            public partial class Outer
            {
                public sealed partial class Bids
                {
                    [BidLock("m", "{p}")]
                    public partial Task BidAsync(string p, CancellationToken ct);

                    private Task BidAsyncCore(string p, CancellationToken ct) => Task.CompletedTask;
                }
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.ContainingTypeNotPartial, 0).WithLocation(1));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(0));
        test.ExpectedDiagnostics.Add(Expect.PartialMemberOutsidePartialType(0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Keeps_ref_before_partial()
    {
        var test = new BidLockCodeFixTest<BidLockMethodAnalyzer, MakePartialCodeFix>(
            """
            public ref struct {|#1:Bids|}
            {
                [BidLock("m", "{p}")]
                public static partial Task {|#0:BidAsync|}(string p, CancellationToken ct);

                private static Task BidAsyncCore(string p, CancellationToken ct) => Task.CompletedTask;
            }
            """,
            """
            public ref partial struct Bids
            {
                [BidLock("m", "{p}")]
                public static partial Task BidAsync(string p, CancellationToken ct);

                private static Task BidAsyncCore(string p, CancellationToken ct) => Task.CompletedTask;
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.ContainingTypeNotPartial, 0).WithLocation(1));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(0));
        test.ExpectedDiagnostics.Add(Expect.PartialMemberOutsidePartialType(0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Moves_a_body_into_Core_and_leaves_a_partial_definition()
    {
        var test = new BidLockCodeFixTest<BidLockMethodAnalyzer, MakePartialCodeFix>(
            """
            public partial class Bids
            {
                private int _placed;

                public int Placed => _placed;

                [BidLock("m", "{p}")]
                public async Task<int> {|#0:BidAsync|}(string p, CancellationToken ct = default)
                {
                    await Task.Yield();
                    return ++_placed;
                }
            }
            """,
            """
            public partial class Bids
            {
                private int _placed;

                public int Placed => _placed;

                [BidLock("m", "{p}")]
                public partial Task<int> BidAsync(string p, CancellationToken ct = default);

                private async Task<int> BidAsyncCore(string p, CancellationToken ct)
                {
                    await Task.Yield();
                    return ++_placed;
                }
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.NotPartialDefinition, 0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Moves_an_expression_body_of_a_method_with_default_accessibility()
    {
        var test = new BidLockCodeFixTest<BidLockMethodAnalyzer, MakePartialCodeFix>(
            """
            public partial class Bids
            {
                [BidLock("m", "{p}")]
                static Task {|#0:BidAsync|}(string p, CancellationToken ct) => Task.CompletedTask;
            }
            """,
            """
            public partial class Bids
            {
                [BidLock("m", "{p}")]
                private static partial Task BidAsync(string p, CancellationToken ct);

                private static Task BidAsyncCore(string p, CancellationToken ct) => Task.CompletedTask;
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.NotPartialDefinition, 0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    // A partial method with a body and no definition got no fix, so `dotnet format analyzers` said
    // "didn't return a Fix All action" for every BL0001 of the project.
    [Fact]
    public async Task Moves_the_body_of_a_partial_method_that_has_no_definition()
    {
        var test = new BidLockCodeFixTest<BidLockMethodAnalyzer, MakePartialCodeFix>(
            """
            public partial class Bids
            {
                [BidLock("m", "{p}")]
                public partial async Task<int> {|#0:BidAsync|}(string p, CancellationToken ct)
                {
                    await Task.Yield();
                    return 1;
                }
            }
            """,
            """
            public partial class Bids
            {
                [BidLock("m", "{p}")]
                public partial Task<int> BidAsync(string p, CancellationToken ct);

                private async Task<int> BidAsyncCore(string p, CancellationToken ct)
                {
                    await Task.Yield();
                    return 1;
                }
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.NotPartialDefinition, 0));
        test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("CS0759").WithLocation(0).WithArguments("Bids.BidAsync(string, System.Threading.CancellationToken)"));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Turns_an_implementation_beside_the_definition_into_the_Core()
    {
        var test = new BidLockCodeFixTest<BidLockMethodAnalyzer, MakePartialCodeFix>(
            """
            public partial class Bids
            {
                [BidLock("m", "{p}")]
                public partial Task {|#0:BidAsync|}(string p, CancellationToken ct);

                public partial Task BidAsync(string p, CancellationToken ct) => Task.CompletedTask;
            }
            """,
            """
            public partial class Bids
            {
                [BidLock("m", "{p}")]
                public partial Task BidAsync(string p, CancellationToken ct);

                private Task BidAsyncCore(string p, CancellationToken ct) => Task.CompletedTask;
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.NotPartialDefinition, 0));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }
}
