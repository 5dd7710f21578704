using System.Text.Json;
using Uncloak.Core.Audit;

namespace Uncloak.Linux.Audit;

/// <summary>
/// ethtool data for a fixture tree or a snapshot copied from another host: `ROOT/ethtool/IFNAME.json`, because
/// ioctl answers live in no file. Format: {"driver": "e1000e", "autoneg": true, "supported": ["1000baseT_Full", …],
/// "advertised": […], "link_partner": […], "pause": {"autoneg": false, "rx": true, "tx": true}, "stats": {"name": 0}}.
/// </summary>
public sealed class EthtoolFixture(string root) : IEthtoolSource
{
    public EthtoolState? Query(string interfaceName)
    {
        var path = Path.Combine(root, "ethtool", interfaceName + ".json");
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return Parse(doc.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            // A hand-made or copied snapshot: malformed input is the user's to fix, reported with the file.
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    private static EthtoolState Parse(JsonElement e)
    {
        return new EthtoolState
        {
            Driver = e.TryGetProperty("driver", out var d) ? d.GetString() : null,
            Autoneg = e.TryGetProperty("autoneg", out var a) ? a.GetBoolean() : null,
            Supported = Strings(e, "supported"),
            Advertised = Strings(e, "advertised"),
            LinkPartner = Strings(e, "link_partner"),
            Pause = e.TryGetProperty("pause", out var p)
                ? new PauseSettings(p.GetProperty("autoneg").GetBoolean(), p.GetProperty("rx").GetBoolean(), p.GetProperty("tx").GetBoolean())
                : null,
            Statistics = e.TryGetProperty("stats", out var s)
                ? s.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetInt64(), StringComparer.Ordinal)
                : new Dictionary<string, long>(StringComparer.Ordinal),
        };
    }

    private static IReadOnlyList<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var arr) ? [.. arr.EnumerateArray().Select(x => x.GetString()!)] : [];
}
