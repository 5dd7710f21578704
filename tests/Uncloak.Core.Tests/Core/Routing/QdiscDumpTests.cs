using System.Buffers.Binary;
using System.Text;
using Uncloak.Core.Audit;
using Uncloak.Core.Forensics.Capture;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Core.Routing;
using Uncloak.Core.Sockets;
using Xunit;

namespace Uncloak.Core.Tests.Routing;

/// <summary>The RTM_NEWQDISC decoder against a dump captured from a 6.18 kernel (fixtures/rtnetlink/README.md), and its tc-text form.</summary>
public sealed class QdiscDumpTests
{
    private static readonly Dictionary<int, string> Names = new() { [1] = "lo", [2] = "qa0" };

    private static (List<QdiscStats> Qdiscs, RtnetlinkReader Reader, List<SockDiagStatus> Statuses) Read(IEnumerable<byte[]> datagrams)
    {
        var reader = new RtnetlinkReader();
        var qdiscs = new List<QdiscStats>();
        var statuses = datagrams.Select(d => reader.ReadQdiscs(d, qdiscs, 1, i => Names.GetValueOrDefault(i))).ToList();
        return (qdiscs, reader, statuses);
    }

    [Fact]
    public void A_recorded_dump_gives_each_qdisc_its_device_handle_parent_kind_and_counters_as_tc_printed_them()
    {
        var (qdiscs, reader, statuses) = Read(RtnetlinkReaderTests.Datagrams("qdiscs.hex"));

        Assert.Equal(SockDiagStatus.Done, statuses[^1]);
        Assert.Equal(0, reader.Malformed);
        Assert.Empty(reader.Problems);
        Assert.Equal(2, qdiscs.Count);
        var pfifo = qdiscs[0];
        Assert.Equal(("lo", "pfifo", "10:", "root", "limit 50p"), (pfifo.Device, pfifo.Kind, pfifo.Handle, pfifo.Parent, pfifo.Options));
        Assert.True(pfifo.HasStatistics);
        Assert.Equal((0L, 0L, 0L), (pfifo.SentBytes, pfifo.SentPackets, pfifo.Drops));
        var tbf = qdiscs[1];
        Assert.Equal(("qa0", "tbf", "8001:", "root"), (tbf.Device, tbf.Kind, tbf.Handle, tbf.Parent));
        Assert.Equal((3348L, 6L, 37L, 41L, 0L), (tbf.SentBytes, tbf.SentPackets, tbf.Drops, tbf.Overlimits, tbf.Requeues));
        Assert.Equal((0L, 0L), (tbf.BacklogBytes, tbf.BacklogPackets));
        // tc showed "rate 1Mbit burst 1600b lat 11.2ms"; the kernel holds the limit (3000 bytes) the latency stands for.
        Assert.Equal("rate 1Mbit burst 1600b limit 3000b", tbf.Options);
        var settings = QdiscSettings.Of(tbf);
        Assert.Equal((125_000d, 1600L, 3000L), (settings.RateBytesPerSecond, settings.BurstBytes, settings.LimitBytes));
    }

    [Fact]
    public void Written_as_tc_text_the_dump_reads_back_through_the_tc_parser_unchanged()
    {
        var (qdiscs, _, _) = Read(RtnetlinkReaderTests.Datagrams("qdiscs.hex"));
        var text = new StringWriter();
        TcQdiscText.Write(text, qdiscs);

        var evidence = DumpReader.Read(Encoding.UTF8.GetBytes(text.ToString()));

        Assert.Equal(DumpKind.TcQdisc, Assert.Single(evidence.Kinds));
        Assert.Equal(qdiscs.Select(Fields), evidence.Qdiscs.Select(Fields));
    }

