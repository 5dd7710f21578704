using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Uncloak.Core.Signals;
using Uncloak.Core.Sockets;

namespace Uncloak.Benchmarks;

/// <summary>
/// The user-space half of `uncloak sockets` on a 100,000-socket table: decoding the sock_diag datagrams and analysing
/// the snapshot. The datagrams are built from the established-socket message captured from a 6.18 kernel
/// (tests/Uncloak.Core.Tests/fixtures/sockdiag/ipv4-dump.bin), repeated with distinct ports and cookies and packed
/// ~32 KiB per datagram as the kernel does. The kernel's own dump time is measured by bench/sockets/run.sh.
/// </summary>
[MemoryDiagnoser]
public class SocketTableBenchmarks
{
    private const int Sockets = 100_000;
    private readonly List<byte[]> _datagrams = [];
    private SocketTable _table = null!;

    [GlobalSetup]
    public void Setup()
    {
        var fixture = File.ReadAllBytes(Path.Combine(FindRepo(), "tests", "Uncloak.Core.Tests", "fixtures", "sockdiag", "ipv4-dump.bin"));
        int first = SockDiag.Align(BinaryPrimitives.ReadInt32LittleEndian(fixture));
        int len = BinaryPrimitives.ReadInt32LittleEndian(fixture.AsSpan(first));
        var message = fixture.AsSpan(first, len).ToArray(); // the established server socket in persist
        int aligned = SockDiag.Align(len);
        int perDatagram = 32 * 1024 / aligned;
        for (int i = 0; i < Sockets; i += perDatagram)
        {
            int n = Math.Min(perDatagram, Sockets - i);
            var d = new byte[n * aligned];
            for (int k = 0; k < n; k++)
            {
                var m = d.AsSpan(k * aligned, len);
                message.CopyTo(m);
                int id = i + k;
                BinaryPrimitives.WriteUInt16BigEndian(m[(16 + 6)..], (ushort)(1024 + id % 60000)); // remote port
                m[16 + 24 + 3] = (byte)(id >> 16); // remote address low octets: spread over many peers
                m[16 + 24 + 2] = (byte)(id >> 8);
                BinaryPrimitives.WriteUInt32LittleEndian(m[(16 + 44)..], (uint)id); // cookie
            }
            _datagrams.Add(d);
        }
        _table = Decode();
    }

    [Benchmark]
    public SocketTable Decode()
    {
        var reader = new SockDiagReader();
        var list = new List<SocketRecord>(1024);
        foreach (var d in _datagrams)
        {
            reader.Read(d, list);
        }
        return new SocketTable(DateTime.UnixEpoch, list, reader.Malformed);
    }

    [Benchmark]
    public SocketFindings Analyze() => SocketAnalyzer.Analyze(_table);

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Uncloak.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("cannot find the repository root (Uncloak.slnx) above " + AppContext.BaseDirectory);
    }
}
