using System.Globalization;
using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Core.Wire;
using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Sources;

/// <summary>
/// The wire, live: an AF_PACKET TPACKET_V3 ring with our TCP-only BPF filter (<see cref="CaptureFilter"/>), read on a
/// dedicated thread into the same <see cref="WireScanner"/> that reads capture files, so a zero-window holder, a window
/// shrink, a slow reader or a SYN flood raises the same events live as in a pcap. Off by default (root or CAP_NET_RAW;
/// <c>sources: capture:</c> in uncloak.yaml). Bounded: the ring's memory is fixed, packets beyond
/// <see cref="CaptureSourceOptions.MaxPacketsPerSecond"/> are shed (whole blocks, counted) and the flow table is capped.
/// The ring is opened in the namespace of the thread that calls <see cref="Open"/>. Positions are packet numbers and keep
/// increasing across restarts; the cursor is the number of packets read.
/// </summary>
public sealed class PacketCaptureSource : LiveSource, IEventSink
{
    private readonly CaptureSourceOptions _options;
    private readonly List<(NetEvent Event, string? Text)> _pending = [];
    private PacketRing? _ring;

    public PacketCaptureSource(CaptureSourceOptions options, TimeProvider time)
        : base("capture:" + options.Interface, time)
    {
        _options = options;
    }

    /// <summary>Packets handed back unread because of the rate cap.</summary>
    public long Shed { get; private set; }

    /// <summary>Packets the kernel dropped because the ring was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>What the scanner of the current run saw (null before the first run).</summary>
    public WireScanner? Scanner { get; private set; }

    /// <summary>
    /// Opens the ring now, in the calling thread's network namespace (the daemon's; tests call it inside their own).
    /// Otherwise <see cref="LiveSource.RunAsync"/> opens it on first use. Throws <see cref="IOException"/> on failure.
    /// </summary>
    public void Open()
    {
        _ring ??= OpenRing();
    }

    protected override Task ReadAsync(string? cursor, long position, long gaps, ISourceSink sink, CancellationToken cancel)
    {
        return Task.Factory.StartNew(() => Read(position, gaps, sink, cancel), cancel, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    void IEventSink.Add(in NetEvent ev, ReadOnlySpan<byte> message) => _pending.Add((ev, Encoding.UTF8.GetString(message)));

    private void Read(long position, long gaps, ISourceSink sink, CancellationToken cancel)
    {
        var ring = _ring ?? OpenRing();
        _ring = null; // owned by this run: a failure disposes it and the restart opens a fresh one
        using var _ = ring;
        var scanner = new WireScanner(_options.Wire, this, SourceId);
        Scanner = scanner;
        long packets = position;
        long second = 0;
        long inSecond = 0;
        long lastDelivery = Time.GetTimestamp();
        int timeout = (int)Math.Max(10, _options.BlockTimeout.TotalMilliseconds);
        void OnPacket(ReadOnlySpan<byte> data, uint seconds, uint nanoseconds, int wireLength)
        {
            long ticks = DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond + nanoseconds / 100;
            scanner.Feed(LinkType.Raw, data, wireLength, ticks, packets++);
        }
        PacketRing.PacketHandler handler = OnPacket; // one delegate for the run, not one per block
        while (!cancel.IsCancellationRequested)
        {
            long now = Time.GetUtcNow().ToUnixTimeSeconds();
            if (now != second)
            {
                second = now;
                inSecond = 0;
            }
            bool shed = inSecond >= _options.MaxPacketsPerSecond;
            int n = ring.ReadBlock(timeout, handler, skip: shed);
            inSecond += n;
            if (shed)
            {
                Shed += n;
                packets += n;
            }
            // Quiet links still need time to pass: holds still going on are reported as the count window rolls over.
            scanner.Tick(Time.GetUtcNow().UtcTicks);
            if (_pending.Count > 0 || Time.GetElapsedTime(lastDelivery) >= TimeSpan.FromSeconds(1))
            {
                var (_, drops) = ring.ReadStatistics();
                Dropped += drops;
                var batch = new SourceBatch(Name, SourceId, [.. _pending], packets.ToString(CultureInfo.InvariantCulture), packets, gaps + Dropped + Shed)
                {
                    Records = scanner.Capture.Packets,
                };
                _pending.Clear();
                sink.DeliverAsync(batch, cancel).AsTask().GetAwaiter().GetResult();
                lastDelivery = Time.GetTimestamp();
            }
        }
    }

    private PacketRing OpenRing()
    {
        int index = 0;
        if (_options.Interface != "any")
        {
            string path = Path.Combine("/sys/class/net", _options.Interface, "ifindex");
            if (!File.Exists(path) || !int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out index))
            {
                throw new IOException($"capture: no interface '{_options.Interface}' in this network namespace");
            }
        }
        int block = _options.BlockKilobytes * 1024;
        int blocks = Math.Max(2, _options.RingMegabytes * 1024 / _options.BlockKilobytes);
        return PacketRing.Open(index, block, blocks, (int)_options.BlockTimeout.TotalMilliseconds, CaptureFilter.TcpOnly(_options.SnapLength));
    }
}
