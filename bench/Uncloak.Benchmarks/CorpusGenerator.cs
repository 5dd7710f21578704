using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Uncloak.Benchmarks;

/// <summary>
/// Writes a mixed kern.log of N lines, deterministic for a seed: ~35% netfilter LOG lines, ~5% shrunk-window
/// lines in all three forms (IPv4, full %pI6 IPv6 and IPv4-mapped), a sprinkle of the other families and
/// kernel noise for the rest; and a ground-truth JSON of per-peer, per-kind counts in canonical address form.
/// <c>--mix dense</c> writes the log of a misbehaving host instead (issue 18 item 6): 60% rare-kind events (NIC link
/// flaps, SYN-flood, conntrack-full and TCP out-of-memory lines), 15% LOG lines, 3% shrunk-window lines, the rest noise.
/// </summary>
public static class CorpusGenerator
{
    public static int Run(string[] args)
    {
        long lines = 10_000_000;
        int seed = 1;
        string output = "corpus.log", truthPath = "truth.json";
        bool dense = false;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--lines": lines = long.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--out": output = args[i + 1]; break;
                case "--truth": truthPath = args[i + 1]; break;
                case "--mix" when args[i + 1] is "standard" or "dense": dense = args[i + 1] == "dense"; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        var truth = Generate(lines, seed, output, dense);
        using var stream = File.Create(truthPath);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteNumber("lines", lines);
        w.WriteNumber("seed", seed);
        w.WriteString("mix", dense ? "dense" : "standard");
        w.WriteStartObject("events");
        foreach (var (kind, n) in truth.Kinds.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(kind, n);
        }
        w.WriteEndObject();
        w.WriteStartObject("peers");
        foreach (var (peer, kinds) in truth.Peers.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(peer);
            foreach (var (kind, n) in kinds.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(kind, n);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        Console.Error.WriteLine($"wrote {lines:N0} lines to {output}, truth to {truthPath}");
        return 0;
    }

    public sealed class Truth
    {
        public Dictionary<string, long> Kinds { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Dictionary<string, long>> Peers { get; } = new(StringComparer.Ordinal);

        public void Count(string kind, string? peer)
        {
            Kinds[kind] = Kinds.GetValueOrDefault(kind) + 1;
            if (peer is null)
            {
                return;
            }
            if (!Peers.TryGetValue(peer, out var k))
            {
                k = new Dictionary<string, long>(StringComparer.Ordinal);
                Peers[peer] = k;
            }
            k[kind] = k.GetValueOrDefault(kind) + 1;
        }
    }

    private static readonly string[] Noise =
    [
        "audit: type=1400 audit(1718597279.{0}:{1}): apparmor=\"DENIED\" operation=\"open\" profile=\"/usr/sbin/apache2\" name=\"/proc/{1}/status\" pid={1} comm=\"apache2\" requested_mask=\"r\" denied_mask=\"r\" fsuid=33 ouid=0",
        "EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro",
        "perf: interrupt took too long ({0} > 2500), lowering kernel.perf_event_max_sample_rate to 79750",
        "systemd[1]: Started Session {1} of user www-data.",
        "usb 1-1: new high-speed USB device number {0} using xhci_hcd",
        "sd 0:0:0:0: [sda] Write cache: enabled, read cache: enabled, doesn't support DPO or FUA",
        "apache2[{1}]: segfault at 0 ip 00007f3a1c2b4d10 sp 00007ffd4c1e2a40 error 4 in libc.so.6[7f3a1c200000+155000]",
        "Out of memory: Killed process {1} (php-fpm) total-vm:{0}kB, anon-rss:{1}kB, file-rss:0kB",
        "ata1: SATA link up 6.0 Gbps (SStatus 133 SControl 300)",
        "IPv6: ADDRCONF(NETDEV_UP): eth0: link is not ready",
    ];

    public static Truth Generate(long count, int seed, string path, bool dense = false)
    {
        var rnd = new Random(seed);
        var truth = new Truth();
        var v4Peers = Enumerable.Range(0, 20_000).Select(_ => (uint)rnd.NextInt64(0x0B000000L, 0xDF000000L)).ToArray();
        var v6Peers = Enumerable.Range(0, 2_000).Select(_ => ((ulong)0x20010DB8_0000_0000UL | (ulong)rnd.Next(0, 1 << 16) << 16, (ulong)rnd.NextInt64())).ToArray();
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        var sb = new StringBuilder(512);
        double uptime = 1000;
        for (long i = 0; i < count; i++)
        {
            var t = start.AddMilliseconds(i * 250);
            uptime += 0.25;
            sb.Clear();
            sb.Append(t.ToString("MMM", CultureInfo.InvariantCulture)).Append(' ').Append(t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2))
              .Append(' ').Append(t.ToString("HH:mm:ss", CultureInfo.InvariantCulture)).Append(" web1 kernel: [")
              .Append(uptime.ToString("0.000000", CultureInfo.InvariantCulture).PadLeft(12)).Append("] ");
            double roll = rnd.NextDouble();
            if (dense)
            {
                // Shift the standard mix's thresholds: [0, 0.6) rare kinds, then 15% LOG, 3% treason, noise.
                if (roll < 0.60)
                {
                    AppendRare(sb, rnd, roll / 0.60, truth);
                    w.WriteLine(sb);
                    continue;
                }
                roll = roll < 0.75 ? (roll - 0.60) / 0.15 * 0.35 : roll < 0.78 ? 0.35 + (roll - 0.75) / 0.03 * 0.05 : 0.5;
            }
            if (roll < 0.35)
            {
                var src = V4(v4Peers[Skewed(rnd, v4Peers.Length)]);
                int dpt = rnd.Next(10) < 7 ? new[] { 22, 23, 445, 3389, 8080, 3306 }[rnd.Next(6)] : rnd.Next(1, 65536);
                sb.Append(rnd.Next(2) == 0 ? "[UFW BLOCK] " : "IPTABLES-DROP: ")
                  .Append("IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=").Append(src)
                  .Append(" DST=198.51.100.10 LEN=44 TOS=0x00 PREC=0x00 TTL=").Append(rnd.Next(40, 250))
                  .Append(" ID=").Append(rnd.Next(1, 65536)).Append(" PROTO=TCP SPT=").Append(rnd.Next(1024, 65536))
                  .Append(" DPT=").Append(dpt).Append(" WINDOW=1024 RES=0x00 SYN URGP=0 ");
                truth.Count("firewall_log", src);
            }
            else if (roll < 0.40)
            {
                uint una = (uint)rnd.NextInt64(0, 1L << 32);
                uint nxt = unchecked(una + (uint)rnd.Next(1, 9000));
                int form = rnd.Next(10);
                string canonical;
                string printed;
                if (form < 8)
                {
                    var p = v4Peers[Skewed(rnd, v4Peers.Length)];
                    canonical = V4(p);
                    printed = form == 7 ? "0000:0000:0000:0000:0000:ffff:" + (p >> 16).ToString("x4", CultureInfo.InvariantCulture) + ":" + (p & 0xffff).ToString("x4", CultureInfo.InvariantCulture) : canonical;
                }
                else
                {
                    var (hi, lo) = v6Peers[rnd.Next(v6Peers.Length)];
                    printed = Full6(hi, lo);
                    canonical = System.Net.IPAddress.Parse(printed).ToString();
                }
                int peerPort = rnd.Next(1024, 65536);
                int localPort = rnd.Next(4) == 0 ? 443 : 80;
                switch (rnd.Next(3))
                {
                    case 0:
                        sb.Append("TCP: Treason uncloaked! Peer ").Append(printed).Append(':').Append(peerPort).Append('/').Append(localPort)
                          .Append(" shrinks window ").Append(una).Append(':').Append(nxt).Append(". Repaired.");
                        break;
                    case 1:
                        sb.Append("TCP: Peer ").Append(printed).Append(':').Append(peerPort).Append('/').Append(localPort)
                          .Append(" unexpectedly shrunk window ").Append(una).Append(':').Append(nxt).Append(" (repaired)");
                        break;
                    default:
                        sb.Append("Probing zero-window on ").Append(printed).Append(':').Append(peerPort).Append('/').Append(localPort)
                          .Append(", seq=").Append(una).Append(':').Append(nxt).Append(", recv ").Append(rnd.Next(1, 5000)).Append("ms ago, lasting ")
                          .Append(rnd.Next(1, 10000)).Append("ms");
                        break;
                }
                truth.Count("treason", canonical);
            }
            else if (roll < 0.4005)
            {
                sb.Append("TCP: request_sock_TCP: Possible SYN flooding on port 0.0.0.0:80. Sending cookies.");
                truth.Count("syn_flood", null);
            }
            else if (roll < 0.401)
            {
                sb.Append("nf_conntrack: nf_conntrack: table full, dropping packet");
                truth.Count("conntrack_full", null);
            }
            else if (roll < 0.4012)
            {
                sb.Append(rnd.Next(2) == 0 ? "e1000e 0000:00:19.0 eth0: NIC Link is Down" : "e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx");
                truth.Count("nic_link", null);
            }
            else if (roll < 0.4013)
            {
                sb.Append("e1000e 0000:00:19.0 eth0: NETDEV WATCHDOG: CPU: 1: transmit queue 0 timed out 5368 ms");
                truth.Count("netdev_watchdog", null);
            }
            else if (roll < 0.4018)
            {
                var src = V4(v4Peers[rnd.Next(v4Peers.Length)]);
                sb.Append("IPv4: martian source 198.51.100.10 from ").Append(src).Append(", on dev eth0");
                truth.Count("martian", null);
            }
            else
            {
                sb.Append(string.Format(CultureInfo.InvariantCulture, Noise[rnd.Next(Noise.Length)], rnd.Next(100, 9999), rnd.Next(1000, 99999)));
            }
            w.WriteLine(sb);
        }
        return truth;
    }

    /// <summary>One rare-kind line for the dense mix; <paramref name="u"/> in [0, 1) picks the kind.</summary>
    private static void AppendRare(StringBuilder sb, Random rnd, double u, Truth truth)
    {
        if (u < 0.35)
        {
            int nic = rnd.Next(4);
            sb.Append("e1000e 0000:00:").Append(0x19 + nic).Append(".0 eth").Append(nic)
              .Append(rnd.Next(2) == 0 ? ": NIC Link is Down" : ": NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx");
            truth.Count("nic_link", null);
        }
        else if (u < 0.60)
        {
            sb.Append("TCP: request_sock_TCP: Possible SYN flooding on port 198.18.0.").Append(10 + rnd.Next(4)).Append(':')
              .Append(rnd.Next(2) == 0 ? 80 : 443).Append(rnd.Next(3) == 0 ? ". Dropping request.  Check SNMP counters." : ". Sending cookies.");
            truth.Count("syn_flood", null);
        }
        else if (u < 0.85)
        {
            sb.Append("nf_conntrack: nf_conntrack: table full, dropping packet");
            truth.Count("conntrack_full", null);
        }
        else
        {
            bool oom = u < 0.925;
            sb.Append(oom ? "TCP: out of memory -- consider tuning tcp_mem" : "TCP: too many orphaned sockets");
            truth.Count(oom ? "tcp_out_of_memory" : "too_many_orphans", null);
        }
    }

    /// <summary>A few heavy hitters and a long tail, as on a real server.</summary>
    private static int Skewed(Random rnd, int n) => (int)Math.Min(n - 1, Math.Floor(Math.Pow(rnd.NextDouble(), 3) * n));

    private static string V4(uint a) => $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";

    private static string Full6(ulong hi, ulong lo)
    {
        Span<ushort> g = [(ushort)(hi >> 48), (ushort)(hi >> 32), (ushort)(hi >> 16), (ushort)hi, (ushort)(lo >> 48), (ushort)(lo >> 32), (ushort)(lo >> 16), (ushort)lo];
        var sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i > 0)
            {
                sb.Append(':');
            }
            sb.Append(g[i].ToString("x4", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
