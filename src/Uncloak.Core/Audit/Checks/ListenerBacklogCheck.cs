namespace Uncloak.Core.Audit.Checks;

/// <summary>`listener.backlog`: a web listener with a backlog big enough to absorb a burst.</summary>
public sealed class ListenerBacklogCheck : AuditCheck
{
    public const int TinyBelow = 128;
    public const int SmallBelow = 511;
    private static readonly int[] WebPorts = [80, 443];

    public override string Id => "listener.backlog";
    public override AuditGroup Group => AuditGroup.Services;
    public override Severity Severity => Severity.High;
    public override string Title => "Web listeners have a real backlog";
    public override string Expected => "listen backlog ≥ 511 on ports 80 and 443 (128 at the very least)";

    public override string Rationale =>
        "The backlog a server passes to listen() (capped by net.core.somaxconn) is the number of connections the kernel " +
        "will hold for it: finished handshakes waiting for accept(), and half-open ones in the SYN queue. A tiny backlog " +
        "(some configurations ship 5, 16 or 64) means a burst of a few dozen clients overflows it: the kernel drops their " +
        "final ACKs (ListenOverflows), they retransmit after a second or more, and the SYN queue fills so early that the " +
        "host sends SYN cookies at ordinary traffic levels and logs \"Possible SYN flooding\" when there is no flood. The " +
        "value is set in the application, not in the kernel: nginx `listen 443 ssl backlog=4096;` (default 511), Apache " +
        "`ListenBacklog 4096` (default 511), HAProxy `backlog`, or the language runtime's listen() call.";

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        if (!snapshot.ListenersKnown)
        {
            yield return Skip("the listener table (/proc/net/tcp, tcp6) is not readable.");
            yield break;
        }
        var web = snapshot.Listeners.Where(l => WebPorts.Contains(l.Port)).ToList();
        if (web.Count == 0)
        {
            yield return Skip("no TCP listener on port 80 or 443.");
            yield break;
        }
        long somaxconn = snapshot.Int("net.core.somaxconn") ?? 4096;
        foreach (var l in web)
        {
            string observed = $"backlog {l.Backlog}, {l.AcceptQueue} waiting for accept() now";
            var fix = Fix.Advice(
                $"Raise the backlog in the server's configuration (nginx: listen {l.Port} backlog=4096; Apache: ListenBacklog 4096) and restart it. " +
                $"The kernel caps it at net.core.somaxconn (now {somaxconn}).");
            if (l.Backlog < TinyBelow)
            {
                yield return NotMet(observed, fix, l.ToString(), $"A burst of {l.Backlog + 1} connections overflows this listener; the host will send SYN cookies and log \"Possible SYN flooding\" under ordinary load.");
            }
            else if (l.Backlog < SmallBelow && l.Backlog < somaxconn)
            {
                yield return Warn(observed, fix, l.ToString(), "Smaller than the common server default (511): bursts overflow it sooner than they need to.");
            }
            else if (l.AcceptQueue * 2 >= l.Backlog && l.Backlog > 0)
            {
                yield return Warn(observed, Fix.Advice("The application is not accepting fast enough right now: add workers or find what blocks them."), l.ToString(),
                    "The accept queue is at least half full at this moment.");
            }
            else
            {
                yield return Pass(observed, l.ToString());
            }
        }
    }
}
