using System.Globalization;
using Uncloak.Core.Forensics.Dumps;

namespace Uncloak.Core.Forensics.Capture;

/// <summary>
/// Writes qdiscs read over rtnetlink in <c>tc -s qdisc show</c>'s shape (iproute2 <c>tc/tc_qdisc.c</c>): a header line
/// <c>qdisc KIND HANDLE dev IF root|parent X OPTIONS</c>, then <c> Sent B bytes P pkt (dropped D, overlimits O requeues
/// R)</c> and <c> backlog Bb Pp requeues R</c>. A bundle's <c>tc.txt</c> keeps one format whatever read it, so
/// <c>analyze</c> on another machine and old bundles read the same way (<see cref="QdiscParser"/>).
/// </summary>
public static class TcQdiscText
{
    /// <summary>Writes every qdisc in the order given (the kernel's dump order, as tc prints it).</summary>
    public static void Write(TextWriter output, IEnumerable<QdiscStats> qdiscs)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(qdiscs);
        var inv = CultureInfo.InvariantCulture;
        foreach (var q in qdiscs)
        {
            output.Write("qdisc ");
            output.Write(q.Kind.Length > 0 ? q.Kind : "unknown");
            output.Write(' ');
            output.Write(q.Handle);
            if (q.Device.Length > 0)
            {
                output.Write(" dev ");
                output.Write(q.Device);
            }
            if (q.Parent is "root" or "ingress")
            {
                output.Write(' ');
                output.Write(q.Parent);
            }
            else if (q.Parent.Length > 0)
            {
                output.Write(" parent ");
                output.Write(q.Parent);
            }
            if (q.Options.Length > 0)
            {
                output.Write(' ');
                output.Write(q.Options);
            }
            output.Write('\n');
            if (q.HasStatistics)
            {
                output.Write(string.Create(inv, $" Sent {q.SentBytes} bytes {q.SentPackets} pkt (dropped {q.Drops}, overlimits {q.Overlimits} requeues {q.Requeues}) \n"));
                output.Write(string.Create(inv, $" backlog {q.BacklogBytes}b {q.BacklogPackets}p requeues {q.Requeues}\n"));
            }
        }
    }
}
