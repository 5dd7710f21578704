using System.Globalization;
using Uncloak.Core.Decisions;
using YamlDotNet.RepresentationModel;

namespace Uncloak.Config;

/// <summary>
/// A YAML mapping read strictly: each getter marks its key as known and records a located error when the value is
/// of the wrong shape; <see cref="Finish"/> reports every key nobody asked for. Errors accumulate in the shared
/// list so a file's problems are all reported at once.
/// </summary>
internal sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public YamlMap(string file, YamlMappingNode node, List<ConfigError> errors)
    {
        File = file;
        _node = node;
        Errors = errors;
    }

    public string File { get; }

    public List<ConfigError> Errors { get; }

    public int Line => (int)_node.Start.Line;

    public int Column => (int)_node.Start.Column;

    public string Where => $"{File}:{_node.Start.Line}";

    /// <summary>Reads <paramref name="node"/> as a mapping or records an error and returns null.</summary>
    public static YamlMap? Of(string file, YamlNode node, List<ConfigError> errors, string what)
    {
        if (node is YamlMappingNode m)
        {
            return new YamlMap(file, m, errors);
        }
        errors.Add(Error(file, node, $"{what} must be a mapping (key: value lines)"));
        return null;
    }

    public static ConfigError Error(string file, YamlNode node, string message)
        => new(file, (int)node.Start.Line, (int)node.Start.Column, message);

    public void Add(YamlNode node, string message) => Errors.Add(Error(File, node, message));

    public YamlNode? Node(string key)
    {
        _known.Add(key);
        foreach (var (k, v) in _node.Children)
        {
            if (k is YamlScalarNode s && s.Value == key)
            {
                return v;
            }
        }
        return null;
    }

    public bool Has(string key) => Node(key) is not null;

    /// <summary>True when <paramref name="key"/> is present, without marking it as known.</summary>
    public bool Contains(string key) => _node.Children.Keys.Any(k => k is YamlScalarNode s && s.Value == key);

    public string? String(string key, bool required = false)
    {
        var n = Node(key);
        if (n is null)
        {
            if (required)
            {
                Errors.Add(new ConfigError(File, Line, (int)_node.Start.Column, $"'{key}' is required"));
            }
            return null;
        }
        if (n is YamlScalarNode { Value: { } v })
        {
            return v;
        }
        Add(n, $"'{key}' must be a single value");
        return null;
    }

    public bool Bool(string key, bool fallback)
    {
        var n = Node(key);
        if (n is null)
        {
            return fallback;
        }
        if (n is YamlScalarNode { Value: "true" or "yes" or "on" })
        {
            return true;
        }
        if (n is YamlScalarNode { Value: "false" or "no" or "off" })
        {
            return false;
        }
        Add(n, $"'{key}' must be true or false");
        return fallback;
    }

    public int Int(string key, int fallback, int min, int max, bool required = false)
    {
        var n = Node(key);
        if (n is null)
        {
            if (required)
            {
                Errors.Add(new ConfigError(File, Line, (int)_node.Start.Column, $"'{key}' is required"));
            }
            return fallback;
        }
        if (n is YamlScalarNode { Value: { } v } && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i >= min && i <= max)
        {
            return i;
        }
        Add(n, $"'{key}' must be a whole number from {min} to {max}");
        return fallback;
    }

    public double Double(string key, double fallback, double min, double max)
    {
        var n = Node(key);
        if (n is null)
        {
            return fallback;
        }
        if (n is YamlScalarNode { Value: { } v } && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d >= min && d <= max)
        {
            return d;
        }
        Add(n, $"'{key}' must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return fallback;
    }

    /// <summary>
    /// A size: a whole number of bytes, or one with a unit (<c>512KB</c>, <c>200MB</c>, <c>2GB</c>; <c>KiB</c>/<c>MiB</c>/<c>GiB</c>
    /// and <c>K</c>/<c>M</c>/<c>G</c> mean the same powers of 1024), from <paramref name="min"/> to <paramref name="max"/> bytes.
    /// </summary>
    public long Bytes(string key, long fallback, long min, long max)
    {
        var n = Node(key);
        if (n is null)
        {
            return fallback;
        }
        if (n is YamlScalarNode { Value: { } v } && TryParseBytes(v, out long bytes) && bytes >= min && bytes <= max)
        {
            return bytes;
        }
        Add(n, $"'{key}' must be a size such as 512KB, 200MB or 2GB, from {min:N0} to {max:N0} bytes");
        return fallback;
    }

    private static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        var t = text.Trim();
        int digits = 0;
        while (digits < t.Length && char.IsAsciiDigit(t[digits]))
        {
            digits++;
        }
        if (digits == 0 || !long.TryParse(t.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            return false;
        }
        int shift = t[digits..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 0,
            "K" or "KB" or "KIB" => 10,
            "M" or "MB" or "MIB" => 20,
            "G" or "GB" or "GIB" => 30,
            _ => -1,
        };
        if (shift < 0 || n > long.MaxValue >> shift)
        {
            return false;
        }
        bytes = n << shift;
        return true;
    }

    public TimeSpan Duration(string key, TimeSpan fallback, bool required = false)
    {
        var n = Node(key);
        if (n is null)
        {
            if (required)
            {
                Errors.Add(new ConfigError(File, Line, (int)_node.Start.Column, $"'{key}' is required"));
            }
            return fallback;
        }
        if (n is YamlScalarNode { Value: { } v } && DurationText.TryParse(v, out var d))
        {
            return d;
        }
        // Probe timeouts want sub-second values: whole milliseconds are accepted too.
        if (n is YamlScalarNode { Value: { } ms } && ms.EndsWith("ms", StringComparison.Ordinal)
            && int.TryParse(ms.AsSpan(0, ms.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out int millis) && millis > 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }
        Add(n, $"'{key}' must be a duration such as 500ms, 30s, 5m, 1h, 7d or 1h30m");
        return fallback;
    }

    /// <summary>A list of scalars; a single scalar counts as a one-item list.</summary>
    public IReadOnlyList<(string Value, YamlNode Node)> Strings(string key, bool required = false)
    {
        var n = Node(key);
        if (n is null)
        {
            if (required)
            {
                Errors.Add(new ConfigError(File, Line, (int)_node.Start.Column, $"'{key}' is required"));
            }
            return [];
        }
        if (n is YamlScalarNode { Value: { } single })
        {
            return [(single, n)];
        }
        if (n is YamlSequenceNode seq)
        {
            var list = new List<(string, YamlNode)>();
            foreach (var item in seq.Children)
            {
                if (item is YamlScalarNode { Value: { } v })
                {
                    list.Add((v, item));
                }
                else
                {
                    Add(item, $"'{key}' items must be single values");
                }
            }
            return list;
        }
        Add(n, $"'{key}' must be a list");
        return [];
    }

    /// <summary>A list of mappings.</summary>
    public IReadOnlyList<YamlMap> Maps(string key)
    {
        var n = Node(key);
        if (n is null)
        {
            return [];
        }
        if (n is not YamlSequenceNode seq)
        {
            Add(n, $"'{key}' must be a list");
            return [];
        }
        var list = new List<YamlMap>();
        foreach (var item in seq.Children)
        {
            if (Of(File, item, Errors, $"each '{key}' item") is { } m)
            {
                list.Add(m);
            }
        }
        return list;
    }

    public YamlMap? Map(string key)
    {
        var n = Node(key);
        return n is null ? null : Of(File, n, Errors, $"'{key}'");
    }

    /// <summary>Reports every key that no getter asked for, with the keys that are allowed.</summary>
    public void Finish()
    {
        foreach (var (k, _) in _node.Children)
        {
            string name = (k as YamlScalarNode)?.Value ?? "?";
            if (!_known.Contains(name))
            {
                Add(k, $"unknown key '{name}' (allowed: {string.Join(", ", _known.Order(StringComparer.Ordinal))})");
            }
        }
    }
}
