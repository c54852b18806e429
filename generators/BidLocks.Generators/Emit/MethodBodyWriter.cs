using System.Collections.Generic;
using System.Linq;
using BidLocks.Generators.Model;

namespace BidLocks.Generators.Emit
{
    /// <summary>
    /// Writes the locked body: evaluate the key (null checks first, no I/O), get the manager, acquire, run the Core
    /// body with a token that also fires on lease loss, release in <c>finally</c>.
    /// </summary>
    /// <remarks>
    /// Generated locals start with <c>__</c>, which no parameter name can collide with in code that follows the
    /// usual conventions, and the names say what each value is when a user steps through this in a debugger.
    /// </remarks>
    internal static class MethodBodyWriter
    {
        private const string NoCancellation = "global::System.Threading.CancellationToken.None";

        public static void Write(SourceWriter writer, BidLockMethodModel method, bool passReadOnlyReferences)
        {
            string callerToken = method.CancellationTokenIndex >= 0 ? method.Parameters[method.CancellationTokenIndex].Name : NoCancellation;

            writer.Open();
            writer.Line("// The lock key is read before any I/O; a null part fails here and names what was null.");
            foreach (NullCheckModel check in method.NullChecks)
            {
                writer.Line($"if ({check.Expression} is null) throw new global::System.ArgumentNullException({CSharpLiterals.String(check.Name)});");
            }

            writer.Line($"string __marketplaceId = {KeyExpression(method.MarketplaceId)};");
            writer.Line($"string __postingId = {KeyExpression(method.PostingId)};");
            writer.Line();

            WriteManager(writer, method, callerToken);
            writer.Line("global::BidLocks.BidLockLease __lease = await __manager.AcquireAsync(");
            writer.Line("    __marketplaceId,");
            writer.Line("    __postingId,");
            LockTimingModel timing = method.Timing;
            writer.Line($"    global::BidLocks.BidLockAcquireOptions.FromSeconds(timeoutSeconds: {CSharpLiterals.Double(timing.TimeoutSeconds)}, ttlSeconds: {CSharpLiterals.Double(timing.TtlSeconds)}, maxHoldSeconds: {CSharpLiterals.Double(timing.MaxHoldSeconds)}),");
            writer.Line($"    {callerToken}).ConfigureAwait(false);");
            writer.Line("try");
            writer.Open();
            string call = CoreCall(method, passReadOnlyReferences);
            if (method.CancellationTokenIndex >= 0)
            {
                writer.Line("// The body's token fires when the caller cancels or when the lease is lost: stop work that needs the lock.");
                writer.Line($"using global::BidLocks.BidLockLinkedCancellation __bodyCancellation = __lease.LinkCancellation({callerToken});");
            }

            bool returnsValue = method.ReturnKind is AsyncReturnKind.TaskOfT or AsyncReturnKind.ValueTaskOfT;
            writer.Line((returnsValue ? "return " : string.Empty) + $"await {call}.ConfigureAwait(false);");
            writer.Close();
            writer.Line("finally");
            writer.Open();
            writer.Line("// Released on every path, the body's exceptions and cancellation included.");
            writer.Line("await __lease.DisposeAsync().ConfigureAwait(false);");
            writer.Close();
            writer.Close();
        }

        private static void WriteManager(SourceWriter writer, BidLockMethodModel method, string callerToken)
        {
            ManagerModel manager = method.Manager;
            switch (manager.Kind)
            {
                case ManagerKind.Shared:
                    writer.Line($"global::BidLocks.IBidLockManager __manager = await global::BidLocks.BidLockManagerFactory.GetSharedAsync({callerToken}).ConfigureAwait(false);");
                    break;
                case ManagerKind.Member:
                case ManagerKind.PrimaryConstructorParameter:
                    if (manager.CanBeNull)
                    {
                        string name = manager.Expression.StartsWith("this.", System.StringComparison.Ordinal) ? manager.Expression.Substring(5) : manager.Expression;
                        string message = $"The lock manager '{name.TrimStart('@')}' is null, so {method.Name.TrimStart('@')} cannot take its bid lock.";
                        writer.Line($"global::BidLocks.IBidLockManager __manager = {manager.Expression}");
                        writer.Line($"    ?? throw new global::System.InvalidOperationException({CSharpLiterals.String(message)});");
                    }
                    else
                    {
                        writer.Line($"global::BidLocks.IBidLockManager __manager = {manager.Expression};");
                    }

                    break;
            }
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

        private static string CoreCall(BidLockMethodModel method, bool passReadOnlyReferences)
        {
            var arguments = new List<string>();
            for (int i = 0; i < method.Parameters.Count; i++)
            {
                ParameterModel parameter = method.Parameters[i];
                if (i == method.CancellationTokenIndex)
                {
                    arguments.Add("__bodyCancellation.Token");
                }
                else
                {
                    arguments.Add((passReadOnlyReferences && parameter.PassedByReadOnlyReference ? "in " : string.Empty) + parameter.Name);
                }
            }

            if (method.Core.PassesLease)
            {
                arguments.Add("__lease");
            }

            CoreCallModel core = method.Core;
            return $"{core.Receiver}.{core.Name}{core.TypeArguments}({string.Join(", ", arguments)})";
        }
    }
}
