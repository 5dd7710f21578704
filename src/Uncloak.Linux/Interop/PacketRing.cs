using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Uncloak.Linux.Interop;

/// <summary>
/// An AF_PACKET socket with a TPACKET_V3 receive ring (packet(7), Documentation/networking/packet_mmap.rst): the kernel
/// fills fixed-size blocks of the mmap'ed ring with packets and hands each whole block to user space, which gives it back
/// by clearing its status. A classic BPF filter attached before the bind keeps everything but TCP in the kernel.
/// SOCK_DGRAM: frames arrive without their link header (the IP header first), whatever the interface type.
/// </summary>
internal sealed unsafe partial class PacketRing : IDisposable
{
    private const int AF_PACKET = 17;
    private const int SOCK_DGRAM = 2;
    private const int SOCK_CLOEXEC = 0x80000;
    private const ushort ETH_P_ALL = 0x0003;
    private const int SOL_SOCKET = 1;
    private const int SO_ATTACH_FILTER = 26;
    private const int SOL_PACKET = 263;
    private const int PACKET_RX_RING = 5;
    private const int PACKET_STATISTICS = 6;
    private const int PACKET_VERSION = 10;
    private const int TPACKET_V3 = 2;
    private const uint TP_STATUS_KERNEL = 0;
    private const uint TP_STATUS_USER = 1;
    private const int PROT_READ = 1;
    private const int PROT_WRITE = 2;
    private const int MAP_SHARED = 1;
    private const short POLLIN = 0x001;
    private const short POLLERR = 0x008;
    private const int EINTR = 4;

    private readonly FileDescriptor _fd;
    private readonly byte* _ring;
    private readonly int _blockSize;
    private readonly int _blockCount;
    private int _current;

    private PacketRing(FileDescriptor fd, byte* ring, int blockSize, int blockCount)
    {
        _fd = fd;
        _ring = ring;
        _blockSize = blockSize;
        _blockCount = blockCount;
    }

