using System.Text.Json;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Core.Sockets;
using Xunit;

namespace Uncloak.Core.Tests.Forensics;

/// <summary>
/// Every sample under samples/forensics/dumps (real output of ss, nstat, netstat -s, ethtool -S, tc -s qdisc, ip -s link,
/// ip neigh, in several iproute2/net-tools eras and drivers, and pastes that mix them) is read and compared with the
/// fields its <c>.expect.json</c> names. Adding a sample adds a case; a sample without expectations fails.
/// </summary>
public sealed class DumpSampleTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "samples", "forensics", "dumps");

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.txt").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Fact]
    public void Every_dump_kind_has_a_sample()
    {
        var seen = Directory.EnumerateFiles(Folder, "*.txt").SelectMany(f => DumpReader.Read(File.ReadAllBytes(f)).Kinds).ToHashSet();
        foreach (var kind in Enum.GetValues<DumpKind>().Where(k => k != DumpKind.Probes))
        {
            Assert.Contains(kind, seen);
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_reads_as_expected(string name)
    {
        string expectPath = Path.Combine(Folder, Path.ChangeExtension(name, ".expect.json"));
        Assert.True(File.Exists(expectPath), $"{name} has no {Path.GetFileName(expectPath)}");
        var bytes = File.ReadAllBytes(Path.Combine(Folder, name));
        var evidence = DumpReader.Read(bytes);
        using var doc = JsonDocument.Parse(File.ReadAllText(expectPath));
        var expect = doc.RootElement;

        Assert.Equal(expect.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()!).ToArray(), evidence.Kinds.Select(k => k.Name()).ToArray());
        Assert.Equal(expect.GetProperty("kinds")[0].GetString(), DumpReader.Detect(bytes)?.Name());
        Assert.Equal(expect.GetProperty("malformed").GetInt64(), evidence.Malformed);
        if (expect.TryGetProperty("firstMalformedLine", out var fm))
        {
            Assert.Equal(fm.GetInt64(), evidence.FirstMalformedLine);
        }
        if (expect.TryGetProperty("other", out var other))
        {
            Assert.Equal(other.GetInt64(), evidence.OtherLines);
        }
        if (expect.TryGetProperty("sockets", out var sockets))
        {
            Assert.Equal(sockets.GetInt32(), evidence.Sockets.Count);
        }
        if (expect.TryGetProperty("socket", out var socketList))
        {
            foreach (var s in socketList.EnumerateArray())
            {
                CheckSocket(evidence.Sockets[s.GetProperty("index").GetInt32()], s);
            }
        }
        if (expect.TryGetProperty("counterCount", out var counterCount))
        {
            Assert.Equal(counterCount.GetInt32(), evidence.Counters.Count);
        }
        if (expect.TryGetProperty("counters", out var counters))
        {
            foreach (var c in counters.EnumerateObject())
            {
                Assert.True(evidence.Counters.TryGetValue(c.Name, out long v), $"{name}: no counter {c.Name}");
                Assert.Equal(c.Value.GetInt64(), v);
            }
        }
        if (expect.TryGetProperty("nics", out var nics))
        {
            Assert.Equal(nics.EnumerateObject().Count(), evidence.Nics.Count);
            foreach (var n in nics.EnumerateObject())
            {
                var nic = evidence.Nics[n.Name];
                Assert.Equal(n.Name, nic.Device);
                if (n.Value.TryGetProperty("count", out var count))
                {
                    Assert.Equal(count.GetInt32(), nic.Values.Count);
                }
                foreach (var v in n.Value.TryGetProperty("values", out var values) ? values.EnumerateObject() : default)
                {
                    Assert.Equal(v.Value.GetInt64(), nic.Value(v.Name));
                }
                foreach (var v in n.Value.TryGetProperty("sums", out var sums) ? sums.EnumerateObject() : default)
                {
                    Assert.Equal(v.Value.GetInt64(), nic.Sum(v.Name));
                }
            }
        }
        if (expect.TryGetProperty("qdiscs", out var qdiscs))
        {
            foreach (var q in qdiscs.EnumerateArray())
            {
                CheckQdisc(evidence.Qdiscs[q.GetProperty("index").GetInt32()], q);
            }
        }
        if (expect.TryGetProperty("links", out var links))
        {
            Assert.Equal(links.GetArrayLength(), evidence.Links.Count);
            foreach (var l in links.EnumerateArray())
            {
                var link = evidence.Links[l.GetProperty("index").GetInt32()];
                Assert.Equal(l.GetProperty("name").GetString(), link.Name);
                Assert.Equal(l.GetProperty("carrier").GetBoolean(), link.Carrier);
                if (l.TryGetProperty("adminUp", out var up))
                {
                    Assert.Equal(up.GetBoolean(), link.AdminUp);
                }
                if (l.TryGetProperty("operState", out var state))
                {
                    Assert.Equal(state.GetString(), link.OperState);
                }
                foreach (var c in l.GetProperty("counters").EnumerateObject())
                {
                    Assert.Equal(c.Value.GetInt64(), link.Counter(c.Name));
                }
            }
        }
        if (expect.TryGetProperty("neighbours", out var neighbours))
        {
            Assert.Equal(neighbours.GetArrayLength(), evidence.Neighbours.Count);
            foreach (var n in neighbours.EnumerateArray())
            {
                var entry = evidence.Neighbours[n.GetProperty("index").GetInt32()];
                Assert.Equal(n.GetProperty("state").GetString(), entry.State);
                if (n.TryGetProperty("address", out var a))
                {
                    Assert.Equal(a.GetString(), entry.Address.ToString());
                }
                if (n.TryGetProperty("device", out var d))
                {
                    Assert.Equal(d.GetString(), entry.Device);
                }
                if (n.TryGetProperty("lladdr", out var ll))
                {
                    Assert.Equal(ll.GetString(), entry.LinkAddress);
                }
                if (n.TryGetProperty("unresolved", out var u))
                {
                    Assert.Equal(u.GetBoolean(), entry.Unresolved);
                }
            }
        }
    }

    [Fact]
    public void Lines_past_the_limit_are_malformed_and_reading_goes_on()
    {
        var text = "#kernel\nTcpExtListenOverflows 5 0.0\n" + new string('x', DumpReader.MaxLineLength + 1) + "\nTcpExtListenDrops 7 0.0\n";
        var evidence = DumpReader.Read(System.Text.Encoding.ASCII.GetBytes(text));
        Assert.Equal(1, evidence.Malformed);
        Assert.Equal(3, evidence.FirstMalformedLine);
        Assert.Equal(5, evidence.Counters["TcpExt.ListenOverflows"]);
    }

    [Fact]
    public void Prose_alone_is_no_dump()
    {
        var evidence = DumpReader.Read("My server is down again.\nIt has 4 cores: and 2 NICs.\n"u8);
        Assert.True(evidence.IsEmpty);
        Assert.Equal(2, evidence.OtherLines);
        Assert.Null(DumpReader.Detect("My server is down again.\n"u8));
    }

    [Theory]
    [InlineData("1min29sec", 89_000u)]
    [InlineData("119min", 7_140_000u)]
    [InlineData("1.200sec", 1_200u)]
    [InlineData("29sec", 29_000u)]
    [InlineData("050ms", 50u)]
    [InlineData("", 0u)]
    public void Timer_durations_read_as_ss_prints_them(string text, uint millis)
    {
        Assert.True(SsParser.TryTimerMillis(System.Text.Encoding.ASCII.GetBytes(text), out uint read));
        Assert.Equal(millis, read);
    }

    private static void CheckSocket(SocketRecord socket, JsonElement s)
    {
        foreach (var p in s.EnumerateObject())
        {
            object? actual = p.Name switch
            {
                "index" => null,
                "state" => socket.State.ToString(),
                "local" => socket.Id.Local + ":" + socket.Id.LocalPort,
                "peer" => socket.Id.Remote + ":" + socket.Id.RemotePort,
                "recvQ" => (long)socket.RQueue,
                "sendQ" => (long)socket.WQueue,
                "timer" => socket.Timer.ToString(),
                "expiresMs" => (long)socket.ExpiresMillis,
                "timerRetries" => (long)socket.TimerRetries,
                "uid" => (long)socket.Uid,
                "inode" => (long)socket.Inode,
                "hasInfo" => socket.HasInfo,
                "rto" => (long)socket.Info.Rto,
                "rtt" => (long)socket.Info.Rtt,
                "rttVar" => (long)socket.Info.RttVar,
                "cwnd" => (long)socket.Info.SndCwnd,
                "unacked" => (long)socket.Info.Unacked,
                "retrans" => (long)socket.Info.Retrans,
                "totalRetrans" => (long)socket.Info.TotalRetrans,
                "lost" => (long)socket.Info.Lost,
                "lastSend" => (long)socket.Info.LastDataSent,
                "lastRecv" => (long)socket.Info.LastDataRecv,
                "lastAck" => (long)socket.Info.LastAckRecv,
                "notSent" => (long)socket.Info.NotsentBytes,
                "sndWnd" => socket.Info.HasSndWnd ? (long)socket.Info.SndWnd : null,
                _ => throw new InvalidOperationException("unknown expectation " + p.Name),
            };
            Compare(p, actual, $"socket {s.GetProperty("index")}");
        }
    }

    private static void CheckQdisc(QdiscStats q, JsonElement e)
    {
        foreach (var p in e.EnumerateObject())
        {
            object? actual = p.Name switch
            {
                "index" => null,
                "device" => q.Device,
                "kind" => q.Kind,
                "handle" => q.Handle,
                "parent" => q.Parent,
                "options" => q.Options,
                "sent" => q.SentBytes,
                "packets" => q.SentPackets,
                "drops" => q.Drops,
                "overlimits" => q.Overlimits,
                "requeues" => q.Requeues,
                "backlogBytes" => q.BacklogBytes,
                "backlogPackets" => q.BacklogPackets,
                _ => throw new InvalidOperationException("unknown expectation " + p.Name),
            };
            Compare(p, actual, $"qdisc {e.GetProperty("index")}");
        }
    }

    private static void Compare(JsonProperty p, object? actual, string where)
    {
        if (p.Name == "index")
        {
            return;
        }
        object? expected = p.Value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => p.Value.GetString(),
            JsonValueKind.True or JsonValueKind.False => p.Value.GetBoolean(),
            _ => p.Value.GetInt64(),
        };
        Assert.True(Equals(expected, actual), $"{where}: {p.Name} expected {expected ?? "null"}, read {actual ?? "null"}");
    }
}
