using Uncloak.Core.Events;
using Uncloak.Core.Ingest;

namespace Uncloak.Core.Wire;

/// <summary>
/// The wire's hot loop: captured frames → <see cref="PacketDecoder"/> → <see cref="TcpFlowTracker"/> → events. Used by
/// <c>uncloak pcap</c>/<c>analyze</c> over files (<see cref="Scan"/>) and by the live capture source frame by frame
/// (<see cref="Feed"/>). Bad frames are counted in <see cref="Capture"/> and, as odd packets, reported; never fatal.
/// </summary>
public sealed class WireScanner
{
    private readonly TcpFlowTracker _tracker;

    public WireScanner(WireOptions options, IEventSink sink, int sourceId = 0, string? host = null)
    {
        _tracker = new TcpFlowTracker(options, sink, sourceId, host);
    }

    /// <summary>Counts of what was read and decoded (for a file: the reader's own statistics after <see cref="Scan"/>).</summary>
    public CaptureStatistics Capture { get; private set; } = new();

    public WireStatistics Wire => _tracker.Statistics;

    /// <summary>Reads the capture to its end (or until <paramref name="cancel"/>), then reports what is still open.</summary>
    public void Scan(CaptureReader reader, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Capture = reader.Statistics;
        int check = 0;
        while (reader.TryRead(out var packet))
        {
            Decode(packet.LinkType, packet.Data, packet.Ticks, packet.Offset, packet.Truncated);
            if (++check == 65536)
            {
                check = 0;
                cancel.ThrowIfCancellationRequested();
            }
        }
        _tracker.Flush();
    }

    /// <summary>One live frame; <paramref name="originalLength"/> is its length on the wire.</summary>
    public void Feed(LinkType linkType, ReadOnlySpan<byte> frame, int originalLength, long ticks, long position)
    {
        Capture.Packets++;
        Capture.Bytes += frame.Length;
        Decode(linkType, frame, ticks, position, frame.Length < originalLength);
    }

    /// <summary>Lets time pass without a packet (see <see cref="TcpFlowTracker.Tick"/>).</summary>
    public void Tick(long ticks) => _tracker.Tick(ticks);

    /// <summary>Reports holds and counts still open (end of a live capture, or a periodic report).</summary>
    public void Flush() => _tracker.Flush();

    private void Decode(LinkType linkType, ReadOnlySpan<byte> frame, long ticks, long offset, bool truncated)
    {
        var stats = Capture;
        if (truncated)
        {
            stats.Truncated++;
        }
        switch (PacketDecoder.Decode(linkType, frame, out var tcp))
        {
            case DecodeResult.Tcp:
                stats.TcpPackets++;
                _tracker.Add(tcp, ticks, offset);
                break;
            case DecodeResult.Icmp:
                stats.IcmpPackets++;
                _tracker.AddIcmp(tcp, ticks, offset);
                break;
            case DecodeResult.Other:
                stats.OtherPackets++;
                break;
            case DecodeResult.Fragment:
                stats.Fragments++;
                break;
            case DecodeResult.UnknownEthertype:
                stats.UnknownEthertype++;
                _tracker.AddOdd(OddPacketForm.UnknownEthertype, ticks, offset);
                break;
            case DecodeResult.UnknownLinkType:
                stats.UnknownLinkType++;
                break;
            default:
                // A header cut by the snapshot length is the capture's doing, not the sender's: counted, not reported.
                stats.NoteMalformed(offset);
                if (!truncated)
                {
                    _tracker.AddOdd(OddPacketForm.Malformed, ticks, offset);
                }
                break;
        }
    }
}
