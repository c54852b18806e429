using System.Collections.Generic;
using System.Linq;
using BidLocks.Generators.Model;

namespace BidLocks.Generators.Emit;

/// <summary>
/// Writes the locked body: evaluate the key (null checks first, no I/O), get the manager, acquire, run the Core
/// body with a token that also fires on lease loss, release in <c>finally</c>.
/// </summary>
internal static class MethodBodyWriter
{
    private const string NoCancellation = "global::System.Threading.CancellationToken.None";

    public static void Write(SourceWriter writer, BidLockMethodModel method, bool passReadOnlyReferences)
    {
        var locals = new LocalNames(method);
        string callerToken = method.CancellationTokenIndex >= 0 ? method.Parameters[method.CancellationTokenIndex].Name : NoCancellation;

        writer.Open();
        writer.Line("// The lock key is read before any I/O; a null part fails here and names what was null.");
        foreach (NullCheckModel check in method.NullChecks)
        {
            writer.Line($"if ({check.Expression} is null) throw new global::System.ArgumentNullException({CSharpLiterals.String(check.Name)});");
        }

        writer.Line($"string {locals.MarketplaceId} = {KeyExpression(method.MarketplaceId)};");
        CollectionModel? postings = method.PostingId.Collection;
        if (postings is null)
        {
            writer.Line($"string {locals.PostingId} = {KeyExpression(method.PostingId)};");
        }
        else
        {
            WritePostingSet(writer, method.PostingId, postings, locals);
        }

        writer.Line();

        WriteManager(writer, method, locals, callerToken);
        string? fromManager = ManagerOptionsComment(method.Timing);
        if (fromManager is not null)
        {
            writer.Line(fromManager);
        }

        if (!method.Core.PassesLease)
        {
            writer.Line("// The body never sees the lease, so nobody can read a fencing token: none is taken.");
        }
        else if (!method.Core.MayReadFencingToken)
        {
            writer.Line("// The body uses the lease only through members that cannot show its fencing token: none is taken.");
        }

        if (postings is not null)
        {
            writer.Line("// Every posting of the set, all or nothing, taken in the one order every caller uses: no deadlock between sets.");
        }

        string acquire = postings is null ? "AcquireAsync" : "AcquireManyAsync";
        writer.Line($"global::BidLocks.BidLockLease {locals.Lease} = await {locals.Manager}.{acquire}(");
        writer.Line($"    {locals.MarketplaceId},");
        writer.Line($"    {(postings is null ? locals.PostingId : locals.PostingIds)},");
        writer.Line($"    {AcquireOptions(method.Timing, skipFencingToken: !method.Core.MayReadFencingToken)},");
        writer.Line($"    {callerToken}).ConfigureAwait(false);");
        writer.Line("try");
        writer.Open();
        if (method.CancellationTokenIndex >= 0)
        {
            writer.Line("// The body's token fires when the caller cancels or when the lease is lost: stop work that needs the lock.");
            writer.Line($"using global::BidLocks.BidLockLinkedCancellation {locals.BodyCancellation} = {locals.Lease}.LinkCancellation({callerToken});");
        }

        bool returnsValue = method.ReturnKind is AsyncReturnKind.TaskOfT or AsyncReturnKind.ValueTaskOfT;
        writer.Line((returnsValue ? $"var {locals.Result} = " : string.Empty) + $"await {CoreCall(method, locals, passReadOnlyReferences)}.ConfigureAwait(false);");
        writer.Line("// Lost while the body ran: it finished without the lock, so its outcome is unknown; say so rather than return.");
        writer.Line($"if ({locals.Lease}.IsLost) throw await {locals.Lease}.CreateLostExceptionAsync(null).ConfigureAwait(false);");
        if (returnsValue)
        {
            writer.Line($"return {locals.Result};");
        }

        writer.Close();
        writer.Line($"catch (global::System.OperationCanceledException {locals.Exception}) when ({locals.Lease}.IsLost{(method.CancellationTokenIndex >= 0 ? $" && !{callerToken}.IsCancellationRequested" : string.Empty)})");
        writer.Open();
        writer.Line("// Stopped because the lease was lost, not because the caller cancelled: a lost lock, not a cancellation.");
        writer.Line($"throw await {locals.Lease}.CreateLostExceptionAsync({locals.Exception}).ConfigureAwait(false);");
        writer.Close();
        writer.Line("finally");
        writer.Open();
        writer.Line("// Released on every path, the body's exceptions and cancellation included.");
        writer.Line($"await {locals.Lease}.DisposeAsync().ConfigureAwait(false);");
        writer.Close();
        writer.Close();
    }

