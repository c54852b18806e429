using Microsoft.Extensions.Configuration;

namespace BidLocks.Cli.Backend;

/// <summary>
/// The application's own configuration, read as its host reads it: the file, then <c>appsettings.&lt;environment&gt;.json</c>
/// beside it, then environment variables (<c>BidLocks__RedisUrl</c>). The section is bound into
/// <see cref="BidLockOptions"/> as <c>AddBidLocks(IConfiguration)</c> binds it, with the same checks, so the tool locks
/// where the app locks: the same server, the same key prefix, the same connection string.
/// </summary>
internal sealed class AppSettingsFile
{
    private readonly IConfigurationRoot _root;
    private readonly IConfigurationSection _section;

    // What each configuration provider is called in a message, in the order they were added (as _root.Providers).
    private readonly List<string> _providerNames;

    private AppSettingsFile(IConfigurationRoot root, IConfigurationSection section, List<string> providerNames)
    {
        _root = root;
        _section = section;
        _providerNames = providerNames;
    }

    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidOperationException">A named section is missing, or a setting is written so that binding would misread it.</exception>
    public static AppSettingsFile Read(string path, string? sectionName)
    {
        var file = Path.GetFullPath(path);
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"There is no settings file at {file}.", file);
        }

        var names = new List<string> { file };
        var builder = new ConfigurationBuilder().AddJsonFile(file, optional: false, reloadOnChange: false);

        // As a host does: Production unless an environment is set.
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        var environmentFile = Path.Combine(Path.GetDirectoryName(file)!, $"{Path.GetFileNameWithoutExtension(file)}.{environment.Trim()}.json");
        if (File.Exists(environmentFile))
        {
            builder.AddJsonFile(environmentFile, optional: false, reloadOnChange: false);
            names.Add(environmentFile);
        }

        builder.AddEnvironmentVariables();
        names.Add("environment variable");
        var root = builder.Build();
        var section = root.GetSection(sectionName ?? BidLockOptions.SectionName);

        // A section the operator named must be there; the default one may be absent (the app then configures BidLocks
        // through the environment alone, which the factory reads anyway).
        if (sectionName is not null && !section.Exists())
        {
            throw new InvalidOperationException($"{file} has no '{sectionName}' section (nor is one set by environment variables): give --section the name the app binds BidLocks from.");
        }

        var errors = BidLockConfigurationCheck.Errors(section).ToList();
        return errors.Count > 0
            ? throw new InvalidOperationException(string.Join(Environment.NewLine, errors))
            : new AppSettingsFile(root, section, names);
    }

    /// <summary>The section's keys that name no setting, each with the closest one (the factory logs them as warnings).</summary>
    public IReadOnlyList<string> Warnings => BidLockConfigurationCheck.UnknownKeys(_section);

    /// <summary>Sets on <paramref name="options"/> what the section sets, as the app's binding would.</summary>
    public void BindTo(BidLockOptions options) => _section.Bind(options);

    /// <summary>The connection string <c>ConnectionStrings:&lt;name&gt;</c>, for <c>RedisConnectionName</c>.</summary>
    public string? ConnectionString(string name) => _root.GetConnectionString(name);

    /// <summary>Where an option's value was read, as a reader finds it: the key and its file, or the variable; null when unset.</summary>
    public string? SourceOf(string option)
    {
        var key = ConfigurationPath.Combine(_section.Path, option);
        var providers = _root.Providers.ToList();
        for (var i = providers.Count - 1; i >= 0; i--)
        {
            if (providers[i].TryGet(key, out _))
            {
                return i == providers.Count - 1 ? $"the {_providerNames[i]} {key.Replace(":", "__", StringComparison.Ordinal)}" : $"{key} in {_providerNames[i]}";
            }
        }

        return null;
    }
}
