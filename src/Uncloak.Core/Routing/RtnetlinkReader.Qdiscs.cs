using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Uncloak.Core.Forensics.Dumps;

namespace Uncloak.Core.Routing;

/// <summary>
/// The qdisc dump (<c>RTM_NEWQDISC</c> replies to <c>RTM_GETQDISC</c>), read into the same <see cref="QdiscStats"/> the
/// <c>tc -s qdisc</c> text parser fills. Layouts from the kernel's uapi headers: <c>struct tcmsg</c> and <c>enum TCA_*</c>
/// (include/uapi/linux/rtnetlink.h), <c>struct gnet_stats_basic</c>/<c>gnet_stats_queue</c> and <c>enum TCA_STATS_*</c>
/// (include/uapi/linux/gen_stats.h), <c>struct tc_stats</c>, <c>struct tc_tbf_qopt</c>/<c>tc_ratespec</c>,
/// <c>struct tc_fifo_qopt</c> and the <c>TC_H_*</c> handles (include/uapi/linux/pkt_sched.h).
/// </summary>
public sealed partial class RtnetlinkReader
{
    // gnet_stats_basic { u64 bytes; u32 packets; } — the kernel copies sizeof() = 16 with padding, 12 bytes are data.
    private const int GnetStatsBasicSize = 12;

    // gnet_stats_queue { u32 qlen, backlog, drops, requeues, overlimits; }
    private const int GnetStatsQueueSize = 20;

    // tc_stats { u64 bytes; u32 packets, drops, overlimits, bps, pps, qlen, backlog; } (36 bytes of data)
    private const int TcStatsSize = 36;

    // gen_stats.h: the packet count in 64 bits, sent only when it no longer fits gnet_stats_basic's u32.
    private const ushort TCA_STATS_PKT64 = 8;

    // pkt_sched.h enum TCA_TBF_*: PARMS is struct tc_tbf_qopt; RATE64 the rate when it is 2^32 bytes/s or more.
    private const ushort TCA_TBF_PARMS = 1;
    private const ushort TCA_TBF_RATE64 = 4;

    // tc_tbf_qopt { tc_ratespec rate (12 bytes: u8 cell_log, u8 linklayer, u16 overhead, s16 cell_align, u16 mpu,
    // u32 rate); tc_ratespec peakrate; u32 limit; u32 buffer; u32 mtu; }
    private const int TbfQoptSize = 36;

    // include/net/pkt_sched.h PSCHED_SHIFT: a scheduler tick is 64 ns (what /proc/net/psched's 000003e8 00000040 says).
    private const double NanosecondsPerTick = 64;

    /// <summary>Bounded list of what was skipped in qdisc messages (an attribute too short, a nest that does not add up).</summary>
    public List<string> Problems { get; } = [];

    private const int MaxProblems = 20;

    /// <summary>
    /// Decodes one datagram of a qdisc dump into <paramref name="qdiscs"/>; <paramref name="interfaceName"/> names an
    /// ifindex (null when it is gone: the qdisc is kept with <c>ifN</c>). Messages of another sequence are skipped.
    /// </summary>
    public Sockets.SockDiagStatus ReadQdiscs(ReadOnlySpan<byte> datagram, List<QdiscStats> qdiscs, uint sequence, Func<int, string?> interfaceName)
        => Walk(datagram, sequence, Rtnetlink.RTM_NEWQDISC, m => TryReadQdisc(m, qdiscs, interfaceName));

