using System.Text;
using Uncloak.Core.Text;
using static Uncloak.Core.Forensics.Dumps.DumpText;

namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// <c>tc -s qdisc</c> output (iproute2 <c>tc/tc_qdisc.c</c>, <c>tc/tc_util.c</c>): <c>qdisc KIND HANDLE: [dev IF] root|parent
/// X:Y [refcnt N] OPTIONS</c>, then <c> Sent B bytes P pkt (dropped D, overlimits O requeues R)</c> and <c> backlog Sb Qp
/// requeues R</c> (older tc: <c> rate 0bit 0pps backlog 0b 0p requeues 0</c>), then the qdisc's own indented xstats.
/// </summary>
internal sealed class QdiscParser(DumpEvidence into, string device) : DumpParser(into)
{
    private QdiscStats? _current;

    public override DumpKind Kind => DumpKind.TcQdisc;

    public static bool IsHeader(ReadOnlySpan<byte> line) => line.StartsWith("qdisc "u8);

    public override DumpLine Feed(ReadOnlySpan<byte> line)
    {
        if (IsHeader(line))
        {
            return ReadHeader(line);
        }
        if (_current is null || !IsIndented(line))
        {
            return DumpLine.NotMine;
        }
        var rest = line;
        while (TryNextToken(ref rest, out var token))
        {
            if (token.SequenceEqual("Sent"u8))
            {
                if (!TryNextToken(ref rest, out var bytes) || !TryLong(bytes, out long b))
                {
                    return DumpLine.Malformed;
                }
                _current.SentBytes = b;
                _current.HasStatistics = true;
            }
            else if (token.SequenceEqual("pkt"u8))
            {
                continue;
            }
            else if (token.SequenceEqual("bytes"u8))
            {
                if (!TryNextToken(ref rest, out var packets) || !TryLong(packets, out long p))
                {
                    return DumpLine.Malformed;
                }
                _current.SentPackets = p;
            }
            else if (token.SequenceEqual("(dropped"u8) || token.SequenceEqual("overlimits"u8) || token.SequenceEqual("requeues"u8))
            {
                if (!TryNumber(ref rest, out long n))
                {
                    return DumpLine.Malformed;
                }
                switch (token[0])
                {
                    case (byte)'(':
                        _current.Drops = n;
                        break;
                    case (byte)'o':
                        _current.Overlimits = n;
                        break;
                    default:
                        _current.Requeues = n;
                        break;
                }
            }
            else if (token.SequenceEqual("backlog"u8))
            {
                if (!TryNextToken(ref rest, out var size) || !TrySize(size, out long bb)
                    || !TryNextToken(ref rest, out var count) || !count.EndsWith("p"u8) || !TryLong(count[..^1], out long bp))
                {
                    return DumpLine.Malformed;
                }
                _current.BacklogBytes = bb;
                _current.BacklogPackets = bp;
            }
            else
            {
                // xstats of the qdisc (maxpacket, drop_overlimit, new_flow_count…) and the rate estimator: not read.
                break;
            }
        }
        return DumpLine.Taken;
    }

    /// <summary>A number followed by <c>,</c> or <c>)</c> as the Sent line prints them.</summary>
    private static bool TryNumber(ref ReadOnlySpan<byte> rest, out long value)
    {
        value = 0;
        if (!TryNextToken(ref rest, out var token))
        {
            return false;
        }
        token = token.TrimEnd(",)"u8);
        return TryLong(token, out value);
    }

    private DumpLine ReadHeader(ReadOnlySpan<byte> line)
    {
        var rest = line["qdisc "u8.Length..];
        if (!TryNextToken(ref rest, out var kind) || !TryNextToken(ref rest, out var handle) || !handle.EndsWith(":"u8))
        {
            _current = null;
            return DumpLine.Malformed;
        }
        var qdisc = new QdiscStats { Kind = Name(kind), Handle = Name(handle), Device = device };
        var options = new StringBuilder();
        while (TryNextToken(ref rest, out var token))
        {
            if (token.SequenceEqual("dev"u8) && TryNextToken(ref rest, out var dev))
            {
                qdisc.Device = Name(dev);
            }
            else if (token.SequenceEqual("root"u8) || token.SequenceEqual("ingress"u8) || token.SequenceEqual("clsact"u8))
            {
                qdisc.Parent = Name(token);
            }
            else if (token.SequenceEqual("parent"u8) && TryNextToken(ref rest, out var parent))
            {
                qdisc.Parent = Name(parent);
            }
            else if (token.SequenceEqual("refcnt"u8) && TryNextToken(ref rest, out _))
            {
                continue;
            }
            else
            {
                options.Append(options.Length > 0 ? " " : "").Append(Name(token));
            }
        }
        qdisc.Options = options.ToString();
        Into.Qdiscs.Add(qdisc);
        _current = qdisc;
        return DumpLine.Taken;
    }
}
