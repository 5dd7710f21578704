using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Uncloak.Core.Wire;
using Uncloak.Linux.Interop;
using Uncloak.Linux.Sources;

namespace Uncloak.Linux.Forensics;

/// <summary>
/// The packet ring of the incident bundles, live: an AF_PACKET TPACKET_V3 ring (<see cref="PacketRing"/>) whose kernel
/// filter keeps only TCP to or from the chosen ports, cut to the snapshot length, read on a background thread at low
/// priority into a <see cref="PacketHistory"/> of fixed size. A capture asks for the last seconds with
/// <see cref="Snapshot"/> and gets a pcapng file. It must never make an outage worse: its memory is fixed at start (the
/// kernel ring and the history), reading a packet allocates nothing, the thread runs niced, and when it falls behind the
/// kernel drops packets from the ring (counted in <see cref="KernelDrops"/>) rather than anything waiting on it.
/// </summary>
public sealed class PacketRecorder : IDisposable
{
    /// <summary>The reader thread's nice value: below everything the host serves.</summary>
    public const int Nice = 15;

    private const int BlockBytes = 64 << 10;
    private const int Blocks = 8;
    private const int RetireMillis = 250;
    private const int PollMillis = 500;

    /// <summary>How long a snapshot waits at most for the reader to hand over what the kernel holds (a starved reader).</summary>
    private static readonly TimeSpan MaxCatchUp = TimeSpan.FromSeconds(2);

    private readonly PacketHistory _history;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _kernelDrops;

    // Stopwatch time when the reader last found no retired block waiting: every packet the kernel saw RetireMillis
    // before it is in the history by then.
    private long _drainedAt;

    private PacketRecorder(PacketHistory history, Thread thread)
    {
        _history = history;
        _thread = thread;
    }

    /// <summary>What is kept now.</summary>
    public PacketHistory History => _history;

    /// <summary>Packets the kernel passed the filter but dropped because the reader fell behind.</summary>
    public long KernelDrops => Interlocked.Read(ref _kernelDrops);

    /// <summary>
    /// Opens the ring on <paramref name="interfaceName"/> (<c>any</c>: every interface) of the named network namespace
    /// <paramref name="netns"/> (null: the caller's) and starts reading. <paramref name="ports"/> null keeps all TCP.
    /// Throws <see cref="IOException"/> when the ring cannot be opened (no CAP_NET_RAW, no such interface or namespace).
    /// </summary>
    public static PacketRecorder Start(PacketHistoryLimits limits, string interfaceName, IReadOnlyList<int>? ports, string? netns = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(interfaceName);
        var history = new PacketHistory(limits);
        var filter = ports is null ? CaptureFilter.TcpOnly(limits.SnapLength) : CaptureFilter.TcpPorts(ports, limits.SnapLength);
        PacketRecorder? recorder = null;
        PacketRing? ring = null;
        ExceptionDispatchInfo? failure = null;
        using var opened = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            try
            {
                if (netns is not null)
                {
                    Interop.Namespaces.EnterNetwork(Path.Combine("/var/run/netns", netns));
                }
                // Best effort: without the right to renice the ring still works, at the daemon's priority.
                _ = Libc.SetPriority(Libc.PRIO_PROCESS, (uint)Libc.GetThreadId(), Nice);
                ring = PacketRing.Open(InterfaceIndex(interfaceName), BlockBytes, Blocks, RetireMillis, filter);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
            opened.Set();
            if (ring is null)
            {
                return;
            }
            using (ring)
            {
                Volatile.Read(ref recorder)!.Read(ring);
            }
        })
        {
            IsBackground = true,
            Name = "packet ring",
        };
        recorder = new PacketRecorder(history, thread);
        thread.Start();
        opened.Wait();
        if (failure is not null)
        {
            thread.Join();
            failure.Throw();
        }
        return recorder;
    }

    /// <summary>
    /// The packets of the last window before <paramref name="now"/>, once the reader has taken every block the kernel
    /// retires for packets seen before this call (up to <see cref="RetireMillis"/> later, bounded by
    /// <see cref="MaxCatchUp"/>): without the wait, a capture asked right after the traffic found the ring empty, its
    /// packets still in the kernel's open block (and after <paramref name="after"/>, when given: those
    /// an earlier snapshot did not hold) as a pcapng file: raw IP packets, nanosecond timestamps.
    /// </summary>
    public byte[] Snapshot(DateTime now, long after = long.MinValue)
    {
        CatchUp();
        var stream = new MemoryStream();
        _history.WriteTo(stream, LinkType.Raw, ToNanoseconds(now), after);
        return stream.ToArray();
    }

    private void CatchUp()
    {
        long target = Stopwatch.GetTimestamp() + Stopwatch.Frequency * (RetireMillis + 50) / 1000;
        var waited = Stopwatch.StartNew();
        while (Volatile.Read(ref _drainedAt) < target && _thread.IsAlive && waited.Elapsed < MaxCatchUp)
        {
            Thread.Sleep(20);
        }
    }

    /// <summary>Nanoseconds since 1970 of a UTC time.</summary>
    public static long ToNanoseconds(DateTime utc) => (utc.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private void Read(PacketRing ring)
    {
        var history = _history;
        void OnPacket(ReadOnlySpan<byte> data, uint seconds, uint nanoseconds, int wireLength)
            => history.Add(data, seconds * 1_000_000_000L + nanoseconds, wireLength);
        PacketRing.PacketHandler handler = OnPacket; // one delegate for the run: nothing allocated per packet or block
        try
        {
            while (!_stopping)
            {
                ring.ReadBlock(PollMillis, handler);
                while (!_stopping && ring.ReadBlock(0, handler) > 0)
                {
                    // every block retired meanwhile
                }
                Volatile.Write(ref _drainedAt, Stopwatch.GetTimestamp());
                var (_, drops) = ring.ReadStatistics();
                if (drops > 0)
                {
                    Interlocked.Add(ref _kernelDrops, drops);
                }
            }
        }
        catch (IOException)
        {
            // The socket broke (the interface went away): the ring stops and the bundles say it holds nothing newer.
        }
    }

    private static int InterfaceIndex(string name)
    {
        if (name == "any")
        {
            return 0;
        }
        uint index = Libc.IfNameToIndex(name);
        return index is > 0 and <= int.MaxValue ? (int)index : throw new IOException($"packet ring: no interface '{name}' in this network namespace");
    }

    /// <summary>Stops the reader (within half a second) and frees the ring.</summary>
    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
    }
}