    /// <summary><c>struct tcmsg</c> then TCA_* attributes; false only when the message itself is cut.</summary>
    private bool TryReadQdisc(ReadOnlySpan<byte> message, List<QdiscStats> qdiscs, Func<int, string?> interfaceName)
    {
        if (message.Length < Rtnetlink.TcmsgSize)
        {
            return false;
        }
        int ifindex = BinaryPrimitives.ReadInt32LittleEndian(message[4..]);
        uint handle = BinaryPrimitives.ReadUInt32LittleEndian(message[8..]);
        uint parent = BinaryPrimitives.ReadUInt32LittleEndian(message[12..]);
        var qdisc = new QdiscStats
        {
            Device = interfaceName(ifindex) ?? "if" + ifindex.ToString(CultureInfo.InvariantCulture),
            Handle = HandleText(handle),
            Parent = ParentText(parent),
        };
        // Sliced from the message (not default) so the spans may hold attribute values read from it.
        var options = message[..0];
        bool hasStats2 = false;
        var stats = message[..0];
        var attributes = message[Rtnetlink.TcmsgSize..];
        while (TryNextAttribute(ref attributes, out ushort kind, out var value, out bool bad))
        {
            if (bad)
            {
                // The rest of the message cannot be walked; what was read so far is kept.
                Note($"{qdisc.Device} {qdisc.Handle}: an attribute's length runs past its message");
                break;
            }
            switch (kind)
            {
                case Rtnetlink.TCA_KIND:
                    qdisc.Kind = Encoding.ASCII.GetString(value.TrimEnd((byte)0));
                    break;
                case Rtnetlink.TCA_OPTIONS:
                    options = value;
                    break;
                case Rtnetlink.TCA_STATS2:
                    hasStats2 = true;
                    ReadStats2(value, qdisc);
                    break;
                case Rtnetlink.TCA_STATS:
                    stats = value;
                    break;
            }
        }
        if (!hasStats2 && !stats.IsEmpty)
        {
            ReadTcStats(stats, qdisc);
        }
        qdisc.Options = OptionsText(qdisc, options);
        qdiscs.Add(qdisc);
        return true;
    }

    /// <summary>TCA_STATS2's nest: the basic counters and the queue's.</summary>
    private void ReadStats2(ReadOnlySpan<byte> nest, QdiscStats qdisc)
    {
        while (TryNextAttribute(ref nest, out ushort kind, out var value, out bool bad))
        {
            if (bad)
            {
                Note($"{qdisc.Device} {qdisc.Handle}: TCA_STATS2 does not add up");
                return;
            }
            switch (kind)
            {
                case Rtnetlink.TCA_STATS_BASIC when value.Length >= GnetStatsBasicSize:
                    qdisc.SentBytes = (long)BinaryPrimitives.ReadUInt64LittleEndian(value);
                    // PKT64, when present, comes after and overrides the wrapped 32-bit count.
                    if (!qdisc.HasStatistics || qdisc.SentPackets == 0)
                    {
                        qdisc.SentPackets = BinaryPrimitives.ReadUInt32LittleEndian(value[8..]);
                    }
                    qdisc.HasStatistics = true;
                    break;
                case TCA_STATS_PKT64 when value.Length >= 8:
                    qdisc.SentPackets = (long)BinaryPrimitives.ReadUInt64LittleEndian(value);
                    break;
                case Rtnetlink.TCA_STATS_QUEUE when value.Length >= GnetStatsQueueSize:
                    qdisc.BacklogPackets = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    qdisc.BacklogBytes = BinaryPrimitives.ReadUInt32LittleEndian(value[4..]);
                    qdisc.Drops = BinaryPrimitives.ReadUInt32LittleEndian(value[8..]);
                    qdisc.Requeues = BinaryPrimitives.ReadUInt32LittleEndian(value[12..]);
                    qdisc.Overlimits = BinaryPrimitives.ReadUInt32LittleEndian(value[16..]);
                    break;
                case Rtnetlink.TCA_STATS_BASIC or Rtnetlink.TCA_STATS_QUEUE or TCA_STATS_PKT64:
                    Note($"{qdisc.Device} {qdisc.Handle}: statistics attribute {kind} of {value.Length} bytes, too short; skipped");
                    break;
            }
        }
    }

    /// <summary>The old TCA_STATS (<c>struct tc_stats</c>), for kernels that send no TCA_STATS2; it has no requeue count.</summary>
    private void ReadTcStats(ReadOnlySpan<byte> value, QdiscStats qdisc)
    {
        if (value.Length < TcStatsSize)
        {
            Note($"{qdisc.Device} {qdisc.Handle}: TCA_STATS of {value.Length} bytes, too short; skipped");
            return;
        }
        qdisc.SentBytes = (long)BinaryPrimitives.ReadUInt64LittleEndian(value);
        qdisc.SentPackets = BinaryPrimitives.ReadUInt32LittleEndian(value[8..]);
        qdisc.Drops = BinaryPrimitives.ReadUInt32LittleEndian(value[12..]);
        qdisc.Overlimits = BinaryPrimitives.ReadUInt32LittleEndian(value[16..]);
        qdisc.BacklogPackets = BinaryPrimitives.ReadUInt32LittleEndian(value[28..]);
        qdisc.BacklogBytes = BinaryPrimitives.ReadUInt32LittleEndian(value[32..]);
        qdisc.HasStatistics = true;
    }