    /// <summary>
    /// The options for the acquire: only what the attribute names, so that the rest comes from the manager's options
    /// (as configured, for example in appsettings.json) rather than from defaults compiled into every caller. A body
    /// that cannot read the fencing token (it does not take the lease, or uses only members that do not reveal the
    /// token) gets none.
    /// </summary>
    private static string AcquireOptions(LockTimingModel timing, bool skipFencingToken)
    {
        var arguments = new List<string>();
        AddSeconds(arguments, "timeoutSeconds", timing.TimeoutSeconds);
        AddSeconds(arguments, "ttlSeconds", timing.TtlSeconds);
        AddSeconds(arguments, "maxHoldSeconds", timing.MaxHoldSeconds);
        if (skipFencingToken)
        {
            arguments.Add("skipFencingToken: true");
        }

        // Nothing named: the options struct's default, which is all "the manager decides", costs nothing to build.
        return arguments.Count == 0
            ? "default(global::BidLocks.BidLockAcquireOptions)"
            : $"global::BidLocks.BidLockAcquireOptions.FromSeconds({string.Join(", ", arguments)})";
    }

    private static void AddSeconds(List<string> arguments, string name, double? seconds)
    {
        if (seconds is { } value)
        {
            arguments.Add($"{name}: {CSharpLiterals.Double(value)}");
        }
    }

    /// <summary>Says which of the manager's options apply, for a user stepping through the wrapper; null when none do.</summary>
    private static string? ManagerOptionsComment(LockTimingModel timing)
    {
        var fromManager = new List<string>();
        if (timing.TimeoutSeconds is null)
        {
            fromManager.Add("DefaultTimeout");
        }

        if (timing.TtlSeconds is null)
        {
            fromManager.Add("DefaultTtl");
        }

        if (timing.MaxHoldSeconds is null)
        {
            fromManager.Add("MaxHold");
        }

        return fromManager.Count == 0
            ? null
            : $"// What [BidLock] does not name comes from the manager's options: {string.Join(", ", fromManager)}.";
    }

    private static void WriteManager(SourceWriter writer, BidLockMethodModel method, LocalNames locals, string callerToken)
    {
        ManagerModel manager = method.Manager;
        string declaration = $"global::BidLocks.IBidLockManager {locals.Manager} =";
        if (manager.Kind == ManagerKind.Shared)
        {
            writer.Line($"{declaration} await global::BidLocks.BidLockManagerFactory.GetSharedAsync({callerToken}).ConfigureAwait(false);");
        }
        else if (manager.CanBeNull)
        {
            string name = manager.Expression.StartsWith("this.", System.StringComparison.Ordinal) ? manager.Expression.Substring(5) : manager.Expression;
            string message = $"The lock manager '{name.TrimStart('@')}' is null, so {method.Name.TrimStart('@')} cannot take its bid lock.";
            writer.Line($"{declaration} {manager.Expression}");
            writer.Line($"    ?? throw new global::System.InvalidOperationException({CSharpLiterals.String(message)});");
        }
        else
        {
            writer.Line($"{declaration} {manager.Expression};");
        }
    }

