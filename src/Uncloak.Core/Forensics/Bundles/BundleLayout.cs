namespace Uncloak.Core.Forensics.Bundles;

/// <summary>
/// Where things are in a bundle, and what a bundle may hold. Snapshots go in <c>before/</c>, <c>during/</c> and
/// <c>after/</c>, each file in the text format of the tool it stands for (<c>ss -tinoe</c>, <c>nstat -az</c>, <c>tc -s
/// qdisc</c>, <c>ip -s -s link</c>, <c>ethtool -S</c>, <c>ip neigh</c>), so <see cref="Dumps.DumpReader"/> reads a bundle
/// and a forum post the same way; <c>probes.txt</c>, <c>kernel.log</c> and <c>packets.pcapng</c> lie at the top. Names are checked before any
/// file is opened: a manifest from another machine must not point outside its bundle.
/// </summary>
public static class BundleLayout
{
    public const string ManifestName = "manifest.json";

    public const string ProbesName = "probes.txt";

    public const string KernelName = "kernel.log";

    /// <summary>The packet ring: the last seconds of TCP headers on the service ports before the outage (and up to its end), as pcapng.</summary>
    public const string PacketsName = "packets.pcapng";

    /// <summary>Largest single file read (a 100,000-socket ss dump is ~40 MB).</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>Largest bundle read in all.</summary>
    public const long MaxBundleBytes = 1L << 30;

    public const int MaxFiles = 512;

    public const long MaxManifestBytes = 1L << 20;

    /// <summary>The phase folder of <paramref name="phase"/>.</summary>
    public static string Folder(EvidencePhase phase) => phase switch
    {
        EvidencePhase.Before => "before",
        EvidencePhase.After => "after",
        _ => "during",
    };

    /// <summary>The phase a file belongs to by its folder; null for top-level files.</summary>
    public static EvidencePhase? PhaseOf(string name)
    {
        int slash = name.IndexOf('/');
        return slash < 0 ? null : name[..slash] switch
        {
            "before" => EvidencePhase.Before,
            "during" => EvidencePhase.During,
            "after" => EvidencePhase.After,
            _ => null,
        };
    }

    /// <summary>
    /// A relative name of at most two segments of <c>[A-Za-z0-9._-]</c> with no <c>.</c>/<c>..</c> segment: nothing absolute,
    /// nothing that climbs out, no backslashes or NULs. Returns the reason when it is not.
    /// </summary>
    public static string? CheckName(string name)
    {
        if (name.Length is 0 or > 200)
        {
            return "empty or overlong name";
        }
        var segments = name.Split('/');
        if (segments.Length > 2)
        {
            return "nested deeper than one folder";
        }
        foreach (var segment in segments)
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                return "absolute or climbing path";
            }
            foreach (char c in segment)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                {
                    return $"character '{(char.IsControl(c) ? '?' : c)}' not allowed";
                }
            }
        }
        if (segments.Length == 2 && PhaseOf(name) is null)
        {
            return $"folder '{segments[0]}' is not before/, during/ or after/";
        }
        return null;
    }
}
