using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>
/// Issue 15: `uncloak pcap` on each of the lab's attack captures prints, in text and in JSON, the attack with its attacker
/// (or the spoofed range) and its mechanism, and never the lab's legitimate client (198.18.0.3).
/// </summary>
public sealed class PcapCommandTests
{
    private static string Sample(string file) => Path.Combine(AppContext.BaseDirectory, "samples", "wire", file);

    [Theory]
    [InlineData("lab-zero-window.pcap", "zero_window_hold", "198.18.0.2", "Zero-window hold by 198.18.0.2 on 198.18.0.1:8080")]
    [InlineData("lab-zero-window.pcapng", "zero_window_hold", "198.18.0.2", "Zero-window hold by 198.18.0.2 on 198.18.0.1:8080")]
    [InlineData("lab-window-shrink.pcap", "window_shrink", "198.18.0.2", "Window shrink by 198.18.0.2 on 198.18.0.1:8080")]
    [InlineData("lab-slow-read.pcap", "slow_reader", "198.18.0.2", "Slow reader by 198.18.0.2 on 198.18.0.1:8080")]
    [InlineData("lab-syn-flood.pcap", "spoofed_syn_flood", "198.18.128.0/17", "Spoofed SYN flood from 198.18.128.0/17 on 198.18.0.1:8080")]
    [InlineData("lab-icmp-flood.pcap", "icmp_flood", "198.18.0.2", "ICMP flood from 198.18.0.2 on 198.18.0.1")]
    public void Each_lab_capture_reports_its_attacker_and_mechanism_in_text_and_json(string file, string mechanism, string attacker, string title)
    {
        var text = CliRun.Run("pcap", "--no-store", Sample(file));
        Assert.Equal(0, text.ExitCode);
        Assert.Contains(title, text.Output, StringComparison.Ordinal);
        Assert.Contains("Most likely to hurt availability", text.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("198.18.0.3", text.Output, StringComparison.Ordinal);

        var json = CliRun.Run("pcap", "--json", "--no-store", Sample(file));
        Assert.Equal(0, json.ExitCode);
        var attack = Assert.Single(json.Json.GetProperty("attacks").EnumerateArray());
        Assert.Equal(mechanism, attack.GetProperty("mechanism").GetString());
        Assert.Equal(attacker, attack.GetProperty("attacker").GetString());
        string id = attack.GetProperty("finding").GetString()!;
        var finding = Assert.Single(json.Json.GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == id);
        Assert.Equal(title, finding.GetProperty("title").GetString());
        Assert.Equal("warning", finding.GetProperty("severity").GetString());
        Assert.DoesNotContain("198.18.0.3", json.Output, StringComparison.Ordinal);
    }
}
