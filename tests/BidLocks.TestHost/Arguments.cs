using System.Globalization;

namespace BidLocks.TestHost;

/// <summary><c>--name value</c> pairs and <c>--flag</c> switches.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public static Arguments Parse(string[] args)
    {
        var parsed = new Arguments();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.", nameof(args));
            }

            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            parsed._values[args[i][2..]] = hasValue ? args[++i] : null;
        }

        return parsed;
    }

    public string Text(string name) => _values.TryGetValue(name, out var value) && value is not null
        ? value
        : throw new ArgumentException($"--{name} is required.", name);

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public int Number(string name) => int.Parse(Text(name), CultureInfo.InvariantCulture);

    public bool Flag(string name) => _values.ContainsKey(name);
}