    /// <summary>
    /// The options as tc prints them, for the kinds the audit judges by their limits: tbf (<c>rate R burst Bb limit Lb</c>;
    /// tc prints the limit as a latency unless -d, <see cref="Audit.QdiscSettings"/> reads either) and the FIFOs
    /// (<c>limit Np</c>, <c>limit Nb</c>). Other kinds: "" (their options are not decoded).
    /// </summary>
    private string OptionsText(QdiscStats qdisc, ReadOnlySpan<byte> options)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (qdisc.Kind)
        {
            case "pfifo" or "bfifo" when options.Length >= 4:
                // tc_fifo_qopt { u32 limit; }, not nested.
                uint limit = BinaryPrimitives.ReadUInt32LittleEndian(options);
                return "limit " + limit.ToString(inv) + (qdisc.Kind == "pfifo" ? "p" : "b");
            case "tbf":
                var parms = options[..0];
                ulong rate64 = 0;
                while (TryNextAttribute(ref options, out ushort kind, out var value, out bool bad))
                {
                    if (bad)
                    {
                        Note($"{qdisc.Device} {qdisc.Handle}: tbf options do not add up");
                        return "";
                    }
                    if (kind == TCA_TBF_PARMS)
                    {
                        parms = value;
                    }
                    else if (kind == TCA_TBF_RATE64 && value.Length >= 8)
                    {
                        rate64 = BinaryPrimitives.ReadUInt64LittleEndian(value);
                    }
                }
                if (parms.Length < TbfQoptSize)
                {
                    Note($"{qdisc.Device} {qdisc.Handle}: no tc_tbf_qopt in the tbf options");
                    return "";
                }
                ulong rate = rate64 > 0 ? rate64 : BinaryPrimitives.ReadUInt32LittleEndian(parms[8..]);
                uint bytesLimit = BinaryPrimitives.ReadUInt32LittleEndian(parms[24..]);
                uint buffer = BinaryPrimitives.ReadUInt32LittleEndian(parms[28..]);
                // tc's tc_calc_xmitsize: the bucket is the bytes the rate sends in the buffer's time.
                long burst = (long)Math.Round(rate * (buffer * NanosecondsPerTick) / 1e9);
                return $"rate {RateText(rate * 8)} burst {burst.ToString(inv)}b limit {bytesLimit.ToString(inv)}b";
            default:
                return "";
        }
    }

    /// <summary>A rate in bits per second as tc's sprint_rate prints it (SI units, the largest that divides it evenly).</summary>
    internal static string RateText(ulong bitsPerSecond)
    {
        string[] units = ["bit", "Kbit", "Mbit", "Gbit", "Tbit"];
        int i = 0;
        while (i < units.Length - 1 && bitsPerSecond >= 1000 && bitsPerSecond % 1000 == 0)
        {
            bitsPerSecond /= 1000;
            i++;
        }
        return bitsPerSecond.ToString(CultureInfo.InvariantCulture) + units[i];
    }

    /// <summary>A qdisc handle as tc prints it: the major number in hex and a colon (<c>8001:</c>, <c>0:</c>).</summary>
    internal static string HandleText(uint handle) => (handle >> 16).ToString("x", CultureInfo.InvariantCulture) + ":";

    /// <summary>tc's parent: <c>root</c>, <c>ingress</c>, a class id <c>major:minor</c> in hex, or "" when unset.</summary>
    internal static string ParentText(uint parent)
    {
        var inv = CultureInfo.InvariantCulture;
        uint major = parent >> 16, minor = parent & 0xFFFF;
        return parent switch
        {
            Rtnetlink.TC_H_ROOT => "root",
            Rtnetlink.TC_H_INGRESS => "ingress",
            0 => "",
            _ when major == 0 => ":" + minor.ToString("x", inv),
            _ when minor == 0 => major.ToString("x", inv) + ":",
            _ => major.ToString("x", inv) + ":" + minor.ToString("x", inv),
        };
    }

    private void Note(string problem)
    {
        Malformed++;
        if (Problems.Count < MaxProblems)
        {
            Problems.Add(problem);
        }
    }
}