    internal static string Fields(QdiscStats q) =>
        $"{q.Device} {q.Kind} {q.Handle} {q.Parent} [{q.Options}] sent {q.SentBytes}/{q.SentPackets} dropped {q.Drops} over {q.Overlimits} requeues {q.Requeues} backlog {q.BacklogBytes}/{q.BacklogPackets} {q.HasStatistics}";

    [Fact]
    public void An_interface_gone_since_the_dump_keeps_its_qdisc_under_its_index()
    {
        var reader = new RtnetlinkReader();
        var qdiscs = new List<QdiscStats>();
        foreach (var d in RtnetlinkReaderTests.Datagrams("qdiscs.hex"))
        {
            reader.ReadQdiscs(d, qdiscs, 1, _ => null);
        }
        Assert.Equal(["if1", "if2"], qdiscs.Select(q => q.Device));
    }

    [Theory]
    [InlineData(0xFFFFFFFFu, "root")]
    [InlineData(0xFFFFFFF1u, "ingress")]
    [InlineData(0x80010001u, "8001:1")]
    [InlineData(0x00010000u, "1:")]
    [InlineData(0x00000005u, ":5")]
    [InlineData(0u, "")]
    public void Parents_are_printed_as_tc_prints_them(uint parent, string expected) => Assert.Equal(expected, RtnetlinkReader.ParentText(parent));

    [Theory]
    [InlineData(0x80010000u, "8001:")]
    [InlineData(0u, "0:")]
    public void Handles_are_printed_as_tc_prints_them(uint handle, string expected) => Assert.Equal(expected, RtnetlinkReader.HandleText(handle));

    [Fact]
    public void A_statistics_attribute_cut_short_is_skipped_with_a_problem_and_the_qdisc_is_kept()
    {
        var datagram = RtnetlinkReaderTests.Datagrams("qdiscs.hex")[0];
        // The tbf message's TCA_STATS_QUEUE: shorten its declared length below struct gnet_stats_queue's 20 bytes.
        int queue = FindAttribute(datagram, SecondMessage(datagram), Rtnetlink.TCA_STATS2, Rtnetlink.TCA_STATS_QUEUE);
        BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(queue), 4 + 8);

        var (qdiscs, reader, _) = Read([datagram]);

