using System.Text.Json;
using Uncloak.Core.Analysis;
using Uncloak.Core.Reports;
using Uncloak.Core.Wire;
using Xunit;

namespace Uncloak.Core.Tests.Analysis;

/// <summary>
/// Issue 15: the report a sysadmin reads for each of the lab's five attack captures (samples/wire, recorded in the server
/// namespace by record-lab.sh) has one finding per attack naming the attacker — uncloak-atk, 198.18.0.2, or for the
/// spoofed SYN flood the range its forged sources share, 198.18.128.0/17 — and the mechanism in words with its numbers;
/// the lab's legitimate client, 198.18.0.3, is never named.
/// </summary>
public sealed class AttackFindingsTests
{
    private const string Attacker = "198.18.0.2";
    private const string Client = "198.18.0.3";
    private const string Server = "198.18.0.1";

    private static AnalysisReport Analyse(string file)
    {
        var builder = new AnalysisBuilder();
        var scanner = new WireScanner(new WireOptions(), builder);
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "samples", "wire", file));
        Assert.True(CaptureReader.TryOpen(stream, out var reader, out string? problem), problem);
        scanner.Scan(reader!);
        return builder.Build();
    }

    private static JsonElement Json(AnalysisReport report)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            AnalysisJson.Write(w, report);
        }
        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    private static string AllText(AnalysisReport report)
        => string.Join("\n", report.Findings.SelectMany(f => (string[])[f.Title, f.Conclusion, f.Headline ?? "", .. f.Evidence, .. f.Reasoning, .. f.Advice]));

    [Theory]
    [InlineData("lab-zero-window.pcap", AttackMechanism.ZeroWindowHold, "Zero-window hold by 198.18.0.2 on 198.18.0.1:8080")]
    [InlineData("lab-zero-window.pcapng", AttackMechanism.ZeroWindowHold, "Zero-window hold by 198.18.0.2 on 198.18.0.1:8080")]
    [InlineData("lab-window-shrink.pcap", AttackMechanism.WindowShrink, "Window shrink by 198.18.0.2 on 198.18.0.1:8080")]
    [InlineData("lab-slow-read.pcap", AttackMechanism.SlowReader, "Slow reader by 198.18.0.2 on 198.18.0.1:8080")]
    public void A_connection_holding_attack_is_one_finding_naming_the_attacker_and_the_mechanism(string file, AttackMechanism mechanism, string title)
    {
        var report = Analyse(file);

        var attack = Assert.Single(report.Attacks);
        Assert.Equal((mechanism, Attacker, 0, Server, (ushort)8080), (attack.Mechanism, attack.Attacker.ToString(), attack.AttackerPrefixLength, attack.Target.ToString(), attack.LocalPort));
        Assert.True(attack.Connections >= 2, $"connections {attack.Connections}");
        var finding = Assert.Single(report.Findings, f => f.Id.StartsWith("attack.", StringComparison.Ordinal));
        Assert.Equal(title, finding.Title);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains($"{attack.Connections} connection(s)", finding.Conclusion, StringComparison.Ordinal);
        Assert.Contains($"uncloak bans add {Attacker}", string.Join("\n", finding.Advice), StringComparison.Ordinal);
        // The verdict on top carries the attack, and nothing names the legitimate client.
        Assert.Contains(Attacker, report.Findings[0].Conclusion, StringComparison.Ordinal);
        Assert.DoesNotContain(Client, AllText(report), StringComparison.Ordinal);

        var json = Json(report);
        var a = Assert.Single(json.GetProperty("attacks").EnumerateArray());
        Assert.Equal(mechanism.Name(), a.GetProperty("mechanism").GetString());
        Assert.Equal(Attacker, a.GetProperty("attacker").GetString());
        Assert.Equal(Server, a.GetProperty("target").GetString());
        Assert.Equal(8080, a.GetProperty("local_port").GetInt32());
        Assert.Equal(attack.Connections, a.GetProperty("connections").GetInt64());
        Assert.Equal(finding.Id, a.GetProperty("finding").GetString());
        Assert.Contains(json.GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == finding.Id && f.GetProperty("title").GetString() == title);
    }

    [Fact]
    public void The_zero_window_hold_reports_how_long_and_the_probes_and_no_shrink()
    {
        var attack = Assert.Single(Analyse("lab-zero-window.pcap").Attacks);
        // The holder acknowledges what it took and answers every probe: held past the 2 s threshold, probed, nothing
        // retracted (its window closed once while a segment was on the wire, and it took that segment at once).
        Assert.True(attack.LongestHoldMillis >= 2000, $"longest {attack.LongestHoldMillis} ms");
        Assert.True(attack.Probes > 0, $"probes {attack.Probes}");
        Assert.Equal(0, attack.ShrunkConnections);
    }

    [Fact]
    public void The_window_shrink_reports_the_data_it_retracted_the_window_over()
    {
        var report = Analyse("lab-window-shrink.pcap");
        var attack = Assert.Single(report.Attacks);
        // The shrinker offered 4000 bytes and acknowledged none of the data sent into them.
        Assert.True(attack.ShrunkConnections >= 2);
        Assert.Equal(attack.ShrunkConnections * 4000, attack.BytesInFlightAtShrink);
        Assert.Contains("treason", Assert.Single(report.Findings, f => f.Id.StartsWith("attack.", StringComparison.Ordinal)).Conclusion, StringComparison.Ordinal);
    }

    [Fact]
    public void The_slow_reader_reports_the_trickle_it_read()
    {
        var attack = Assert.Single(Analyse("lab-slow-read.pcap").Attacks);
        Assert.True(attack.SlowConnections >= 2);
        Assert.True(attack.BytesRead > 0 && attack.LongestSlowMillis > 0, $"read {attack.BytesRead} in {attack.LongestSlowMillis} ms");
    }

    [Fact]
    public void The_spoofed_syn_flood_is_named_by_its_source_range_and_no_address_is_banned()
    {
        var report = Analyse("lab-syn-flood.pcap");

        var attack = Assert.Single(report.Attacks);
        Assert.Equal(AttackMechanism.SpoofedSynFlood, attack.Mechanism);
        Assert.Equal("198.18.128.0/17", attack.AttackerRange);
        Assert.Equal((Server, (ushort)8080), (attack.Target.ToString(), attack.LocalPort));
        Assert.True(attack.Packets > 100 && attack.Sources > 100, $"half-open {attack.Packets}, sources {attack.Sources}");
        var finding = Assert.Single(report.Findings, f => f.Id.StartsWith("attack.", StringComparison.Ordinal));
        Assert.Equal("Spoofed SYN flood from 198.18.128.0/17 on 198.18.0.1:8080", finding.Title);
        Assert.Contains("forged", finding.Conclusion, StringComparison.Ordinal);
        Assert.DoesNotContain("bans add", AllText(report), StringComparison.Ordinal);
        Assert.DoesNotContain(Client, AllText(report), StringComparison.Ordinal);

        var a = Assert.Single(Json(report).GetProperty("attacks").EnumerateArray());
        Assert.Equal("spoofed_syn_flood", a.GetProperty("mechanism").GetString());
        Assert.Equal("198.18.128.0/17", a.GetProperty("attacker_range").GetString());
        Assert.Equal(attack.Sources, a.GetProperty("sources").GetInt32());
    }

    [Fact]
    public void The_icmp_flood_names_its_source_and_target_and_advises_a_rate_limit_not_a_ban()
    {
        var report = Analyse("lab-icmp-flood.pcap");

        var attack = Assert.Single(report.Attacks);
        Assert.Equal((AttackMechanism.IcmpFlood, Attacker, Server, 8), (attack.Mechanism, attack.Attacker.ToString(), attack.Target.ToString(), attack.IcmpType));
        Assert.True(attack.Packets > 1000, $"packets {attack.Packets}");
        var finding = Assert.Single(report.Findings, f => f.Id.StartsWith("attack.", StringComparison.Ordinal));
        Assert.Equal("ICMP flood from 198.18.0.2 on 198.18.0.1", finding.Title);
        Assert.Contains("ping flood", finding.Conclusion, StringComparison.Ordinal);
        Assert.DoesNotContain("bans add", AllText(report), StringComparison.Ordinal);
        Assert.DoesNotContain(Client, AllText(report), StringComparison.Ordinal);

        var a = Assert.Single(Json(report).GetProperty("attacks").EnumerateArray());
        Assert.Equal(attack.Packets, a.GetProperty("packets").GetInt64());
        Assert.Equal(8, a.GetProperty("icmp_type").GetInt32());
    }

    [Fact]
    public void A_concentrated_syn_flood_without_a_narrow_source_range_names_no_attacker_and_no_ban()
    {
        // What the benchmark's generated capture gives: SYNs to a port where real handshakes complete, no range named.
        var builder = new AnalysisBuilder();
        builder.Add(new Uncloak.Core.Events.NetEvent
        {
            Time = new DateTime(2026, 12, 4, 17, 31, 0, DateTimeKind.Utc),
            UptimeMicros = -1,
            Kind = Uncloak.Core.Events.EventKind.SynRecvFlood,
            Form = 0,
            Local = Uncloak.Core.Events.NetAddress.Parse(Server),
            LocalPort = 443,
            Count = 8524,
            Length = 8000,
            Queue = 128,
            Millis = 10_000,
        }, 1);
        var report = builder.Build();

        var attack = Assert.Single(report.Attacks);
        Assert.Equal(AttackMechanism.SynFlood, attack.Mechanism);
        Assert.True(attack.Attacker.IsNone);
        var finding = Assert.Single(report.Findings, f => f.Id.StartsWith("attack.", StringComparison.Ordinal));
        Assert.Equal("SYN flood from sources sharing no narrow range on 198.18.0.1:443", finding.Title);
        Assert.Contains("8,524 handshake(s) left half-open", finding.Evidence[0], StringComparison.Ordinal);
        Assert.DoesNotContain("bans add", AllText(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_captures_of_different_attacks_read_together_give_one_finding_each()
    {
        var builder = new AnalysisBuilder();
        foreach (string file in (string[])["lab-zero-window.pcap", "lab-syn-flood.pcap"])
        {
            var scanner = new WireScanner(new WireOptions(), builder);
            using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "samples", "wire", file));
            Assert.True(CaptureReader.TryOpen(stream, out var reader, out _));
            scanner.Scan(reader!);
        }
        var report = builder.Build();
        Assert.Equal([AttackMechanism.ZeroWindowHold, AttackMechanism.SpoofedSynFlood], report.Attacks.Select(a => a.Mechanism));
        Assert.Equal(2, report.Findings.Count(f => f.Id.StartsWith("attack.", StringComparison.Ordinal)));
    }
}
