using System.Globalization;
using Uncloak.Core.Forensics.Dumps;

namespace Uncloak.Core.Audit.Checks;

/// <summary>`shaper.limits`: every queue and bucket is big enough for the link it feeds.</summary>
public sealed class QdiscLimitsCheck : QdiscCheck
{
    /// <summary>
    /// Full frames a queue must hold at least: TCP's initial window (RFC 6928, 10 segments) arrives back to back, and a
    /// queue that cannot take it drops the first answer of every new connection.
    /// </summary>
    public const int MinFrames = 10;

    /// <summary>Time of the drain rate a queue must hold at least: the bursts of one RTT (a TSO aggregate, a window opening) arrive in far less.</summary>
    public static readonly TimeSpan MinQueueTime = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// The timer tick a token bucket must cover: tbf refills when its watchdog fires, so a bucket below rate/HZ cannot
    /// reach its rate. 1000 Hz is the most lenient kernel setting (a 250 Hz kernel needs four times the bucket).
    /// </summary>
    public const int Hz = 1000;

    public override string Id => "shaper.limits";
    public override Severity Severity => Severity.High;
    public override string Title => "Qdisc queues and buckets are big enough for the link";
    public override string Expected => $"tbf burst ≥ one full frame and ≥ rate/HZ (HZ {Hz}); every queue ≥ {MinFrames} full frames and ≥ {MinQueueTime.TotalMilliseconds:0} ms of the rate it drains at";

    public override string Rationale =>
        "A shaper or queue sized for another link drops packets while the link is idle, and the outage looks like the " +
        "network's fault. tbf passes a packet only when its bucket (burst) holds the whole frame: a burst below one frame " +
        "drops every full-sized packet (the kernel warns \"sch_tbf: burst … is lower than device … mtu\"), and a bucket " +
        "below rate/HZ cannot reach the configured rate because it refills only once per timer tick. A queue (tbf's limit, " +
        "which tc shows as the latency it adds; pfifo/bfifo's limit; fq_codel's and fq's limit in packets) must absorb the " +
        "bursts TCP sends: the ten segments of an initial window back to back, and a few milliseconds of the rate it drains " +
        "at (a tbf's rate, else the link speed shared by the transmit queues). Smaller queues drop bursts at any load; " +
        "qdisc drops climbing (shaper.drops) are the symptom, and the localizer names the shaper layer for outages they cause.";

    /// <summary>The kinds whose limits tc prints; mq, pfifo_fast (txqueuelen), htb and prio keep theirs in classes or elsewhere.</summary>
    protected override bool Judges(QdiscStats qdisc) => qdisc.Kind is "tbf" or "pfifo" or "bfifo" or "fq_codel" or "fq" or "codel" or "fq_pie" or "pie";

    protected override string NothingToJudge => "no qdisc whose limits tc shows (tbf, pfifo, bfifo, fq_codel, fq, codel, pie): mq, pfifo_fast, htb and prio keep theirs in classes or txqueuelen.";

    protected override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot, QdiscStats qdisc)
    {
        string subject = SubjectOf(qdisc);
        var settings = QdiscSettings.Of(qdisc);
        long frame = FrameBytes(snapshot, qdisc);
        double? drain = DrainRate(snapshot, qdisc, settings);
        long? queueBytes = settings.LimitBytes ?? settings.LimitPackets * frame;
        if (queueBytes is null)
        {
            yield return Skip($"{subject}: no limit in its options ('{qdisc.Options}').", subject);
            yield break;
        }
        var inv = CultureInfo.InvariantCulture;
        string observed = qdisc.Options.Length > 0 ? qdisc.Options.Trim() : qdisc.Kind;
        var problems = new List<string>();
        if (qdisc.Kind == "tbf" && settings.BurstBytes is { } burst)
        {
            if (burst < frame)
            {
                problems.Add(string.Create(inv, $"burst {burst} B is smaller than one full frame ({frame} B): every full-sized packet is dropped"));
            }
            if (settings.RateBytesPerSecond is { } rate && burst < rate / Hz)
            {
                problems.Add(string.Create(inv, $"burst {burst} B is below rate/HZ ({rate / Hz:0} B at {Hz} Hz): the bucket cannot reach the rate"));
            }
        }
        if (queueBytes.Value < frame)
        {
            problems.Add(string.Create(inv, $"its queue of {queueBytes} B cannot hold one full frame ({frame} B): every packet that has to wait is dropped"));
        }
        // A tbf's bucket lets its burst through at once; the queue behind it holds the rest.
        long holds = queueBytes.Value + (qdisc.Kind == "tbf" ? settings.BurstBytes ?? 0 : 0);
        if (holds < MinFrames * frame)
        {
            problems.Add(string.Create(inv, $"it holds {holds} B ({(double)holds / frame:0.#} full frames), fewer than the {MinFrames} of a TCP initial window"));
        }
        if (drain is { } d && queueBytes.Value < d * MinQueueTime.TotalSeconds)
        {
            problems.Add(string.Create(inv, $"its queue of {queueBytes} B drains in {queueBytes.Value / d * 1000:0.##} ms at {d * 8 / 1e6:0.###} Mbit/s, less than {MinQueueTime.TotalMilliseconds:0} ms"));
        }
        if (problems.Count == 0)
        {
            yield return Pass(observed, subject);
            yield break;
        }
        var fix = Fix.Advice(qdisc.Kind switch
        {
            "tbf" => $"Give the bucket and the queue room, e.g. tc qdisc replace dev {qdisc.Device} {ParentArgument(qdisc)} tbf rate RATE burst {Math.Max(frame * 2, (long)((settings.RateBytesPerSecond ?? 0) / 250))} latency 50ms (burst ≥ rate/250 covers a 250 Hz kernel).",
            "pfifo" or "bfifo" => $"Raise the limit, or replace it: tc qdisc replace dev {qdisc.Device} {ParentArgument(qdisc)} fq_codel",
            _ => $"Raise the limit (the default of {qdisc.Kind} is ample): tc qdisc replace dev {qdisc.Device} {ParentArgument(qdisc)} {qdisc.Kind}",
        });
        yield return NotMet(observed, fix, subject, string.Join("; ", problems) + ".");
    }

    private static string ParentArgument(QdiscStats q) => q.Parent == "root" ? "root" : "parent " + q.Parent;
}
