using BidLocks.CodeFixes;
using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests.CodeFixes;

/// <summary>BL0003 fixed: the hole takes the name the analyzer suggested; the result compiles.</summary>
public sealed class TemplateNameFixTests
{
    [Fact]
    public async Task A_mistyped_parameter_and_a_wrong_case_member_take_the_suggested_names()
    {
        var test = new BidLockCodeFixTest<BidLockMethodAnalyzer, TemplateNameCodeFix>(
            """
            public sealed record Posting(string Id);

            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("{|#0:{marketplace}|}", "p-{|#1:{posting.id}|}")]
                public partial Task {|#2:BidAsync|}(string marketplaceId, Posting posting, CancellationToken cancellationToken);

                private Task BidAsyncCore(string marketplaceId, Posting posting, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """,
            """
            public sealed record Posting(string Id);

            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("{marketplaceId}", "p-{posting.Id}")]
                public partial Task BidAsync(string marketplaceId, Posting posting, CancellationToken cancellationToken);

                private Task BidAsyncCore(string marketplaceId, Posting posting, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.UnknownTemplateMember, 0));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.UnknownTemplateMember, 1));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(2));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task No_fix_without_a_close_name()
    {
        var test = new BidLockCodeFixTest<BidLockMethodAnalyzer, TemplateNameCodeFix>(
            """
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("m", "{|#0:{xyz}|}")]
                public partial Task {|#1:BidAsync|}(string postingId, CancellationToken cancellationToken);

                private Task BidAsyncCore(string postingId, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """,
            """
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("m", "{|#0:{xyz}|}")]
                public partial Task {|#1:BidAsync|}(string postingId, CancellationToken cancellationToken);

                private Task BidAsyncCore(string postingId, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(DiagnosticDescriptors.UnknownTemplateMember, 0));
        test.ExpectedDiagnostics.Add(Expect.NotImplemented(1));
        test.FixedState.ExpectedDiagnostics.AddRange(test.ExpectedDiagnostics);
        await test.RunAsync(TestContext.Current.CancellationToken);
    }
}