    /// <summary>
    /// A multi-posting template: one posting id per element of its collection, read here, before any I/O, so that a
    /// null element fails naming the collection and the manager gets a list it can check and order.
    /// </summary>
    private static void WritePostingSet(SourceWriter writer, TemplateModel template, CollectionModel postings, LocalNames locals)
    {
        writer.Line($"global::System.Collections.Generic.List<string> {locals.PostingIds} = new global::System.Collections.Generic.List<string>();");
        writer.Line($"foreach ({postings.ElementType} {postings.ElementVariable} in {postings.Expression})");
        writer.Open();
        foreach (NullCheckModel check in postings.ElementNullChecks)
        {
            string message = check.Name == postings.Name + "[]"
                ? $"{postings.Name} holds a null element."
                : $"{check.Name} is null for an element of {postings.Name}.";
            writer.Line($"if ({check.Expression} is null) throw new global::System.ArgumentNullException({CSharpLiterals.String(check.Name)}, {CSharpLiterals.String(message)});");
        }

        writer.Line($"{locals.PostingIds}.Add({KeyExpression(template)});");
        writer.Close();
    }

    private static string KeyExpression(TemplateModel template)
    {
        if (template.IsLiteral)
        {
            return CSharpLiterals.String(string.Concat(template.Segments.Select(s => s.Text)));
        }

        if (template.IsSingleStringValue)
        {
            return template.Segments[0].Text;
        }

        // Formatted with the invariant culture, never the thread's: two hosts must build the same key.
        var text = new System.Text.StringBuilder();
        foreach (TemplateSegment segment in template.Segments)
        {
            text.Append(segment.Kind == TemplateSegmentKind.Literal ? CSharpLiterals.InterpolatedText(segment.Text) : "{" + segment.Text + "}");
        }

        return $"string.Create(global::System.Globalization.CultureInfo.InvariantCulture, $\"{text}\")";
    }

    private static string CoreCall(BidLockMethodModel method, LocalNames locals, bool passReadOnlyReferences)
    {
        var arguments = new List<string>();
        for (int i = 0; i < method.Parameters.Count; i++)
        {
            ParameterModel parameter = method.Parameters[i];
            if (i == method.CancellationTokenIndex)
            {
                arguments.Add(locals.BodyCancellation + ".Token");
            }
            else
            {
                arguments.Add((passReadOnlyReferences && parameter.PassedByReadOnlyReference ? "in " : string.Empty) + parameter.Name);
            }
        }

        if (method.Core.PassesLease)
        {
            arguments.Add(locals.Lease);
        }

        CoreCallModel core = method.Core;
        return $"{core.Receiver}.{core.Name}{core.TypeArguments}({string.Join(", ", arguments)})";
    }

    /// <summary>
    /// The generated locals: <c>__</c> and a name that says what the value is, for a user stepping through this
    /// in a debugger. Should a parameter take one of those names, every local gets one more <c>_</c>.
    /// </summary>
    private sealed class LocalNames
    {
        public LocalNames(BidLockMethodModel method)
        {
            var taken = new HashSet<string>(method.Parameters.Select(p => p.Name.TrimStart('@')));
            string prefix = "__";
            while (new[] { "marketplaceId", "postingId", "postingIds", "manager", "lease", "bodyCancellation", "result", "exception" }.Any(name => taken.Contains(prefix + name)))
            {
                prefix += "_";
            }

            MarketplaceId = prefix + "marketplaceId";
            PostingId = prefix + "postingId";
            PostingIds = prefix + "postingIds";
            Manager = prefix + "manager";
            Lease = prefix + "lease";
            BodyCancellation = prefix + "bodyCancellation";
            Result = prefix + "result";
            Exception = prefix + "exception";
        }

        public string MarketplaceId { get; }

        public string PostingId { get; }

        public string PostingIds { get; }

        public string Manager { get; }

        public string Lease { get; }

        public string BodyCancellation { get; }

        public string Result { get; }

        public string Exception { get; }
    }
}
