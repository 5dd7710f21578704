using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Core.Messages;
using Uncloak.Core.Reports;
using Xunit;

namespace Uncloak.Core.Tests.Analysis;

/// <summary>
/// Issue 18 items 4 and 5: reports count connections and stalls apart, the verdict follows what the evidence supports,
/// and the direction of a connection between two unusual ports comes from the listeners and the port ranges.
/// </summary>
public sealed class StallsAndDirectionTests
{
    private static readonly DateTime LogEnd = new(2009, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    private static AnalysisReport Analyze(string fixture, ServicePorts? listening = null)
    {
        var builder = new AnalysisBuilder { Listening = listening ?? ServicePorts.None };
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "stalls", fixture)))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }
            var decoded = LineDecoder.Decode(line, LogEnd);
            Assert.True(decoded.Event is not null, $"not decoded: {line}");
            builder.Add(decoded.Event!.Value, 1);
        }
        return builder.Build();
    }

    [Fact]
    public void Nine_stalls_of_one_connection_are_one_connection_and_a_peer_worth_watching_not_an_attack()
    {
        var r = Analyze("one-connection-nine-stalls.log");

        Assert.Equal(9, r.TreasonEpisodes.Count);
        Assert.Equal(1, r.TreasonEpisodes.Statistics.Connections);
        Assert.Equal(9, r.TreasonEpisodes.Statistics.MostStallsOnOneConnection);
        var treason = r.Findings.Single(f => f.Id == "treason");
        Assert.Equal(Severity.Notice, treason.Severity);
        Assert.Contains("worth watching", treason.Conclusion, StringComparison.Ordinal);
        Assert.DoesNotContain("sockstress", treason.Conclusion, StringComparison.Ordinal);
        Assert.Contains("9 stall(s) on 1 connection(s)", treason.Evidence[0], StringComparison.Ordinal);
        Assert.DoesNotContain(r.Findings, f => f.Severity >= Severity.Warning);
    }

    [Fact]
    public void Connections_are_counted_exactly_when_their_stalls_spread_over_the_whole_episode_table()
    {
        // 3,000 peers with two connections each, three stalls per connection, and one connection of the last peer
        // with two more: far more connections than the table has parts, so every part holds several.
        var builder = new AnalysisBuilder();
        for (int peer = 0; peer < 3000; peer++)
        {
            for (int connection = 0; connection < 2; connection++)
            {
                int stalls = peer == 2999 && connection == 1 ? 5 : 3;
                for (int stall = 0; stall < stalls; stall++)
                {
                    string line = $"Jan 24 20:{peer / 60 % 60:00}:{peer % 60:00} web1 kernel: TCP: Peer 198.18.{peer / 250}.{peer % 250 + 1}:{40000 + connection}/443 " +
                        $"unexpectedly shrunk window {1000 + stall * 10}:{2000 + stall * 10} (repaired)";
                    builder.Add(LineDecoder.Decode(line, LogEnd).Event!.Value, 1);
                }
            }
        }

        var statistics = builder.Build().TreasonEpisodes.Statistics;

        Assert.Equal(3000, statistics.DistinctPeers);
        Assert.Equal(6000, statistics.Connections);
        Assert.Equal(5, statistics.MostStallsOnOneConnection);
        Assert.Equal(8, statistics.TopPeer.Episodes);
        Assert.Equal(2, statistics.TopPeerConnections);
    }

    [Fact]
    public void One_peer_holding_many_connections_stalled_is_a_warning()
    {
        var r = Analyze("one-peer-five-connections.log");

        Assert.Equal(5, r.TreasonEpisodes.Count);
        Assert.Equal(5, r.TreasonEpisodes.Statistics.Connections);
        var treason = r.Findings.Single(f => f.Id == "treason");
        Assert.Equal(Severity.Warning, treason.Severity);
        Assert.Contains("sockstress", treason.Conclusion, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_report_counts_stalls_and_connections_apart()
    {
        var r = Analyze("one-connection-nine-stalls.log");
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            AnalysisJson.Write(w, r);
        }
        var json = System.Text.Json.JsonDocument.Parse(buffer.WrittenMemory).RootElement.GetProperty("treason");

        Assert.Equal(9, json.GetProperty("stalls").GetInt32());
        Assert.Equal(1, json.GetProperty("connections").GetInt32());
        Assert.Equal(9, json.GetProperty("most_stalls_on_one_connection").GetInt32());
    }

    [Fact]
    public void Html_report_counts_stalls_and_connections_apart()
    {
        var html = AnalysisHtml.Render(Analyze("one-connection-nine-stalls.log"), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Contains("9 stalls (same peer, ports and snd_una) on 1 connections", html, StringComparison.Ordinal);
    }

    [Theory]
    // P2P port here, a client's ephemeral port there: the peer connected to this host.
    [InlineData(6960, 50524, ConnectionDirection.Inbound)]
    // This host's ephemeral port against a registered port: this host connected out.
    [InlineData(41000, 6881, ConnectionDirection.Outbound)]
    // Well-known ports still decide first.
    [InlineData(443, 51514, ConnectionDirection.Inbound)]
    [InlineData(51514, 443, ConnectionDirection.Outbound)]
    // Both ephemeral, both registered: nothing tells.
    [InlineData(40000, 50000, ConnectionDirection.Unknown)]
    [InlineData(6881, 6889, ConnectionDirection.Unknown)]
    public void Direction_from_the_port_ranges_when_no_listener_is_known(int local, int peer, ConnectionDirection expected)
        => Assert.Equal(expected, ServicePorts.None.DirectionOf((ushort)local, (ushort)peer));

    [Fact]
    public void A_known_listener_decides_where_the_ports_cannot()
    {
        var partial = new ServicePorts([40000]);
        Assert.Equal(ConnectionDirection.Inbound, partial.DirectionOf(40000, 50000));
        Assert.Equal(ConnectionDirection.Unknown, partial.DirectionOf(6881, 6889));

        var complete = new ServicePorts([6889], complete: true);
        Assert.Equal(ConnectionDirection.Inbound, complete.DirectionOf(6889, 6881));
        Assert.Equal(ConnectionDirection.Outbound, complete.DirectionOf(6881, 6889));
    }

    [Fact]
    public void Listeners_named_by_syn_flood_lines_of_the_same_log_tell_the_direction()
    {
        var builder = new AnalysisBuilder();
        foreach (var line in new[]
        {
            "Jun 17 04:07:59 web1 kernel: TCP: request_sock_TCP: Possible SYN flooding on port 0.0.0.0:40000. Sending cookies.",
            "Jun 17 04:08:00 web1 kernel: TCP: Peer 203.0.113.45:50000/40000 unexpectedly shrunk window 100:200 (repaired)",
        })
        {
            builder.Add(LineDecoder.Decode(line, LogEnd).Event!.Value, 1);
        }
        var r = builder.Build();

        Assert.Equal(ConnectionDirection.Inbound, r.TreasonEpisodes.Top.Single().Direction);
        Assert.Equal(1, r.TreasonEpisodes.Statistics.Inbound);
        Assert.True(r.Listening.IsListening(40000));
    }
}
