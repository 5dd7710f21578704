using System.Globalization;

namespace Uncloak.Core.Audit.Checks;

/// <summary>
/// Per-interface `net.ipv4.conf.*` / `net.ipv6.conf.*` values. The kernel combines `all` with the interface's own
/// value differently per setting (include/linux/inetdevice.h): rp_filter takes the maximum, accept_redirects
/// (on a host that does not forward), send_redirects and log_martians are on if either is on, accept_source_route
/// only if both are. `default` is what interfaces created later start with.
/// </summary>
internal sealed record InterfaceConf(long? All, long? Default, IReadOnlyList<(string Interface, long Value)> Interfaces)
{
    public static InterfaceConf Read(SystemSnapshot snapshot, string family, string name)
    {
        var ifaces = new List<(string, long)>();
        foreach (var i in snapshot.Interfaces.Where(i => !i.IsLoopback))
        {
            if (snapshot.Int($"net.{family}.conf.{i.Name}.{name}") is { } v)
            {
                ifaces.Add((i.Name, v));
            }
        }
        return new InterfaceConf(snapshot.Int($"net.{family}.conf.all.{name}"), snapshot.Int($"net.{family}.conf.default.{name}"), ifaces);
    }

    public bool Present => All is not null || Default is not null || Interfaces.Count > 0;

    public string Describe(string family, string name)
    {
        var parts = new List<string>();
        if (All is { } a)
        {
            parts.Add($"all={a}");
        }
        if (Default is { } d)
        {
            parts.Add($"default={d}");
        }
        parts.AddRange(Interfaces.Select(i => $"{i.Interface}={i.Value}"));
        return $"net.{family}.conf.*.{name}: " + string.Join(' ', parts);
    }

    /// <summary>The dotted key, as the snapshot's dictionary holds it.</summary>
    public static string Key(string family, string scope, string name) => $"net.{family}.conf.{scope}.{name}";

    /// <summary>The key to write: slash form when the interface name has a dot (VLANs such as eth0.100), which the dotted form cannot express.</summary>
    public static string FixKey(string family, string scope, string name) =>
        scope.Contains('.') ? $"net/{family}/conf/{scope}/{name}" : Key(family, scope, name);

    public static string Format(long v) => v.ToString(CultureInfo.InvariantCulture);
}
