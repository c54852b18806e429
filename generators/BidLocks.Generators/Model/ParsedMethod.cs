using BidLocks.Generators.Diagnostics;

namespace BidLocks.Generators.Model;

/// <summary>
/// One <c>[BidLock]</c> method as the generator's pipeline keeps it: the model to emit, or the errors that say why
/// there is none. Plain values only, so an unchanged method compares equal between runs and nothing after it reruns.
/// </summary>
/// <param name="Model">The method to implement; null when it cannot be implemented.</param>
/// <param name="Errors">Why it cannot be implemented (empty when <paramref name="Model"/> is set). Their spans move
/// with edits above the method in its file, which then reports them again at the new place.</param>
internal sealed record ParsedMethod(BidLockMethodModel? Model, EquatableArray<DiagnosticInfo> Errors);
