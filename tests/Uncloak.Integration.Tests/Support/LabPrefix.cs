using System.Text.Json;
using Uncloak.Lab.Topology;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// The lab's namespace prefix for tests: <c>uc-t-lab{pid}-</c>, so a developer's own <c>uncloak lab</c> and other engineers'
/// test runs are never touched. Leftovers of a run whose process is gone are removed before a new one starts.
/// </summary>
public static class LabPrefix
{
    private const string Stem = "uc-t-lab";

    public static LabNames ForThisRun()
    {
        RemoveLeftovers();
        return new LabNames($"{Stem}{Environment.ProcessId}-");
    }

    private static void RemoveLeftovers()
    {
        string json = Command.Run("ip", check: false, "-j", "netns", "list");
        if (string.IsNullOrWhiteSpace(json))
        {
            return;
        }
        var deadPrefixes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ns in JsonDocument.Parse(json).RootElement.EnumerateArray())
        {
            if (ns.GetProperty("name").GetString() is not { } name || !name.StartsWith(Stem, StringComparison.Ordinal))
            {
                continue;
            }
            int dash = name.IndexOf('-', Stem.Length);
            if (dash > Stem.Length && int.TryParse(name.AsSpan(Stem.Length, dash - Stem.Length), out int pid) && !Directory.Exists($"/proc/{pid}"))
            {
                deadPrefixes.Add(name[..(dash + 1)]);
            }
        }
        foreach (var prefix in deadPrefixes)
        {
            LabTopology.Down(new LabNames(prefix));
        }
    }

    /// <summary>The lab namespaces of <paramref name="names"/> that exist now.</summary>
    public static IReadOnlyList<string> Existing(LabNames names) => [.. LabTopology.Existing(names).Order()];
}
