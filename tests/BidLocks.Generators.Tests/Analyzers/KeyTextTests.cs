using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests.Analyzers;

/// <summary>BL0106: a template value whose text is a type name, or a record's every member, is not a key.</summary>
public sealed class KeyTextTests
{
    private const string Types = """
        public sealed class PlainPosting { public string Id = ""; }
        public sealed record RecordPosting(string Id, decimal Price);
        public sealed record NamedPosting(string Id, decimal Price) { public override string ToString() => Id; }
        public readonly record struct Lot(int Number);
        public enum Region { North, South }

        """;

    /// <summary>(parameter list, template with #0 on the hole, value name, type, problem).</summary>
    public static TheoryData<string, string, string, string, string> Unstable => new()
    {
        { "PlainPosting posting", "{|#0:{posting}|}", "posting", "PlainPosting", TypeName },
        { "RecordPosting posting", "p-{|#0:{posting}|}", "posting", "RecordPosting", RecordText },
        { "Lot lot", "{|#0:{lot}|}", "lot", "Lot", RecordText },
        // A multi-posting template judges each element's text.
        { "PlainPosting[] postings", "{|#0:{postings}|}", "postings[]", "PlainPosting", TypeName },
        { "Lot? lot", "{|#0:{lot}|}", "lot", "Lot?", RecordText },
    };

    private const string TypeName = "whose ToString is its type name, so every call gets the same key and one lock serializes them all";

    private const string RecordText = "a record whose compiler-written ToString lists every member, so two calls on one posting that differ in any other member get different keys and do not exclude each other";

    [Theory]
    [MemberData(nameof(Unstable))]
    public async Task A_value_whose_text_does_not_identify_it_is_reported_on_its_hole(
        string parameters, string template, string name, string type, string problem)
    {
        var test = new BidLockAnalyzerTest<KeyTextAnalyzer>(Types + $$"""
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("m", "{{template}}")]
                public partial Task BidAsync({{parameters}}, CancellationToken cancellationToken);

                private Task BidAsyncCore({{parameters}}, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Message(DiagnosticDescriptors.UnstableKeyText, 0, "posting id", name, type, problem));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Values_with_identifying_text_or_an_unknown_runtime_type_are_not_reported()
        => await new BidLockAnalyzerTest<KeyTextAnalyzer>(Types + """
            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("{region}-{when}-{id}", "{plain.Id}/{record.Id}/{named}/{lot.Number}/{n}/{anything}/{tuple}")]
                public partial Task BidAsync<T>(Region region, DateTimeOffset when, Guid id, PlainPosting plain, RecordPosting record,
                    NamedPosting named, Lot lot, int? n, T anything, (int, string) tuple, CancellationToken cancellationToken);

                private Task BidAsyncCore<T>(Region region, DateTimeOffset when, Guid id, PlainPosting plain, RecordPosting record,
                    NamedPosting named, Lot lot, int? n, T anything, (int, string) tuple, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """).RunAsync(TestContext.Current.CancellationToken);
}