    /// <summary>
    /// Opens the ring on <paramref name="interfaceIndex"/> (0: every interface) of the calling thread's network namespace.
    /// <paramref name="blockSize"/> must be a multiple of the page size; <paramref name="retireMillis"/> is how long the
    /// kernel keeps a partly filled block before handing it over (the latency bound on a quiet link).
    /// </summary>
    public static PacketRing Open(int interfaceIndex, int blockSize, int blockCount, int retireMillis, ReadOnlySpan<SockFilter> filter)
    {
        int fd = Libc.Socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, BinaryPrimitives.ReverseEndianness(ETH_P_ALL));
        if (fd < 0)
        {
            // EPERM without CAP_NET_RAW; EAFNOSUPPORT without CONFIG_PACKET: both environment errors for the caller.
            throw Failure("socket(AF_PACKET)");
        }
        var handle = new FileDescriptor(fd);
        try
        {
            int version = TPACKET_V3;
            Check(SetSockOpt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(int)), "setsockopt(PACKET_VERSION, TPACKET_V3)");
            fixed (SockFilter* program = filter)
            {
                var fprog = new SockFprog { Length = (ushort)filter.Length, Filter = program };
                // Attached before the ring and the bind, so no unfiltered packet is ever queued.
                Check(SetSockOpt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(SockFprog)), "setsockopt(SO_ATTACH_FILTER)");
            }
            var request = new TpacketReq3
            {
                BlockSize = (uint)blockSize,
                BlockCount = (uint)blockCount,
                FrameSize = 2048,
                FrameCount = (uint)((long)blockSize * blockCount / 2048),
                RetireBlockTimeout = (uint)retireMillis,
            };
            Check(SetSockOpt(fd, SOL_PACKET, PACKET_RX_RING, &request, sizeof(TpacketReq3)), "setsockopt(PACKET_RX_RING)");
            nint length = (nint)((long)blockSize * blockCount);
            void* ring = Mmap(null, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            if (ring == (void*)-1)
            {
                throw Failure("mmap(packet ring)");
            }
            var address = new SockaddrLl { Family = AF_PACKET, Protocol = BinaryPrimitives.ReverseEndianness(ETH_P_ALL), InterfaceIndex = interfaceIndex };
            if (Bind(fd, &address, sizeof(SockaddrLl)) != 0)
            {
                var e = Failure("bind(AF_PACKET)");
                _ = Munmap(ring, length);
                throw e;
            }
            return new PacketRing(handle, (byte*)ring, blockSize, blockCount);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMillis"/> for the next block, hands its packets to <paramref name="onPacket"/>
    /// (data from the network header; seconds and nanoseconds; captured and wire length) and returns the block to the
    /// kernel. Returns the number of packets, 0 on timeout. With <paramref name="skip"/> the block is returned unread
    /// (shedding load) and its packet count still returned.
    /// </summary>
    public int ReadBlock(int timeoutMillis, PacketHandler onPacket, bool skip = false)
    {
        byte* block = _ring + (long)_current * _blockSize;
        ref uint status = ref *(uint*)(block + 8);
        if ((Volatile.Read(ref status) & TP_STATUS_USER) == 0)
        {
            var pfd = new PollFd { Fd = _fd.Fd, Events = POLLIN | POLLERR };
            int n = Poll(&pfd, 1, timeoutMillis);
            if (n < 0 && Marshal.GetLastPInvokeError() != EINTR)
            {
                throw Failure("poll(packet ring)");
            }
            if ((Volatile.Read(ref status) & TP_STATUS_USER) == 0)
            {
                return 0;
            }
        }
        // struct tpacket_block_desc: version, offset_to_priv, then tpacket_hdr_v1: block_status, num_pkts, offset_to_first_pkt…
        int count = (int)*(uint*)(block + 12);
        if (!skip)
        {
            byte* packet = block + *(uint*)(block + 16);
            for (int i = 0; i < count; i++)
            {
                // struct tpacket3_hdr: next_offset, sec, nsec, snaplen, len, status, mac (u16), net (u16).
                uint next = *(uint*)packet;
                uint sec = *(uint*)(packet + 4);
                uint nsec = *(uint*)(packet + 8);
                int snap = (int)*(uint*)(packet + 12);
                int len = (int)*(uint*)(packet + 16);
                ushort net = *(ushort*)(packet + 26);
                onPacket(new ReadOnlySpan<byte>(packet + net, snap), sec, nsec, len);
                if (next == 0)
                {
                    break;
                }
                packet += next;
            }
        }
        Volatile.Write(ref status, TP_STATUS_KERNEL);
        _current = (_current + 1) % _blockCount;
        return count;
    }

    /// <summary>Packets the kernel passed the filter and dropped because the ring was full, since the last call (the counter resets on read).</summary>
    public (long Packets, long Drops) ReadStatistics()
    {
        // struct tpacket_stats_v3: tp_packets, tp_drops, tp_freeze_q_cnt.
        uint* stats = stackalloc uint[3];
        int length = 12;
        Check(GetSockOpt(_fd.Fd, SOL_PACKET, PACKET_STATISTICS, stats, &length), "getsockopt(PACKET_STATISTICS)");
        return (stats[0], stats[1]);
    }

    public void Dispose()
    {
        _ = Munmap(_ring, (nint)((long)_blockSize * _blockCount));
        _fd.Dispose();
    }

    public delegate void PacketHandler(ReadOnlySpan<byte> data, uint seconds, uint nanoseconds, int wireLength);

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw Failure(what);
        }
    }

    private static IOException Failure(string what)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{what} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int GetSockOpt(int fd, int level, int name, void* value, int* length);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static partial int Bind(int fd, void* address, int length);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial void* Mmap(void* address, nint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(void* address, nint length);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct TpacketReq3
    {
        public uint BlockSize;
        public uint BlockCount;
        public uint FrameSize;
        public uint FrameCount;
        public uint RetireBlockTimeout;
        public uint SizeofPriv;
        public uint FeatureReqWord;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SockFprog
    {
        public ushort Length;
        public SockFilter* Filter;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SockaddrLl
    {
        public ushort Family;
        public ushort Protocol;
        public int InterfaceIndex;
        public ushort HardwareType;
        public byte PacketType;
        public byte AddressLength;
        public ulong Address;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}

/// <summary>One classic BPF instruction (struct sock_filter).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct SockFilter(ushort Code, byte JumpTrue, byte JumpFalse, uint K);
