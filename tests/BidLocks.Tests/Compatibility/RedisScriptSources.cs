using System.Reflection;

namespace BidLocks.Tests.Compatibility;

/// <summary>
/// Every Lua text in <see cref="RedisScripts"/>, by constant name: found by reflection, so a script added later is
/// checked without anyone listing it. Shared fragments (<c>Common</c>) are checked on their own and inside each
/// script that includes them.
/// </summary>
public static class RedisScriptSources
{
    public static IReadOnlyDictionary<string, string> All { get; } = typeof(RedisScripts)
        .GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        .Where(field => field.IsLiteral && field.FieldType == typeof(string))
        .ToDictionary(field => field.Name, field => (string)field.GetRawConstantValue()!);
}
