using System;
using System.Collections.Generic;
using BidLocks.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BidLocks.Generators.Parsing
{
    /// <summary>The <c>[BidLock]</c> attribute's values, as constants the compiler already evaluated.</summary>
    internal sealed class AttributeReader
    {
        // Mirror BidLocks.BidLockDefaults: the generator cannot reference the runtime assembly.
        public const double DefaultTimeoutSeconds = 10;
        public const double DefaultTtlSeconds = 30;
        public const double DefaultMaxHoldSeconds = 300;

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

        /// <summary>Where to report a problem with constructor argument <paramref name="index"/>: the argument itself.</summary>
        public LocationInfo? ArgumentLocation(int index)
        {
            if (Attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } arguments }
                && index < arguments.Arguments.Count)
            {
                return LocationInfo.From(arguments.Arguments[index]);
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

        /// <summary>The timing arguments, defaults for those not given; null after adding a failure for a bad one.</summary>
        public LockTimingModel? ReadTiming(List<ParseFailure> failures)
        {
            double timeout = DefaultTimeoutSeconds;
            double ttl = DefaultTtlSeconds;
            double maxHold = DefaultMaxHoldSeconds;
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

            bool ok = Check("TimeoutSeconds", timeout, failures) & Check("TtlSeconds", ttl, failures) & Check("MaxHoldSeconds", maxHold, failures);
            return ok ? new LockTimingModel(timeout, ttl, maxHold) : null;
        }

        private bool Check(string name, double seconds, List<ParseFailure> failures)
        {
            // NaN fails both comparisons, so it is rejected too.
            if (seconds > 0 && seconds <= MaxSeconds)
            {
                return true;
            }

            failures.Add(new ParseFailure(
                BidLockFailureReason.InvalidTiming,
                $"{name} must be a positive, finite number of seconds; it is {seconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}.",
                Location));
            return false;
        }
    }
}
