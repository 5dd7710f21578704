using Uncloak.Core.Events;
using Uncloak.Core.Wire;
using Xunit;

namespace Uncloak.Core.Tests.Wire;

public sealed class PacketHistoryTests
{
    private const long Second = 1_000_000_000;
    private const long T0 = 1_764_871_200L * Second;

    /// <summary>A 40-byte SYN whose source port is the packet's number, so each packet read back says which it was.</summary>
    private static byte[] Packet(int n) => Frames.Tcp("198.18.0.2", (ushort)(10000 + n), "198.18.0.1", 443, TcpFlags.Syn);

    private static List<(int Number, long Nanos, int Captured, int Wire)> Read(PacketHistory history, long now, long after = long.MinValue)
    {
        var stream = new MemoryStream();
        int written = history.WriteTo(stream, LinkType.Raw, now, after);
        Assert.True(CaptureReader.TryOpen(new MemoryStream(stream.ToArray()), out var reader, out string? problem), problem);
        var packets = new List<(int, long, int, int)>();
        while (reader!.TryRead(out var p))
        {
            int port = (p.Data[20] << 8) | p.Data[21];
            packets.Add((port - 10000, (p.Ticks - DateTime.UnixEpoch.Ticks) * 100, p.Data.Length, p.OriginalLength));
        }
        Assert.Equal(written, packets.Count);
        return packets;
    }

    [Fact]
    public void The_packet_cap_drops_the_oldest_first()
    {
        var history = new PacketHistory(new PacketHistoryLimits { MaxPackets = 3, MaxBytes = 1 << 20 });
        for (int i = 0; i < 5; i++)
        {
            history.Add(Packet(i), T0 + i * 1000, 40);
        }

        Assert.Equal([2, 3, 4], Read(history, T0 + Second).Select(p => p.Number));
        Assert.Equal(3, history.Count);
        Assert.Equal(2, history.Dropped);
        Assert.Equal(5, history.Added);
    }

    [Fact]
    public void The_byte_cap_drops_the_oldest_first_and_keeps_data_that_wraps_around_the_buffer_whole()
    {
        // 100 bytes hold two 40-byte headers; the third and later ones wrap around the end of the buffer.
        var history = new PacketHistory(new PacketHistoryLimits { MaxPackets = 1000, MaxBytes = 100, SnapLength = 40 });
        for (int i = 0; i < 7; i++)
        {
            history.Add(Packet(i), T0 + i, 40);
            Assert.True(history.Bytes <= 100);
        }

        var packets = Read(history, T0 + Second);
        Assert.Equal([5, 6], packets.Select(p => p.Number));
        Assert.Equal(80, history.Bytes);
        // Whole and intact: the port read back is the one written, and the data equals the original header.
        var stream = new MemoryStream();
        history.WriteTo(stream, LinkType.Raw, T0 + Second);
        Assert.True(CaptureReader.TryOpen(new MemoryStream(stream.ToArray()), out var reader, out _));
        Assert.True(reader!.TryRead(out var first));
        Assert.Equal(Packet(5), first.Data.ToArray());
    }

    [Fact]
    public void Packets_older_than_the_window_behind_the_newest_are_dropped()
    {
        var history = new PacketHistory(new PacketHistoryLimits { Window = TimeSpan.FromSeconds(10) });
        history.Add(Packet(0), T0, 40);
        history.Add(Packet(1), T0 + 5 * Second, 40);
        history.Add(Packet(2), T0 + 12 * Second, 40);

        Assert.Equal(2, history.Count);
        Assert.Equal([1, 2], Read(history, T0 + 12 * Second).Select(p => p.Number));
    }

    [Fact]
    public void Writing_out_keeps_only_the_window_before_now_and_after_the_given_time()
    {
        var history = new PacketHistory(new PacketHistoryLimits { Window = TimeSpan.FromSeconds(10) });
        for (int i = 0; i < 10; i++)
        {
            history.Add(Packet(i), T0 + i * Second, 40);
        }

        // A quiet link: nothing new for 5 s, so only what is within 10 s of now is written.
        Assert.Equal([4, 5, 6, 7, 8, 9], Read(history, T0 + 14 * Second).Select(p => p.Number));
        // An outage's end: only what came after the packets its start already wrote.
        Assert.Equal([8, 9], Read(history, T0 + 14 * Second, after: T0 + 7 * Second).Select(p => p.Number));
        Assert.Equal(10, history.Count);
    }

    [Fact]
    public void Packets_are_cut_to_the_snapshot_length_and_keep_their_wire_length()
    {
        var history = new PacketHistory(new PacketHistoryLimits { SnapLength = 24 });
        history.Add(Packet(3), T0, 1500);

        var packet = Assert.Single(Read(history, T0));
        Assert.Equal((3, T0, 24, 1500), packet);
    }

    [Fact]
    public void Adding_packets_allocates_nothing_once_the_history_exists()
    {
        var history = new PacketHistory(new PacketHistoryLimits { MaxPackets = 1000, MaxBytes = 20_000 });
        var packet = Packet(1);
        // Warm-up as long as the measurement: the first calls JIT-compile, and tiering and on-stack replacement of this
        // loop come later (on a loaded machine, during a short warm-up's measured loop: the full suite once saw bytes
        // that were the runtime's, not the history's).
        for (int i = 0; i < 100_000; i++)
        {
            history.Add(packet, T0 + i, 40);
        }
        // The fewest bytes of five rounds: a history that allocated per packet would allocate in every round, while the
        // runtime's own bytes (a tier-up compiled under load, twice seen in the full suite) come once.
        long fewest = long.MaxValue;
        for (int round = 1; round <= 5 && fewest > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = round * 100_000; i < (round + 1) * 100_000; i++)
            {
                history.Add(packet, T0 + i, 40);
            }
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, fewest);
        Assert.Equal(500, history.Count); // 20,000 bytes of 40-byte headers
    }

    [Theory]
    [InlineData(0, 10, 128, 4096)]
    [InlineData(10, 0, 128, 4096)]
    [InlineData(10, 10, 0, 4096)]
    [InlineData(10, 10, 128, 100)]
    public void Limits_that_cannot_work_are_refused(int seconds, int packets, int snaplen, int bytes)
    {
        var limits = new PacketHistoryLimits { Window = TimeSpan.FromSeconds(seconds), MaxPackets = packets, SnapLength = snaplen, MaxBytes = bytes };

        Assert.NotNull(limits.Validate());
        Assert.Throws<ArgumentException>(() => new PacketHistory(limits));
    }
}
