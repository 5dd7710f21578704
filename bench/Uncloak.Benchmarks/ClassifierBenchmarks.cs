using System.Text;
using BenchmarkDotNet.Attributes;
using Uncloak.Core.Framing;
using Uncloak.Core.Messages;

namespace Uncloak.Benchmarks;

/// <summary>
/// The per-line hot path: framing a syslog line and classifying its message. The noise case (a kernel
/// line of no network family) must allocate nothing; event cases allocate only what survives.
/// </summary>
[MemoryDiagnoser]
public class ClassifierBenchmarks
{
    private static readonly DateTime LogEnd = new(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    private readonly MessageClassifier _classifier = new();
    private readonly LogFramer _framer = new(LogFormat.Syslog, LogEnd);
    private byte[] _line = [];
    private byte[] _message = [];

    // The rare kinds a misbehaving host logs by the hundred thousand (the dense mix of issue 18) besides SYN-flood and link lines.
    [Params("noise", "treason", "firewall", "syn_flood", "nic_link", "conntrack_full", "too_many_orphans", "tcp_out_of_memory")]
    public string Case { get; set; } = "noise";

    [GlobalSetup]
    public void Setup()
    {
        _line = Encoding.ASCII.GetBytes(Case switch
        {
            "noise" => "Jun 17 04:07:59 web1 kernel: [12345.678901] EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)",
            "treason" => "Jun 17 04:07:59 web1 kernel: TCP: Treason uncloaked! Peer 168.209.98.35:43301/80 shrinks window 2244026871:2244027701. Repaired.",
            "firewall" => "Jun 17 04:07:59 web1 kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=185.220.101.4 DST=198.51.100.10 LEN=44 TOS=0x00 PREC=0x00 TTL=240 ID=54321 PROTO=TCP SPT=43210 DPT=3389 WINDOW=1024 RES=0x00 SYN URGP=0 ",
            "syn_flood" => "Jun 17 04:07:59 web1 kernel: [  840.538439] TCP: request_sock_TCP: Possible SYN flooding on port 198.18.0.10:80. Sending cookies.",
            "conntrack_full" => "Jun 17 04:07:59 web1 kernel: [ 1000.500000] nf_conntrack: nf_conntrack: table full, dropping packet",
            "too_many_orphans" => "Jun 17 04:07:59 web1 kernel: [ 1001.500000] TCP: too many orphaned sockets",
            "tcp_out_of_memory" => "Jun 17 04:07:59 web1 kernel: [ 1001.750000] TCP: out of memory -- consider tuning tcp_mem",
            _ => "Jun 17 04:07:59 web1 kernel: [   12.345678] e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
        });
        _framer.Frame(_line, out var framed);
        _message = framed.Message.ToArray();
    }

    /// <summary>Framing alone: the syslog stamp, host, tag and kernel uptime in front of the message.</summary>
    [Benchmark]
    public bool Frame() => _framer.Frame(_line, out _) == FrameResult.Record;

    /// <summary>Classification alone, of the message framing left (the anchor search and, on a hit, the parser).</summary>
    [Benchmark]
    public bool Classify() => _classifier.TryParse(_message, out _);

    [Benchmark]
    public bool FrameAndClassify()
    {
        _framer.Frame(_line, out var framed);
        return _classifier.TryParse(framed.Message, out _);
    }
}