        var tbf = qdiscs.Single(q => q.Kind == "tbf");
        Assert.Equal(3348L, tbf.SentBytes); // the basic counters before it still count
        Assert.Equal(0L, tbf.Drops);
        Assert.Contains(reader.Problems, p => p.Contains("qa0 8001:", StringComparison.Ordinal) && p.Contains("too short", StringComparison.Ordinal));
    }

    [Fact]
    public void A_message_whose_attribute_runs_past_its_end_keeps_what_was_read_before_it()
    {
        var datagram = RtnetlinkReaderTests.Datagrams("qdiscs.hex")[0];
        int tbf = SecondMessage(datagram);
        int stats2 = FindAttribute(datagram, tbf, Rtnetlink.TCA_STATS2, null);
        BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(stats2), 0xFFF0);

        var (qdiscs, reader, _) = Read([datagram]);

        var q = qdiscs.Single(q => q.Device == "qa0");
        Assert.Equal("tbf", q.Kind);
        Assert.False(q.HasStatistics);
        Assert.Equal(1, reader.Malformed);
    }

    [Fact]
    public void A_truncated_datagram_is_counted_not_thrown()
    {
        var datagram = RtnetlinkReaderTests.Datagrams("qdiscs.hex")[0];
        var (qdiscs, reader, statuses) = Read([datagram[..(datagram.Length / 2)]]);

        Assert.Equal(SockDiagStatus.More, statuses.Single());
        Assert.True(reader.Malformed > 0);
        Assert.True(qdiscs.Count <= 1);
    }

    [Fact]
    public void Without_TCA_STATS2_the_old_tc_stats_is_read()
    {
        // A kernel that sends only TCA_STATS: struct tcmsg, TCA_KIND "pfifo", TCA_STATS (struct tc_stats, 36 bytes + pad).
        var message = new List<byte>();
        var header = new byte[16];
        var tcmsg = new byte[Rtnetlink.TcmsgSize];
        BinaryPrimitives.WriteInt32LittleEndian(tcmsg.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(tcmsg.AsSpan(8), 0x00010000);
        BinaryPrimitives.WriteUInt32LittleEndian(tcmsg.AsSpan(12), Rtnetlink.TC_H_ROOT);
        var kind = Attribute(Rtnetlink.TCA_KIND, [.. "pfifo"u8, 0]);
        var stats = new byte[40];
        BinaryPrimitives.WriteUInt64LittleEndian(stats, 123_456);
        BinaryPrimitives.WriteUInt32LittleEndian(stats.AsSpan(8), 789);
        BinaryPrimitives.WriteUInt32LittleEndian(stats.AsSpan(12), 11);
        BinaryPrimitives.WriteUInt32LittleEndian(stats.AsSpan(16), 12);
        BinaryPrimitives.WriteUInt32LittleEndian(stats.AsSpan(28), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(stats.AsSpan(32), 4500);
        message.AddRange(header);
        message.AddRange(tcmsg);
        message.AddRange(kind);
        message.AddRange(Attribute(Rtnetlink.TCA_STATS, stats));
        var bytes = message.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)bytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), Rtnetlink.RTM_NEWQDISC);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 1);

        var (qdiscs, reader, _) = Read([bytes]);

        var q = Assert.Single(qdiscs);
        Assert.Equal(0, reader.Malformed);
        Assert.Equal(("qa0", "pfifo", "1:", "root"), (q.Device, q.Kind, q.Handle, q.Parent));
        Assert.Equal((123_456L, 789L, 11L, 12L, 3L, 4500L), (q.SentBytes, q.SentPackets, q.Drops, q.Overlimits, q.BacklogPackets, q.BacklogBytes));
        Assert.Equal("", q.Options); // no TCA_OPTIONS: no limit to print
    }

    [Theory]
    [InlineData(1_000_000UL, "1Mbit")]
    [InlineData(8_000UL, "8Kbit")]
    [InlineData(1_500_000UL, "1500Kbit")]
    [InlineData(999UL, "999bit")]
    public void Rates_are_printed_in_tc_units_the_audit_reads_back(ulong bits, string expected)
    {
        Assert.Equal(expected, RtnetlinkReader.RateText(bits));
        Assert.True(QdiscSettings.TryRate(expected, out double bytes));
        Assert.Equal(bits / 8d, bytes);
    }

    private static byte[] Attribute(ushort type, byte[] value)
    {
        var a = new byte[(4 + value.Length + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(a, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(a.AsSpan(2), type);
        value.CopyTo(a, 4);
        return a;
    }

    private static int SecondMessage(byte[] datagram) => (int)((BinaryPrimitives.ReadUInt32LittleEndian(datagram) + 3) & ~3u);

    /// <summary>Offset of attribute <paramref name="type"/> of the message at <paramref name="message"/>, or of <paramref name="nested"/> inside it.</summary>
    private static int FindAttribute(byte[] datagram, int message, ushort type, ushort? nested)
    {
        int end = message + (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram.AsSpan(message));
        int at = Walk(datagram, message + 16 + Rtnetlink.TcmsgSize, end, type);
        if (nested is null)
        {
            return at;
        }
        return Walk(datagram, at + 4, at + BinaryPrimitives.ReadUInt16LittleEndian(datagram.AsSpan(at)), nested.Value);
    }

    private static int Walk(byte[] d, int from, int end, ushort type)
    {
        while (from + 4 <= end)
        {
            int len = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(from));
            if ((BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(from + 2)) & 0x3FFF) == type)
            {
                return from;
            }
            from += (len + 3) & ~3;
        }
        throw new InvalidOperationException($"attribute {type} not in the recorded message");
    }
}
