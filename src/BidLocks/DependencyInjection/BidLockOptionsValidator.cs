using Microsoft.Extensions.Options;

namespace BidLocks;

/// <summary>
/// Runs <see cref="BidLockOptions.Validate"/> for the options system, and checks the configuration section's raw values
/// that binding misreads, so a bad setting stops the host at start.
/// </summary>
internal sealed class BidLockOptionsValidator(BidLockConfigurationSection? configuration = null) : IValidateOptions<BidLockOptions>
{
    public ValidateOptionsResult Validate(string? name, BidLockOptions options)
    {
        // A bare number is reported as what it was meant to be, before the range check reports what it became.
        if (configuration is not null && BidLockConfigurationCheck.Errors(configuration.Section).ToList() is { Count: > 0 } misread)
        {
            return ValidateOptionsResult.Fail(misread);
        }

        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException exception)
        {
            // The parameter name is the option's name, as bound from the BidLocks configuration section.
            return ValidateOptionsResult.Fail($"{BidLockOptions.SectionName}:{exception.ParamName}: {exception.Message}");
        }
    }
}
