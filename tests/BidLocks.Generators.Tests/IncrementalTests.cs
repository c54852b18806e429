using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using BidLocks.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BidLocks.Generators.Tests;

/// <summary>
/// The generator does no work again for an edit that leaves its models unchanged: every tracked step reports
/// Cached or Unchanged. This only holds while models are plain values, which the object-graph walk checks.
/// </summary>
public sealed class IncrementalTests
{
    private static readonly string[] TrackedSteps =
    [
        TrackingNames.ParsedMethods,
        TrackingNames.ImplementableMethods,
        TrackingNames.TypeSources,
        TrackingNames.Errors,
    ];

    private static readonly string Source = Shapes.Domain + Shapes.All["DesignExample"] + Shapes.All["ParameterModifiers"] + Shapes.All["StaticAndExtensionMethods"];

    // A second file with a method the generator cannot implement, so the error step has work to cache too.
    private const string Broken = """
        namespace Auction
        {
            public partial class Broken
            {
                [BidLock("{marketplace}", "{postingId}")]
                public partial Task PlaceAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

                private Task PlaceAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken) => Task.CompletedTask;
            }
        }
        """;

    private static CSharpCompilation CreateCompilation() => TestCompilation.Create([Source, Broken]);

    [Fact]
    public void Running_again_on_the_same_compilation_is_fully_cached()
    {
        CSharpCompilation compilation = CreateCompilation();

        (GeneratorRunResult first, GeneratorRunResult second) = RunTwice(compilation, compilation.Clone());

        AssertNothingRecomputed(first, second);
    }

