using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace BidLocks;

/// <summary>
/// What binding the <c>BidLocks</c> section gets wrong without a word: a time written as a bare number, which .NET reads
/// as days (<c>"DefaultTimeout": "1"</c> is one day), and a key that names no setting (a typo binds to nothing).
/// </summary>
internal static class BidLockConfigurationCheck
{
    // The settings configuration can set: public, writable, and of a type a configuration string binds to.
    private static readonly PropertyInfo[] Settings = typeof(BidLockOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(property => property.CanWrite && IsBindable(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType))
        .ToArray();

    /// <summary>Each time value written as a bare number, with what .NET makes of it and how to write what was meant.</summary>
    public static IEnumerable<string> Errors(IConfiguration section)
    {
        foreach (var property in Settings.Where(property => (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) == typeof(TimeSpan)))
        {
            var text = section[property.Name]?.Trim();
            if (text is null || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }

            var days = number == 1 ? "one day" : $"{number} days";
            var seconds = number < 86_400 ? TimeSpan.FromSeconds(number).ToString("c", CultureInfo.InvariantCulture) : null;
            var meant = seconds is null ? string.Empty : $"Write {seconds} for {(number == 1 ? "one second" : $"{number} seconds")}, or ";
            yield return $"{Path(section, property.Name)}: '{text}' is {days} to .NET, which reads a time without ':' as days. "
                + $"{(meant.Length == 0 ? "Write " : meant)}{number}.00:00:00 if {days} is meant.";
        }
    }

    /// <summary>A warning for each key that is no setting, naming the closest one when there is one close enough.</summary>
    public static IReadOnlyList<string> UnknownKeys(IConfiguration section)
        => section.GetChildren()
            .Where(child => !Settings.Any(property => string.Equals(property.Name, child.Key, StringComparison.OrdinalIgnoreCase)))
            .Select(child => $"{Path(section, child.Key)} is not a BidLocks setting, so it is ignored{Suggestion(child.Key)}.")
            .ToList();

    private static string Suggestion(string key)
    {
        var closest = Settings.Select(property => (property.Name, Distance: Distance(key.ToUpperInvariant(), property.Name.ToUpperInvariant())))
            .OrderBy(candidate => candidate.Distance)
            .First();
        // A third of the name may be wrong (a typo, a missing word); further off, a guess would mislead.
        return closest.Distance <= Math.Max(2, key.Length / 3) ? $": did you mean {closest.Name}?" : string.Empty;
    }

    private static string Path(IConfiguration section, string key)
        => section is IConfigurationSection { Path: { Length: > 0 } path } ? $"{path}:{key}" : $"{BidLockOptions.SectionName}:{key}";

    private static bool IsBindable(Type type)
        => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(decimal);

    // Levenshtein distance: the fewest single-letter edits from one to the other.
    private static int Distance(string from, string to)
    {
        var previous = Enumerable.Range(0, to.Length + 1).ToArray();
        var current = new int[to.Length + 1];
        for (var i = 1; i <= from.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= to.Length; j++)
            {
                var substitution = previous[j - 1] + (from[i - 1] == to[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[to.Length];
    }
}
