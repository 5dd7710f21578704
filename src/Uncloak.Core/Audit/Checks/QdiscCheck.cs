using Uncloak.Core.Forensics.Dumps;

namespace Uncloak.Core.Audit.Checks;

/// <summary>A check of every qdisc that queues (not <c>noqueue</c>); Skip when the qdiscs could not be read or none queues.</summary>
public abstract class QdiscCheck : AuditCheck
{
    public override AuditGroup Group => AuditGroup.Shaper;

    protected abstract IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot, QdiscStats qdisc);

    /// <summary>Whether this check has anything to say about <paramref name="qdisc"/>; the others are left out of the report.</summary>
    protected virtual bool Judges(QdiscStats qdisc) => true;

    /// <summary>Why nothing was judged when every queueing qdisc was left out by <see cref="Judges"/>.</summary>
    protected virtual string NothingToJudge => "no qdisc queues packets here (only noqueue, ingress or loopback).";

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        if (!snapshot.QdiscsKnown)
        {
            return [Skip("qdiscs not read: " + (snapshot.QdiscProblem ?? "no tc -s qdisc output in this snapshot (ROOT/tc/qdisc.txt)") + ".")];
        }
        var queues = snapshot.Qdiscs.Where(q => q.Kind is not ("noqueue" or "ingress" or "clsact") && q.Device != "lo").ToList();
        if (queues.Count == 0)
        {
            return [Skip("no qdisc queues packets here (only noqueue, ingress or loopback).")];
        }
        var judged = queues.Where(Judges).ToList();
        if (judged.Count == 0)
        {
            return [Skip(NothingToJudge + " Seen: " + string.Join(", ", queues.Select(SubjectOf)) + ".")];
        }
        return judged.SelectMany(q => Evaluate(snapshot, q));
    }

    /// <summary>"eth0 tbf 8001: root": the interface, the kind, the handle and where it hangs.</summary>
    protected static string SubjectOf(QdiscStats q) => $"{(q.Device.Length > 0 ? q.Device : "?")} {q.Kind} {q.Handle} {q.Parent}".TrimEnd();

    /// <summary>A full Ethernet frame on the qdisc's interface: its MTU (1500 when unknown) plus the 14-byte header.</summary>
    protected static long FrameBytes(SystemSnapshot snapshot, QdiscStats q) =>
        (snapshot.Interfaces.FirstOrDefault(i => i.Name == q.Device)?.Mtu ?? 1500) + 14;

    /// <summary>
    /// The rate the qdisc's queue drains at, in bytes per second: a tbf's own rate; for a root qdisc the link speed; for
    /// a child of <c>mq</c> the link speed shared by its siblings (one per transmit queue). Null when unknown (a virtual
    /// link without speed, a child of a shaper's class).
    /// </summary>
    protected static double? DrainRate(SystemSnapshot snapshot, QdiscStats q, QdiscSettings settings)
    {
        if (settings.RateBytesPerSecond is { } rate)
        {
            return rate;
        }
        if (snapshot.Interfaces.FirstOrDefault(i => i.Name == q.Device)?.SpeedMbps is not { } mbps)
        {
            return null;
        }
        double link = mbps * 1e6 / 8;
        if (q.Parent == "root")
        {
            return link;
        }
        // "parent 8001:3" under "qdisc mq 8001: root", or "parent :3" under "qdisc mq 0: root": one child per transmit queue.
        int colon = q.Parent.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            string major = Major(q.Parent[..colon]);
            if (snapshot.Qdiscs.Any(m => m.Device == q.Device && m.Kind == "mq" && Major(m.Handle.TrimEnd(':')) == major))
            {
                int children = snapshot.Qdiscs.Count(c => c.Device == q.Device && c.Parent.IndexOf(':', StringComparison.Ordinal) is int k && k >= 0 && Major(c.Parent[..k]) == major);
                return link / Math.Max(1, children);
            }
        }
        return null;
    }

    /// <summary>A handle's major number as tc prints it: "" and "0" are the same.</summary>
    private static string Major(string text) => text.Length == 0 ? "0" : text;
}
