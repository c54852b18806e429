using System;
using System.Collections.Generic;
using BidLocks.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BidLocks.Generators.Parsing;

/// <summary>The <c>[BidLock]</c> attribute's values, as constants the compiler already evaluated.</summary>
internal sealed class AttributeReader
{
    // TimeSpan.FromSeconds throws past this; reject it at compile time instead.
    private static readonly double MaxSeconds = TimeSpan.MaxValue.TotalSeconds;

    private AttributeReader(AttributeData attribute, LocationInfo? location)
    {
        Attribute = attribute;
        Location = location;
    }

    public AttributeData Attribute { get; }

    public LocationInfo? Location { get; }

    public static AttributeReader For(AttributeData attribute)
        => new(attribute, LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax()));

    /// <summary>
    /// Where constructor argument <paramref name="index"/> (named <paramref name="parameterName"/>) was written: by
    /// name (<c>postingId: "..."</c>) or by position among the unnamed arguments.
    /// </summary>
    public TemplateSite Template(int index, string parameterName)
    {
        ExpressionSyntax? found = null;
        if (Attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } arguments })
        {
            int position = 0;
            foreach (AttributeArgumentSyntax argument in arguments.Arguments)
            {
                if (argument.NameEquals is not null)
                {
                    continue;
                }

                bool matches = argument.NameColon is { } nameColon
                    ? nameColon.Name.Identifier.ValueText == parameterName
                    : position == index;
                if (argument.NameColon is null)
                {
                    position++;
                }

                if (matches)
                {
                    found = argument.Expression;
                    break;
                }
            }
        }

        return new TemplateSite(found, Location);
    }

    /// <summary>Where a named argument such as <c>TimeoutSeconds = 0</c> was written, else the attribute.</summary>
    public LocationInfo? NamedArgumentLocation(string name)
    {
        if (Attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } arguments })
        {
            foreach (AttributeArgumentSyntax argument in arguments.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return LocationInfo.From(argument);
                }
            }
        }

        return Location;
    }

    /// <summary>The two templates, or false when the attribute has compile errors (the compiler reports those).</summary>
    public bool TryReadTemplates(out string? marketplaceId, out string? postingId, List<ParseFailure> failures)
    {
        marketplaceId = null;
        postingId = null;
        if (Attribute.AttributeConstructor is null
            || Attribute.ConstructorArguments.Length != 2
            || Attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error
            || Attribute.ConstructorArguments[1].Kind == TypedConstantKind.Error)
        {
            failures.Add(new ParseFailure(
                BidLockFailureReason.InvalidAttribute,
                "The [BidLock] attribute's arguments could not be read; fix the compile errors in it.",
                Location));
            return false;
        }

        marketplaceId = Attribute.ConstructorArguments[0].Value as string;
        postingId = Attribute.ConstructorArguments[1].Value as string;
        return true;
    }

    /// <summary>
    /// The timing arguments the attribute names, null for each it does not (the manager's options decide those, so
    /// no default is compiled in); null after adding a failure for a bad one.
    /// </summary>
    public LockTimingModel? ReadTiming(List<ParseFailure> failures)
    {
        double? timeout = null;
        double? ttl = null;
        double? maxHold = null;
        foreach (KeyValuePair<string, TypedConstant> argument in Attribute.NamedArguments)
        {
            if (argument.Value.Value is not double value)
            {
                continue;
            }

            switch (argument.Key)
            {
                case "TimeoutSeconds":
                    timeout = value;
                    break;
                case "TtlSeconds":
                    ttl = value;
                    break;
                case "MaxHoldSeconds":
                    maxHold = value;
                    break;
            }
        }

        // A zero timeout is one try, no wait ("refuse at once if busy"); a zero TTL or cap would lose the lock at once.
        bool ok = Check("TimeoutSeconds", timeout, failures, zeroAllowed: true) & Check("TtlSeconds", ttl, failures) & Check("MaxHoldSeconds", maxHold, failures);
        return ok ? new LockTimingModel(timeout, ttl, maxHold) : null;
    }

    private bool Check(string name, double? named, List<ParseFailure> failures, bool zeroAllowed = false)
    {
        // Not named: nothing to check here; the manager validates its own options.
        if (named is not { } seconds)
        {
            return true;
        }

        // NaN fails both comparisons, so it is rejected too.
        if ((seconds > 0 || (zeroAllowed && seconds == 0)) && seconds <= MaxSeconds)
        {
            return true;
        }

        failures.Add(new ParseFailure(
            BidLockFailureReason.InvalidTiming,
            $"{name} must be {(zeroAllowed ? "zero (one try, no wait) or a positive" : "a positive")}, finite number of seconds; it is {seconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}.",
            NamedArgumentLocation(name)));
        return false;
    }
}
