using BidLocks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers BidLocks in a service collection: one <see cref="IBidLockManager"/> for the container.</summary>
public static class BidLocksServiceCollectionExtensions
{
    /// <summary>
    /// Adds the container's <see cref="IBidLockManager"/> (a singleton built by <see cref="BidLockManagerFactory"/> from
    /// the environment, logging through the container's <c>ILoggerFactory</c>), the validation of
    /// <see cref="BidLockOptions"/> at start, the creation of the manager at host start, and the health check
    /// <c>bidlocks</c>. Disposing the container releases every lease the manager holds and closes its connections.
    /// Calling it again adds nothing twice.
    /// </summary>
    public static IServiceCollection AddBidLocks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var first = !services.Any(descriptor => descriptor.ServiceType == typeof(BidLockManagerHolder));
        services.AddOptions<BidLockOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BidLockOptions>, BidLockOptionsValidator>());
        services.TryAddSingleton(BidLockEnvironment.Process);
        services.TryAddSingleton<BidLockManagerHolder>();
        services.TryAddSingleton<IBidLockManager>(provider => provider.GetRequiredService<BidLockManagerHolder>().Get());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BidLockStartupService>());
        if (first)
        {
            services.AddHealthChecks().Add(new HealthCheckRegistration(
                BidLockHealthCheck.Name,
                provider => new BidLockHealthCheck(provider.GetRequiredService<BidLockManagerHolder>().GetAsync),
                failureStatus: null,
                tags: [BidLockHealthCheck.Name]));
        }

        return services;
    }

    /// <summary>
    /// As <see cref="AddBidLocks(IServiceCollection)"/>, with the options bound from the <c>BidLocks</c> section of
    /// <paramref name="configuration"/> (or from <paramref name="configuration"/> itself when it is that section).
    /// Bound options win over their environment variables. A time must be written as <c>hh:mm:ss</c> (a bare number
    /// is refused at start: .NET would read it as days), and a key that is no setting is logged as a warning naming the
    /// closest one. <c>BidLocks:RedisConnectionName</c> names a Redis connection the application already has.
    /// </summary>
    public static IServiceCollection AddBidLocks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration is IConfigurationSection { Key: BidLockOptions.SectionName } own
            ? own
            : configuration.GetSection(BidLockOptions.SectionName);
        services.AddBidLocks();
        services.AddOptions<BidLockOptions>().Bind(section);
        // Kept for what binding cannot say: unknown keys, times written as bare numbers, and ConnectionStrings:<name>.
        services.Replace(ServiceDescriptor.Singleton(new BidLockConfigurationSection(section, ReferenceEquals(section, configuration) ? null : configuration)));
        return services;
    }

    /// <summary>As <see cref="AddBidLocks(IServiceCollection)"/>, with the options set by <paramref name="configure"/>.</summary>
    public static IServiceCollection AddBidLocks(this IServiceCollection services, Action<BidLockOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddBidLocks();
        services.Configure(configure);
        return services;
    }
}
