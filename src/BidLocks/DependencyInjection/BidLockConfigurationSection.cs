using Microsoft.Extensions.Configuration;

namespace BidLocks;

/// <summary>
/// The configuration <c>AddBidLocks(IConfiguration)</c> was given: the <c>BidLocks</c> section, checked for keys and
/// values that binding would silently ignore or misread, and the configuration it came from, for
/// <c>ConnectionStrings:&lt;name&gt;</c>.
/// </summary>
/// <param name="Section">The <c>BidLocks</c> section.</param>
/// <param name="Root">The configuration holding <c>ConnectionStrings</c>; null when only the section was given.</param>
internal sealed record BidLockConfigurationSection(IConfiguration Section, IConfiguration? Root);
