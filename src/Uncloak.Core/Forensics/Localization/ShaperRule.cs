using Uncloak.Core.Forensics.Dumps;

namespace Uncloak.Core.Forensics.Localization;

/// <summary>
/// <c>shaper</c>: a qdisc dropped or held back packets while the link was up: drops and overlimits climbing on a
/// shaping qdisc (tbf, htb, hfsc, cake, netem), or drops a large share of what it sent.
/// </summary>
public sealed class ShaperRule : LayerRule
{
    private static readonly HashSet<string> Shapers = ["tbf", "htb", "hfsc", "cake", "netem", "cbq", "police"];

    /// <summary>Share of packets dropped from which a qdisc is the bottleneck, not an AQM doing its job.</summary>
    public const double DropShare = 0.01;

    public override Layer Layer => Layer.Shaper;

    protected override void Apply(IncidentEvidence e, LayerFinding f)
    {
        if (e.Moment is not { } moment)
        {
            return;
        }
        foreach (var q in moment.Qdiscs.Where(q => q.HasStatistics && q.Device != "lo"))
        {
            var before = e.QdiscBefore(q);
            long drops = before is null ? q.Drops : q.Drops - before.Drops;
            long overlimits = before is null ? q.Overlimits : q.Overlimits - before.Overlimits;
            long packets = before is null ? q.SentPackets : q.SentPackets - before.SentPackets;
            bool shaper = Shapers.Contains(q.Kind);
            double share = (double)drops / Math.Max(1, packets + drops);
            if (drops <= 0 || (!shaper && share < DropShare))
            {
                continue;
            }
            string where = $"qdisc {q.Kind} {q.Handle} on {(q.Device.Length > 0 ? q.Device : "?")}";
            string numbers = $"{where}: {(before is null ? "" : "+")}{drops:N0} dropped, {(before is null ? "" : "+")}{overlimits:N0} overlimits, " +
                $"{share:P1} of its packets{(before is null ? " since it was created" : " during the outage")}; backlog {q.BacklogPackets}p {q.BacklogBytes:N0}b{(q.Options.Length > 0 ? $" ({q.Options})" : "")}";
            double weight = (before is null ? 0.35 : 0.6) + (shaper ? 0.2 : 0) + (overlimits > 0 ? 0.1 : 0);
            f.Support(weight, "qdisc", numbers,
                shaper
                    ? $"The {q.Kind} shaper on {q.Device} dropped {share:P1} of its packets{(overlimits > 0 ? " and was over its rate" : "")}: the shaper's rate or limit is the bottleneck."
                    : $"{where} dropped {share:P1} of its packets: its queue limit is too small for the traffic.");
        }
        if (f.Score > 0 && moment.Links.Any(l => l.Name != "lo" && l.AdminUp && !l.Carrier))
        {
            f.Weaken(0.5, "A link was down at the same time: drops in its qdisc may be the NIC's fault, not the shaper's.");
        }
    }
}