    [Fact]
    public void Adding_an_unrelated_file_is_fully_cached()
    {
        CSharpCompilation compilation = CreateCompilation();
        CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Other { public class Unrelated { public int Value => 42; } }",
            (CSharpParseOptions)compilation.SyntaxTrees[0].Options,
            path: "Unrelated.cs",
            cancellationToken: TestContext.Current.CancellationToken));

        (GeneratorRunResult first, GeneratorRunResult second) = RunTwice(compilation, edited);

        AssertNothingRecomputed(first, second);
    }

    [Fact]
    public void Editing_a_body_in_the_same_file_leaves_the_models_unchanged()
    {
        CSharpCompilation compilation = CreateCompilation();
        SyntaxTree tree = compilation.SyntaxTrees[0];
        string text = tree.ToString();
        const string Body = "Task.FromResult(true)";
        Assert.Contains(Body, text, StringComparison.Ordinal);
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(
            Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace(Body, "Task.FromResult(!false)", StringComparison.Ordinal))));

        (GeneratorRunResult first, GeneratorRunResult second) = RunTwice(compilation, edited);

        AssertNothingRecomputed(first, second);
    }

    // The other side of caching: a change that matters does reach the output.
    [Fact]
    public void Changing_the_attribute_regenerates_the_file()
    {
        CSharpCompilation compilation = CreateCompilation();
        SyntaxTree tree = compilation.SyntaxTrees[0];
        string text = tree.ToString().Replace("TimeoutSeconds = 10", "TimeoutSeconds = 11", StringComparison.Ordinal);
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text)));

        (_, GeneratorRunResult second) = RunTwice(compilation, edited);

        Assert.Contains(second.TrackedSteps[TrackingNames.ParsedMethods], step => step.Outputs.Any(o => o.Reason == IncrementalStepRunReason.Modified));
        Assert.Contains("FromSeconds(timeoutSeconds: 11)", Assert.Single(second.GeneratedSources, s => s.HintName == "Auction.BidService.BidLock.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    // An edit above a method that cannot be implemented moves its error: that step, and only it, runs again.
    [Fact]
    public void Moving_a_method_it_cannot_implement_reports_its_error_at_the_new_place()
    {
        CSharpCompilation compilation = CreateCompilation();
        SyntaxTree tree = compilation.SyntaxTrees[1];
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(
            Microsoft.CodeAnalysis.Text.SourceText.From("// A comment that moves everything down a line.\n" + tree)));

        (GeneratorRunResult first, GeneratorRunResult second) = RunTwice(compilation, edited);

        Assert.Contains(second.TrackedSteps[TrackingNames.Errors], step => step.Outputs.Any(o => o.Reason == IncrementalStepRunReason.Modified));
        Assert.Equal(first.Diagnostics.Single().Location.GetLineSpan().StartLinePosition.Line + 1, second.Diagnostics.Single().Location.GetLineSpan().StartLinePosition.Line);
        foreach (string name in new[] { TrackingNames.ImplementableMethods, TrackingNames.TypeSources })
        {
            Assert.All(second.TrackedSteps[name].SelectMany(s => s.Outputs), o => Assert.True(
                o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Step {name} recomputed an output ({o.Reason})."));
        }
    }

    [Fact]
    public void Fixing_the_method_drops_its_error_and_implements_it()
    {
        CSharpCompilation compilation = CreateCompilation();
        SyntaxTree tree = compilation.SyntaxTrees[1];
        string text = tree.ToString().Replace("{marketplace}", "{marketplaceId}", StringComparison.Ordinal);
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text)));

        (_, GeneratorRunResult second) = RunTwice(compilation, edited);

        Assert.Empty(second.Diagnostics);
        Assert.Contains(second.GeneratedSources, s => s.HintName == "Auction.Broken.BidLock.g.cs");
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_or_compilations()
    {
        CSharpCompilation compilation = CreateCompilation();
        GeneratorDriver driver = TestCompilation.CreateDriver(compilation, trackSteps: true).RunGenerators(compilation, TestContext.Current.CancellationToken);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        foreach (string name in TrackedSteps)
        {
            ImmutableArray<IncrementalGeneratorRunStep> steps = result.TrackedSteps[name];
            Assert.NotEmpty(steps);
            foreach (IncrementalGeneratorRunStep step in steps)
            {
                foreach ((object value, IncrementalStepRunReason _) in step.Outputs)
                {
                    AssertPlainValues(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }
    }

    private static (GeneratorRunResult First, GeneratorRunResult Second) RunTwice(CSharpCompilation first, CSharpCompilation second)
    {
        GeneratorDriver driver = TestCompilation.CreateDriver(first, trackSteps: true);
        driver = driver.RunGenerators(first, TestContext.Current.CancellationToken);
        GeneratorRunResult firstResult = driver.GetRunResult().Results.Single();
        driver = driver.RunGenerators(second, TestContext.Current.CancellationToken);
        GeneratorRunResult secondResult = driver.GetRunResult().Results.Single();
        Assert.Equal("BL0003", Assert.Single(firstResult.Diagnostics).Id);
        Assert.NotEmpty(firstResult.GeneratedSources);
        return (firstResult, secondResult);
    }

    private static void AssertNothingRecomputed(GeneratorRunResult first, GeneratorRunResult second)
    {
        foreach (string name in TrackedSteps)
        {
            Assert.True(second.TrackedSteps.ContainsKey(name), $"Step {name} did not run.");
            object[] before = first.TrackedSteps[name].SelectMany(s => s.Outputs).Select(o => o.Value).ToArray();
            object[] after = second.TrackedSteps[name].SelectMany(s => s.Outputs).Select(o => o.Value).ToArray();
            Assert.Equal(before, after);
            foreach ((object _, IncrementalStepRunReason reason) in second.TrackedSteps[name].SelectMany(s => s.Outputs))
            {
                Assert.True(
                    reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"Step {name} recomputed an output ({reason}).");
            }
        }

        // The source outputs themselves were not produced again.
        Assert.All(
            second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.Equal(
            first.GeneratedSources.Select(s => s.SourceText.ToString()),
            second.GeneratedSources.Select(s => s.SourceText.ToString()));

        // A cached output still reports its diagnostics: the error does not vanish on the next keystroke.
        Assert.Equal(first.Diagnostics, second.Diagnostics);
    }

    // Walks an output's object graph: a symbol, syntax node, compilation or location kept in a model would both leak
    // memory across runs and defeat the equality checks that caching relies on.
    private static void AssertPlainValues(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || value is decimal)
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or Compilation or SemanticModel or Location or SyntaxTree,
            $"{path} holds a {value.GetType().Name}.");
        if (!value.GetType().IsValueType && !visited.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                AssertPlainValues(item, $"{path}[{i++}]", visited);
            }

            return;
        }

        for (Type? type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                AssertPlainValues(field.GetValue(value), $"{path}.{field.Name}", visited);
            }
        }
    }
}
