using System.Globalization;
using Uncloak.Core.Forensics.Dumps;

namespace Uncloak.Core.Audit.Checks;

/// <summary>`shaper.drops`: no qdisc drops packets, and with <c>--sample</c> none drops or hits its limit while sampled.</summary>
public sealed class QdiscDropsCheck : QdiscCheck
{
    /// <summary>Drops per packet sent above which a single reading fails rather than warns.</summary>
    public const double FailRatio = 1e-3;

    public override string Id => "shaper.drops";
    public override Severity Severity => Severity.High;
    public override string Title => "No qdisc drops packets";
    public override string Expected => "dropped 0 (or static since an old event); overlimits not climbing on a queue that is not meant to shape";

    public override string Rationale =>
        "Every qdisc counts what it dropped (its queue full, or its AQM deciding) and how often it was over its limit or " +
        "rate (overlimits). Drops in a FIFO, a tbf or an htb mean the queue overflowed: the sender retransmits after a " +
        "timeout, and when it happens to SYN-ACKs and first answers the site looks down while the link is up — the shaper " +
        "layer the outage localizer names. Overlimits alone on a shaper (tbf, htb) say it is shaping, which is its job, " +
        "but climbing with drops they say the configured rate is what the users get. fq_codel, fq, cake, codel and pie drop " +
        "by design to keep delay low; their drops are judged leniently. The counters run since the qdisc was created; " +
        "`--sample SECONDS` reads them twice and judges the growth (climbing: fail; static: a warning about the past).";

    private static bool DropsByDesign(QdiscStats q) => q.Kind is "fq_codel" or "fq" or "cake" or "codel" or "pie" or "fq_pie" or "red" or "choke" or "sfb";

    protected override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot, QdiscStats qdisc)
    {
        string subject = SubjectOf(qdisc);
        if (!qdisc.HasStatistics)
        {
            yield return Skip($"{subject}: no statistics (tc was run without -s).", subject);
            yield break;
        }
        var inv = CultureInfo.InvariantCulture;
        string observed = string.Create(inv, $"sent {qdisc.SentPackets} pkt, dropped {qdisc.Drops}, overlimits {qdisc.Overlimits}, requeues {qdisc.Requeues}, backlog {qdisc.BacklogBytes}b {qdisc.BacklogPackets}p");
        var fix = Fix.Advice(
            $"See which limit it hits: tc -s -d qdisc show dev {qdisc.Device}; uncloak audit --only shaper.limits. Raise the queue or the rate, or replace a FIFO with fq_codel. " +
            "Then check the counters still climb: uncloak audit --only shaper.drops --sample 60");
        bool lenient = DropsByDesign(qdisc);
        if (snapshot.QdiscsBefore is { } before && snapshot.SampleInterval is { } interval)
        {
            var earlier = before.FirstOrDefault(b => b.Key == qdisc.Key && b.Kind == qdisc.Kind);
            string over = string.Create(inv, $"{interval.TotalSeconds:0} s");
            if (earlier is null || qdisc.Drops < earlier.Drops || qdisc.Overlimits < earlier.Overlimits)
            {
                yield return Skip($"{subject}: created or replaced while sampled; no growth to judge.", subject);
                yield break;
            }
            long drops = qdisc.Drops - earlier.Drops, overlimits = qdisc.Overlimits - earlier.Overlimits, sent = Math.Max(0, qdisc.SentPackets - earlier.SentPackets);
            string growth = string.Create(inv, $"; +{drops} dropped, +{overlimits} overlimits, +{sent} sent in {over}");
            if (drops > 0)
            {
                yield return lenient
                    ? Warn(observed + growth, fix, subject, $"{qdisc.Kind} dropped while sampled: its AQM keeping delay down, or its limit reached under load.")
                    : NotMet(observed + growth, fix, subject, "Dropping now: the queue overflows while sampled, and the packets it drops are lost to their senders until a retransmission timeout.");
            }
            else if (qdisc.Drops > 0)
            {
                yield return Warn(observed + growth, fix, subject, $"No drops in {over}: the {qdisc.Drops} since the qdisc was created are a past event.");
            }
            else
            {
                yield return Pass(observed + growth, subject);
            }
            yield break;
        }
        if (qdisc.Drops == 0)
        {
            yield return Pass(observed, subject);
            yield break;
        }
        double ratio = (double)qdisc.Drops / Math.Max(1, qdisc.SentPackets + qdisc.Drops);
        string detail = string.Create(inv, $"{ratio:0.######} of its packets dropped since it was created");
        if (!lenient && ratio >= FailRatio)
        {
            yield return NotMet(observed, fix, subject, detail + ": the queue overflows routinely. Sample (--sample 60) to see whether it still does.");
        }
        else
        {
            yield return Warn(observed, fix, subject, detail + (lenient ? $"; {qdisc.Kind} drops by design, so only a high or climbing rate matters." : ". Sample again (--sample 60) to see whether they climb."));
        }
    }
}
