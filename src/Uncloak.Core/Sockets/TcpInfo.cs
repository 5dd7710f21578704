using System.Buffers.Binary;

using System.Runtime.InteropServices;

namespace Uncloak.Core.Sockets;

/// <summary>
/// The fields of the kernel's <c>struct tcp_info</c> (include/uapi/linux/tcp.h) that Uncloak uses, read by offset
/// from however many bytes this kernel filled. A field beyond <see cref="Length"/> reads as 0; ask
/// <see cref="Has"/> (or the <c>Has…</c> properties) before treating 0 as a measured value.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct TcpInfo
{
    // Offsets in struct tcp_info (x86-64/arm64 little-endian; no holes up to 248).
    public const int OffsetState = 0;
    public const int OffsetCaState = 1;
    public const int OffsetRetransmits = 2;
    public const int OffsetProbes = 3;
    public const int OffsetBackoff = 4;
    public const int OffsetOptions = 5;
    public const int OffsetRto = 8;
    public const int OffsetSndMss = 16;
    public const int OffsetRcvMss = 20;
    public const int OffsetUnacked = 24;
    public const int OffsetSacked = 28;
    public const int OffsetLost = 32;
    public const int OffsetRetrans = 36;
    public const int OffsetLastDataSent = 44;
    public const int OffsetLastDataRecv = 52;
    public const int OffsetLastAckRecv = 56;
    public const int OffsetRtt = 68;
    public const int OffsetRttVar = 72;
    public const int OffsetSndCwnd = 80;
    public const int OffsetTotalRetrans = 100;
    public const int OffsetBytesAcked = 120;
    public const int OffsetBytesReceived = 128;
    public const int OffsetSegsOut = 136;
    public const int OffsetSegsIn = 140;
    public const int OffsetNotsentBytes = 144;
    public const int OffsetRwndLimited = 176;
    public const int OffsetBytesSent = 200;
    public const int OffsetBytesRetrans = 208;
    public const int OffsetSndWnd = 228;
    public const int OffsetRcvWnd = 232;

    /// <summary>Size of the struct on the newest layout Uncloak reads (6.7+: 248; AccECN kernels fill more, which is ignored).</summary>
    public const int KnownSize = 248;

    /// <summary>Bytes the kernel filled (0 when the socket carried no INET_DIAG_INFO).</summary>
    public int Length { get; init; }

    public TcpState State { get; init; }

    /// <summary>Congestion-avoidance state: 0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss.</summary>
    public byte CaState { get; init; }

    /// <summary><c>icsk_retransmits</c>: retransmissions in the current RTO episode.</summary>
    public byte Retransmits { get; init; }

    /// <summary><c>icsk_probes_out</c>: unanswered zero-window or keepalive probes.</summary>
    public byte Probes { get; init; }

    /// <summary><c>icsk_backoff</c>: exponential backoff count of the RTO/persist timer.</summary>
    public byte Backoff { get; init; }

    public byte Options { get; init; }

    /// <summary>Retransmission timeout, µs.</summary>
    public uint Rto { get; init; }

    public uint SndMss { get; init; }

    public uint RcvMss { get; init; }

    /// <summary>Segments in flight (packets_out). For a listener: the current accept-queue length.</summary>
    public uint Unacked { get; init; }

    /// <summary>Segments SACKed. For a listener: the backlog (maximum accept queue).</summary>
    public uint Sacked { get; init; }

    public uint Lost { get; init; }

    public uint Retrans { get; init; }

    /// <summary>Milliseconds since data was last sent.</summary>
    public uint LastDataSent { get; init; }

    /// <summary>Milliseconds since data was last received.</summary>
    public uint LastDataRecv { get; init; }

    /// <summary>Milliseconds since an ACK was last received.</summary>
    public uint LastAckRecv { get; init; }

    /// <summary>Smoothed RTT, µs.</summary>
    public uint Rtt { get; init; }

    public uint RttVar { get; init; }

    public uint SndCwnd { get; init; }

    public uint TotalRetrans { get; init; }

    public ulong BytesAcked { get; init; }

    public ulong BytesReceived { get; init; }

    public uint SegsOut { get; init; }

    public uint SegsIn { get; init; }

    /// <summary>Bytes queued by the application and not yet sent (4.6+).</summary>
    public uint NotsentBytes { get; init; }

    /// <summary>µs the sender was limited by the receiver's window (4.10+).</summary>
    public ulong RwndLimited { get; init; }

    public ulong BytesSent { get; init; }

    public ulong BytesRetrans { get; init; }

    /// <summary>The peer's advertised window in bytes (5.4+).</summary>
    public uint SndWnd { get; init; }

    /// <summary>Our advertised window in bytes (6.2+).</summary>
    public uint RcvWnd { get; init; }

    /// <summary>True when the kernel filled the field that starts at <paramref name="offset"/> and is <paramref name="size"/> bytes long.</summary>
    public bool Has(int offset, int size) => offset + size <= Length;

    public bool HasSndWnd => Has(OffsetSndWnd, 4);

    public bool HasRcvWnd => Has(OffsetRcvWnd, 4);

    public bool HasNotsentBytes => Has(OffsetNotsentBytes, 4);

    /// <summary>
    /// Reads the struct from an INET_DIAG_INFO attribute's payload. Never reads past <paramref name="data"/>:
    /// older kernels fill fewer bytes, and the missing fields stay 0 (see <see cref="Has"/>).
    /// </summary>
    public static TcpInfo Parse(ReadOnlySpan<byte> data)
    {
        return new TcpInfo
        {
            Length = data.Length,
            State = (TcpState)U8(data, OffsetState),
            CaState = U8(data, OffsetCaState),
            Retransmits = U8(data, OffsetRetransmits),
            Probes = U8(data, OffsetProbes),
            Backoff = U8(data, OffsetBackoff),
            Options = U8(data, OffsetOptions),
            Rto = U32(data, OffsetRto),
            SndMss = U32(data, OffsetSndMss),
            RcvMss = U32(data, OffsetRcvMss),
            Unacked = U32(data, OffsetUnacked),
            Sacked = U32(data, OffsetSacked),
            Lost = U32(data, OffsetLost),
            Retrans = U32(data, OffsetRetrans),
            LastDataSent = U32(data, OffsetLastDataSent),
            LastDataRecv = U32(data, OffsetLastDataRecv),
            LastAckRecv = U32(data, OffsetLastAckRecv),
            Rtt = U32(data, OffsetRtt),
            RttVar = U32(data, OffsetRttVar),
            SndCwnd = U32(data, OffsetSndCwnd),
            TotalRetrans = U32(data, OffsetTotalRetrans),
            BytesAcked = U64(data, OffsetBytesAcked),
            BytesReceived = U64(data, OffsetBytesReceived),
            SegsOut = U32(data, OffsetSegsOut),
            SegsIn = U32(data, OffsetSegsIn),
            NotsentBytes = U32(data, OffsetNotsentBytes),
            RwndLimited = U64(data, OffsetRwndLimited),
            BytesSent = U64(data, OffsetBytesSent),
            BytesRetrans = U64(data, OffsetBytesRetrans),
            SndWnd = U32(data, OffsetSndWnd),
            RcvWnd = U32(data, OffsetRcvWnd),
        };
    }

    // tcp_info is in host byte order; every supported target (x86-64, arm64) is little-endian.
    private static byte U8(ReadOnlySpan<byte> d, int offset) => offset < d.Length ? d[offset] : (byte)0;

    private static uint U32(ReadOnlySpan<byte> d, int offset)
        => offset + 4 <= d.Length ? BinaryPrimitives.ReadUInt32LittleEndian(d[offset..]) : 0;

    private static ulong U64(ReadOnlySpan<byte> d, int offset)
        => offset + 8 <= d.Length ? BinaryPrimitives.ReadUInt64LittleEndian(d[offset..]) : 0;
}
