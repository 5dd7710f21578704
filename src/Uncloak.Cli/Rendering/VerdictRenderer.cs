using System.Globalization;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Core.Forensics.Localization;

namespace Uncloak.Cli.Rendering;

/// <summary>The terminal view of forensic verdicts: where the fault is, how sure, the ranked layers, the evidence and the reasoning.</summary>
public static class VerdictRenderer
{
    public static void Render(TextWriter o, IReadOnlyList<ForensicSource> sources)
    {
        foreach (var s in sources)
        {
            if (s.Manifest is { } m)
            {
                o.WriteLine($"Incident bundle {s.Inputs[0]}: {m.Id} on {m.Host} (kernel {m.Kernel}), " +
                    $"{m.Start.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z – {(m.End is { } end ? end.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z" : "open")}" +
                    (m.Probe.Length > 0 ? $", probe {m.Probe}" : ""));
            }
            else
            {
                o.WriteLine($"Dumps: {string.Join(", ", s.Inputs)}");
            }
            o.WriteLine($"  read: {(s.Kinds.Count > 0 ? string.Join(", ", s.Kinds.Select(k => k.Command())) : "no recognised dump")}" +
                (s.Malformed > 0 ? $"; {s.Malformed:N0} malformed line(s) skipped" : ""));
            var v = s.Verdict;
            o.WriteLine();
            o.WriteLine(v.Layer == Layer.Unknown
                ? "Verdict: unknown"
                : string.Create(CultureInfo.InvariantCulture, $"Verdict: {v.Layer.Name()} (confidence {v.Confidence:0.00})"));
            o.WriteLine("  " + v.Summary);
            if (v.Layers.Count > 0)
            {
                o.WriteLine("  Layers: " + string.Join(", ", v.Layers.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Layer.Name()} {l.Score:0.00}"))));
            }
            if (v.Evidence.Count > 0)
            {
                o.WriteLine("  Evidence:");
                foreach (var e in v.Evidence)
                {
                    o.WriteLine($"    [{e.Kind}] {e.Text}");
                }
            }
            o.WriteLine("  Reasoning:");
            foreach (var r in v.Reasoning)
            {
                o.WriteLine("    " + r);
            }
            if (s.Packets is { } packets)
            {
                o.WriteLine($"  Packets ({Core.Forensics.Bundles.BundleLayout.PacketsName}): {packets.Packets:N0} ({packets.TcpPackets:N0} TCP), {packets.Flows:N0} flows" +
                    (packets.Malformed > 0 ? $", {packets.Malformed:N0} malformed" : "") + (packets.Problem is { } why ? $"; {why}" : ""));
                foreach (var f in packets.Findings)
                {
                    o.WriteLine($"    [{f.Severity.ToString().ToLowerInvariant()}] {f.Title}: {f.Conclusion}");
                }
            }
            if (s.Manifest is { Files.Count: > 0 } bundle)
            {
                o.WriteLine("  Files: " + string.Join(", ", bundle.Files.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Name} ({f.Bytes:N0} B)"))));
            }
            foreach (var p in s.Problems)
            {
                o.WriteLine("  Not read: " + p);
            }
            o.WriteLine();
        }
    }
}
