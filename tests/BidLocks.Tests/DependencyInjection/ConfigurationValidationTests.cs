using BidLocks.Tests.Sqlite;
using BidLocks.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BidLocks.Tests.DependencyInjection;

/// <summary>
/// Values in the <c>BidLocks</c> section that make no sense stop the host at start, saying why;
/// a key BidLocks does not know is a warning that names the closest one it does.
/// </summary>
public sealed class ConfigurationValidationTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly CapturingLoggerFactory _logs = new();

    [Fact(Timeout = 30_000)]
    public async Task A_bare_number_for_a_time_is_refused_saying_how_dotnet_reads_it()
    {
        using var host = Host(("BidLocks:DefaultTimeout", "1"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("BidLocks:DefaultTimeout", error.Message);
        Assert.Contains("one day", error.Message);
        Assert.Contains("00:00:01", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_wait_longer_than_an_hour_is_refused_with_the_reason()
    {
        using var host = Host(("BidLocks:DefaultTimeout", "02:00:00"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("BidLocks:DefaultTimeout", error.Message);
        Assert.Contains("at most one hour", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_unknown_key_is_a_warning_naming_the_closest_known_one()
    {
        using var host = Host(("BidLocks:DefaultTimout", "00:00:05"));

        await host.StartAsync(TestContext.Current.CancellationToken);

        // (The test's lock file is in the temp folder, which is warned about too.)
        var warning = Assert.Single(_logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("is not a BidLocks setting", StringComparison.Ordinal));
        Assert.Contains("BidLocks:DefaultTimout", warning.Message);
        Assert.Contains("did you mean DefaultTimeout", warning.Message);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    public void Dispose() => _database.Dispose();

    private IHost Host(params (string Key, string? Value)[] configuration)
    {
        // No defaults: the host reads neither the process environment nor appsettings files, only this test's values.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("BidLocks:SqlitePath", _database.Path)]);
        builder.Configuration.AddInMemoryCollection(configuration.Select(value => new KeyValuePair<string, string?>(value.Key, value.Value)));
        builder.Services.AddSingleton<ILoggerFactory>(_logs);
        builder.Services.AddSingleton(new BidLockEnvironment(TestEnvironment.Of()));
        builder.Services.AddBidLocks(builder.Configuration);
        return builder.Build();
    }
}
