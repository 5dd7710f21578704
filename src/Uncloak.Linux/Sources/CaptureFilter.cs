using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Sources;

/// <summary>
/// The classic BPF program the live capture attaches (compiled here, not by libpcap): on a SOCK_DGRAM packet socket the
/// filter sees the network header at offset 0 and the ethertype through the SKF_AD_PROTOCOL ancillary load. It keeps
/// IPv4 TCP and IPv6 packets whose first next-header is TCP or an extension header TCP may follow, cut to
/// <c>snaplen</c> bytes; everything else never leaves the kernel.
/// </summary>
internal static class CaptureFilter
{
    private const ushort LdHalfAbs = 0x28;   // BPF_LD | BPF_H | BPF_ABS
    private const ushort LdByteAbs = 0x30;   // BPF_LD | BPF_B | BPF_ABS
    private const ushort JeqK = 0x15;        // BPF_JMP | BPF_JEQ | BPF_K
    private const ushort RetK = 0x06;        // BPF_RET | BPF_K
    private const uint SkfAdProtocol = 0xFFFFF000; // SKF_AD_OFF (−0x1000) + SKF_AD_PROTOCOL (0)

    public static SockFilter[] TcpOnly(int snaplen) =>
    [
        new(LdHalfAbs, 0, 0, SkfAdProtocol),  // 0: A = ethertype
        new(JeqK, 0, 2, 0x0800),              // 1: IPv4? → 2, else → 4
        new(LdByteAbs, 0, 0, 9),              // 2: A = IPv4 protocol
        new(JeqK, 12, 13, 6),                 // 3: TCP → accept (16), else reject (17)
        new(JeqK, 0, 12, 0x86DD),             // 4: IPv6? → 5, else reject
        new(LdByteAbs, 0, 0, 6),              // 5: A = IPv6 next header
        new(JeqK, 9, 0, 6),                   // 6: TCP → accept
        new(JeqK, 3, 0, 0),                   // 7: hop-by-hop → look behind it (11)
        new(JeqK, 7, 0, 43),                  // 8: routing → accept
        new(JeqK, 6, 0, 44),                  // 9: fragment → accept
        new(JeqK, 5, 6, 60),                  // 10: destination options → accept, else reject
        // A hop-by-hop header is what every MLD report and router alert carries: one more look (it starts right after
        // the fixed 40-byte header) keeps that ICMPv6 chatter out; a longer chain is kept, the decoder then decides.
        new(LdByteAbs, 0, 0, 40),             // 11: A = next header after hop-by-hop
        new(JeqK, 3, 0, 6),                   // 12: TCP → accept
        new(JeqK, 2, 0, 43),                  // 13: routing → accept
        new(JeqK, 1, 0, 44),                  // 14: fragment → accept
        new(JeqK, 0, 1, 60),                  // 15: destination options → accept, else reject
        new(RetK, 0, 0, (uint)snaplen),       // 16: accept snaplen bytes
        new(RetK, 0, 0, 0),                   // 17: reject
    ];
}
