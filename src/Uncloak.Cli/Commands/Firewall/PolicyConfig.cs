using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Uncloak.Cli.Commands.Firewall;

/// <summary>
/// The firewall policy's configuration: the shipped <c>config/firewall.yaml</c>, then the admin's file
/// (<c>/etc/uncloak/firewall.yaml</c> or <c>--config</c>), each key of a later file replacing the earlier value.
/// Parsing is strict: unknown keys and wrong types are errors with file:line, all reported at once.
/// </summary>
public sealed record PolicyConfig
{
    public const string UserFile = "/etc/uncloak/firewall.yaml";

    private static readonly string[] Keys = ["management", "public_interface", "bogons", "echo_rate", "echo_max_bytes", "conn_limits", "confirm_within"];

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

    /// <summary>Merges <paramref name="files"/> in order; <paramref name="errors"/> gets "file:line: problem" for every problem found.</summary>
    public static PolicyConfig Load(IEnumerable<string> files, List<string> errors)
    {
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
                errors.Add($"{file}: cannot read: {e.Message}");
                continue;
            }
            config = Apply(config, file, text, errors);
        }
        return config;
    }

    /// <summary>Applies one file's keys on top of <paramref name="config"/>.</summary>
    public static PolicyConfig Apply(PolicyConfig config, string file, string text, List<string> errors)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            errors.Add($"{file}:{e.Start.Line}: {e.Message}");
            return config;
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return config; // an empty file changes nothing
        }
        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add($"{file}:{yaml.Documents[0].RootNode.Start.Line}: expected keys (a mapping) at the top level");
            return config;
        }
        foreach (var (keyNode, value) in root.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            string at = $"{file}:{keyNode.Start.Line}";
            switch (key)
            {
                case "management":
                    config = config with { Management = List(value, at, key, errors) ?? config.Management };
                    break;
                case "conn_limits":
                    config = config with { ConnLimits = List(value, at, key, errors) ?? config.ConnLimits };
                    break;
                case "public_interface":
                    config = config with { PublicInterface = Scalar(value, at, key, errors) };
                    break;
                case "bogons":
                    config = config with { Bogons = Scalar(value, at, key, errors) };
                    break;
                case "confirm_within":
                    config = config with { ConfirmWithin = Scalar(value, at, key, errors) ?? config.ConfirmWithin };
                    break;
                case "echo_rate":
                    config = config with { EchoRate = Number(value, at, key, errors) ?? config.EchoRate };
                    break;
                case "echo_max_bytes":
                    config = config with { EchoMaxBytes = Number(value, at, key, errors) ?? config.EchoMaxBytes };
                    break;
                default:
                    errors.Add($"{at}: unknown key '{key}' (known: {string.Join(", ", Keys)})");
                    break;
            }
        }
        return config;
    }

    private static string? Scalar(YamlNode node, string at, string key, List<string> errors)
    {
        if (node is YamlScalarNode s)
        {
            return string.IsNullOrWhiteSpace(s.Value) || s.Value is "~" or "null" ? null : s.Value.Trim();
        }
        errors.Add($"{at}: '{key}' takes one value");
        return null;
    }

    private static int? Number(YamlNode node, string at, string key, List<string> errors)
    {
        var text = Scalar(node, at, key, errors);
        if (text is not null && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            return n;
        }
        errors.Add($"{at}: '{key}' must be a whole number");
        return null;
    }

    private static List<string>? List(YamlNode node, string at, string key, List<string> errors)
    {
        if (node is YamlSequenceNode seq)
        {
            var items = new List<string>();
            foreach (var item in seq)
            {
                if (item is YamlScalarNode { Value: { Length: > 0 } v })
                {
                    items.Add(v.Trim());
                }
                else
                {
                    errors.Add($"{at}: every item of '{key}' must be one value");
                }
            }
            return items;
        }
        errors.Add($"{at}: '{key}' takes a list, e.g. {key}: [\"…\"]");
        return null;
    }
}
