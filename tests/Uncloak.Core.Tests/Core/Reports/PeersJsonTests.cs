using System.Buffers;
using System.Text.Json;
using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Reports;
using Xunit;

namespace Uncloak.Core.Tests.Reports;

/// <summary>Issue 18 item 6: the report's peers written by two threads read exactly as written by one.</summary>
public sealed class PeersJsonTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(AnalysisJson.PeersWrittenInTwo, true)]
    [InlineData(AnalysisJson.PeersWrittenInTwo + 1, true)]
    [InlineData(5 * AnalysisJson.PeerChunk, false)]
    [InlineData(3_001, true)]
    [InlineData(3_001, false)]
    public void Peers_written_in_two_are_the_text_one_writer_writes(int count, bool indented)
    {
        var peers = Peers(count, seed: count);
        var options = new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        string inTwo = Document(options, w => AnalysisJson.WritePeers(w, peers, count, "wall"));
        string inOne = Document(options, w => AnalysisJson.WritePeers(w, peers, count, "wall", inTwoFrom: int.MaxValue));

        Assert.Equal(inOne, inTwo);
        using var parsed = JsonDocument.Parse(inTwo);
        var array = parsed.RootElement.GetProperty("peers");
        Assert.Equal(count, array.GetArrayLength());
        Assert.Equal(peers[count - 1].Address.ToString(), array[count - 1].GetProperty("address").GetString());
        Assert.Equal(peers[count - 1].Counts.Total, array[count - 1].GetProperty("total").GetInt64());
    }

    [Fact]
    public void Only_the_first_peers_asked_for_are_written_in_two()
    {
        var peers = Peers(2_000, seed: 7);

        string inTwo = Document(new JsonWriterOptions { Indented = true }, w => AnalysisJson.WritePeers(w, peers, 1_500, "uptime"));
        string inOne = Document(new JsonWriterOptions { Indented = true }, w => AnalysisJson.WritePeers(w, peers, 1_500, "uptime", inTwoFrom: int.MaxValue));

        Assert.Equal(inOne, inTwo);
        using var parsed = JsonDocument.Parse(inTwo);
        Assert.Equal(1_500, parsed.RootElement.GetProperty("peers").GetArrayLength());
    }

    [Fact]
    public void A_peer_that_cannot_be_read_fails_the_report_instead_of_hanging_it()
    {
        // The second thread's chunks are the odd ones: a list that throws in chunk 3 fails that thread, and the report's
        // thread must rethrow what it threw rather than wait for a chunk that never comes.
        var peers = new FailingList(Peers(1_000, seed: 9), failAt: 3 * AnalysisJson.PeerChunk + 5);

        var e = Assert.Throws<InvalidDataException>(() =>
            Document(new JsonWriterOptions { Indented = true }, w => AnalysisJson.WritePeers(w, peers, peers.Count, "wall")));
        Assert.Contains("peer 389", e.Message);
    }

    private static string Document(JsonWriterOptions options, Action<Utf8JsonWriter> peers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, options))
        {
            w.WriteStartObject();
            w.WriteNumber("before", 1);
            peers(w);
            w.WriteNumber("after", 2);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Peers of both families, some with no ports, some with many, some never seen at a time.</summary>
    private static List<PeerStats> Peers(int count, int seed)
    {
        var rnd = new Random(seed);
        var budget = new PortBudget(PortBudget.DefaultPairs);
        var peers = new List<PeerStats>(count);
        for (int i = 0; i < count; i++)
        {
            var address = i % 3 == 0
                ? NetAddress.FromV6(0x2001_0002_0000_0000UL + (uint)i, (ulong)rnd.NextInt64())
                : NetAddress.FromV4(0xC612_0000u | (uint)i);
            var peer = new PeerStats(address, budget);
            int events = rnd.Next(0, 30);
            for (int e = 0; e < events; e++)
            {
                var kind = rnd.Next(4) == 0 ? EventKind.Treason : EventKind.FirewallLog;
                ushort port = (ushort)(rnd.Next(3) == 0 ? rnd.Next(0, 65536) : new ushort[] { 22, 80, 443 }[rnd.Next(3)]);
                peer.Add(kind, port, i % 5 == 0 ? default : T0.AddSeconds(rnd.Next(0, 86_400)), rnd.Next(1, 4));
            }
            peers.Add(peer);
        }
        return peers;
    }

    private sealed class FailingList(List<PeerStats> inner, int failAt) : IReadOnlyList<PeerStats>
    {
        public PeerStats this[int index] => index == failAt ? throw new InvalidDataException($"peer {index}") : inner[index];

        public int Count => inner.Count;

        public IEnumerator<PeerStats> GetEnumerator() => inner.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
