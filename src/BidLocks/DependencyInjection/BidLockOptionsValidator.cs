using Microsoft.Extensions.Options;

namespace BidLocks;

/// <summary>Runs <see cref="BidLockOptions.Validate"/> for the options system, so a bad setting stops the host at start.</summary>
internal sealed class BidLockOptionsValidator : IValidateOptions<BidLockOptions>
{
    public ValidateOptionsResult Validate(string? name, BidLockOptions options)
    {
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
