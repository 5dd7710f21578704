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
    private const ushort LdHalfInd = 0x48;   // BPF_LD | BPF_H | BPF_IND
    private const ushort LdxMsh = 0xB1;      // BPF_LDX | BPF_B | BPF_MSH: X = 4 * (P[k] & 0xf)
    private const ushort LdxImm = 0x01;      // BPF_LDX | BPF_W | BPF_IMM
    private const ushort Ja = 0x05;          // BPF_JMP | BPF_JA
    private const ushort JsetK = 0x45;       // BPF_JMP | BPF_JSET | BPF_K
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

    /// <summary>
    /// TCP to or from any of <paramref name="ports"/> (1 to 64 of them), cut to <paramref name="snaplen"/> bytes: IPv4
    /// (first fragments and unfragmented, at the header length the packet gives) and IPv6 whose first next header is TCP.
    /// Everything else, other ports included, never leaves the kernel: the incident packet ring costs nothing for traffic
    /// it does not keep.
    /// </summary>
    public static SockFilter[] TcpPorts(IReadOnlyList<int> ports, int snaplen)
    {
        ArgumentNullException.ThrowIfNull(ports);
        // Each port is compared twice; jumps are 8-bit, so the accept at the end must stay within 255 instructions.
        ArgumentOutOfRangeException.ThrowIfLessThan(ports.Count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ports.Count, 64);
        int n = ports.Count;
        int reject = 14 + 2 * n;
        int accept = reject + 1;
        var program = new List<SockFilter>(accept + 1)
        {
            new(LdHalfAbs, 0, 0, SkfAdProtocol),                 // 0: A = ethertype
            new(JeqK, 0, 6, 0x0800),                             // 1: IPv4? → 2, else → 8
            new(LdByteAbs, 0, 0, 9),                             // 2: A = IPv4 protocol
            new(JeqK, 0, (byte)(reject - 4), 6),                 // 3: TCP → 4, else reject
            new(LdHalfAbs, 0, 0, 6),                             // 4: A = flags and fragment offset
            new(JsetK, (byte)(reject - 6), 0, 0x1FFF),           // 5: a later fragment (no TCP header) → reject
            new(LdxMsh, 0, 0, 0),                                // 6: X = IPv4 header length
            new(Ja, 0, 0, 4),                                    // 7: → 12
            new(JeqK, 0, (byte)(reject - 9), 0x86DD),            // 8: IPv6? → 9, else reject
            new(LdByteAbs, 0, 0, 6),                             // 9: A = IPv6 next header
            new(JeqK, 0, (byte)(reject - 11), 6),                // 10: TCP → 11, else reject
            new(LdxImm, 0, 0, 40),                               // 11: X = IPv6 header length
            new(LdHalfInd, 0, 0, 0),                             // 12: A = source port
        };
        for (int i = 0; i < n; i++)
        {
            program.Add(new(JeqK, (byte)(accept - program.Count - 1), 0, (uint)ports[i]));
        }
        program.Add(new(LdHalfInd, 0, 0, 2));                    // A = destination port
        for (int i = 0; i < n; i++)
        {
            program.Add(new(JeqK, (byte)(accept - program.Count - 1), 0, (uint)ports[i]));
        }
        program.Add(new(RetK, 0, 0, 0));                         // reject
        program.Add(new(RetK, 0, 0, (uint)snaplen));             // accept snaplen bytes
        return [.. program];
    }
}
