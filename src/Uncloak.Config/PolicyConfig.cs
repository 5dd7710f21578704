using YamlDotNet.RepresentationModel;

namespace Uncloak.Config;

/// <summary>
/// The firewall policy's configuration: the shipped <c>config/firewall.yaml</c>, then the admin's file
/// (<c>/etc/uncloak/firewall.yaml</c> or <c>--config</c>), each key of a later file replacing the earlier value.
/// Parsing is strict: unknown keys and wrong types are <see cref="ConfigError"/>s with file:line:column, all reported at once.
/// </summary>
public sealed record PolicyConfig
{
    public const string UserFile = "/etc/uncloak/firewall.yaml";

    public IReadOnlyList<string> Management { get; init; } = [];

    public string? PublicInterface { get; init; }

    public string? Bogons { get; init; }

    public int EchoRate { get; init; } = 5;

    public int EchoMaxBytes { get; init; } = 1000;

    public IReadOnlyList<string> ConnLimits { get; init; } = [];

    public string ConfirmWithin { get; init; } = "60s";

    /// <summary>The files that apply, in order: the shipped defaults, then <paramref name="explicitFile"/> or the user file when present.</summary>
    public static IReadOnlyList<string> Files(string? explicitFile)
    {
        var files = new List<string>();
        var shipped = Path.Combine(AppContext.BaseDirectory, "config", "firewall.yaml");
        if (File.Exists(shipped))
        {
            files.Add(shipped);
        }
        if (explicitFile is not null)
        {
            files.Add(explicitFile); // must exist: a typo in --config is an error, not silently the defaults
        }
        else if (File.Exists(UserFile))
        {
            files.Add(UserFile);
        }
        return files;
    }

    /// <summary>Merges <paramref name="files"/> in order; <paramref name="errors"/> gets every problem found, located.</summary>
    public static PolicyConfig Load(IEnumerable<string> files, List<ConfigError> errors)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(errors);
        var config = new PolicyConfig();
        foreach (var file in files)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(new ConfigError(file, 0, 0, "cannot read: " + e.Message));
                continue;
            }
            config = Apply(config, file, text, errors);
        }
        return config;
    }

    /// <summary>Applies one file's keys on top of <paramref name="config"/>.</summary>
    public static PolicyConfig Apply(PolicyConfig config, string file, string text, List<ConfigError> errors)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var document in YamlFile.Documents(file, text, errors).Take(1))
        {
            if (YamlMap.Of(file, document, errors, "the firewall policy") is not { } map)
            {
                continue;
            }
            config = config with
            {
                Management = List(map, "management") ?? config.Management,
                ConnLimits = List(map, "conn_limits") ?? config.ConnLimits,
                PublicInterface = map.Contains("public_interface") ? Scalar(map, "public_interface") : config.PublicInterface,
                Bogons = map.Contains("bogons") ? Scalar(map, "bogons") : config.Bogons,
                ConfirmWithin = Scalar(map, "confirm_within") ?? config.ConfirmWithin,
                EchoRate = map.Int("echo_rate", config.EchoRate, 0, int.MaxValue),
                EchoMaxBytes = map.Int("echo_max_bytes", config.EchoMaxBytes, 0, int.MaxValue),
            };
            map.Finish();
        }
        return config;
    }

    /// <summary>A single value; an empty one (<c>~</c>, <c>null</c>, blank) clears what an earlier file set.</summary>
    private static string? Scalar(YamlMap map, string key)
        => map.String(key) is { } v && !string.IsNullOrWhiteSpace(v) && v is not ("~" or "null") ? v.Trim() : null;

    /// <summary>A list that replaces the earlier file's, or null when the key is absent.</summary>
    private static List<string>? List(YamlMap map, string key)
    {
        if (!map.Contains(key))
        {
            map.Node(key);
            return null;
        }
        if (map.Node(key) is not YamlSequenceNode)
        {
            map.Add(map.Node(key)!, $"'{key}' takes a list, e.g. {key}: [\"…\"]");
            return null;
        }
        return [.. map.Strings(key).Select(s => s.Value.Trim()).Where(v => v.Length > 0)];
    }
}
