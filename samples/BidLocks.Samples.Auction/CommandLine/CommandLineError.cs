using System.Text.RegularExpressions;
using Spectre.Console.Cli;
using Spectre.Console;

namespace BidLocks.Samples.Auction.CommandLine;

/// <summary>A wrong command line: one message on stderr that names the option as the user typed it, and exit code 2.</summary>
internal static partial class CommandLineError
{
    public const int ExitCode = 2;

    public static int Report(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        Console.Error.WriteLine("Run with --help to see the options.");
        return ExitCode;
    }

    /// <summary>
    /// Spectre.Console.Cli names an option without its dashes ("Option 'postings' is defined but no value has been
    /// provided") and a value it could not convert without its option ("Failed to convert 'many' to Int32"): this
    /// names the option as typed. A message that quotes nothing of <paramref name="args"/> (a flag given a value) is
    /// followed by Spectre's own picture of the command line, which points at the argument.
    /// </summary>
    public static int Report(CommandAppException exception, IReadOnlyList<string> args)
    {
        var quoted = Quoted().Match(exception.Message);
        var token = quoted.Groups[1].Value;
        for (var i = 0; quoted.Success && i < args.Count; i++)
        {
            var equals = args[i].IndexOf('=', StringComparison.Ordinal);
            var (name, value) = equals > 0 ? (args[i][..equals], args[i][(equals + 1)..]) : (args[i], i + 1 < args.Count ? args[i + 1] : null);
            if (!name.StartsWith('-'))
            {
                continue;
            }

            if (name.TrimStart('-') == token)
            {
                return Report(exception.Message.Replace(quoted.Value, $"'{name}'", StringComparison.Ordinal));
            }

            if (value == token)
            {
                return Report($"{name}: {exception.Message}");
            }
        }

        var code = Report(exception.Message);
        if (exception.Pretty is { } pretty)
        {
            AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors }).Write(pretty);
        }

        return code;
    }

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex Quoted();
}
