using Xunit;

namespace Uncloak.Core.Tests.Cli;

public sealed class ExplainCommandTests
{
    [Fact]
    public void The_incident_line_is_explained_with_peer_local_port_and_bytes_in_flight()
    {
        var (exit, stdout, _) = CliRun.Run("explain", "--json", "Jun 17 04:07:59 xxxxx TCP: Treason uncloaked! Peer 168.209.98.35:43301/80 shrinks window 2244026871:2244027701. Repaired.");
        Assert.Equal(0, exit);
        var json = CliRun.Json(stdout);
        Assert.Equal("treason", json.GetProperty("kind").GetString());
        var fields = json.GetProperty("fields");
        Assert.Equal("168.209.98.35:43301", fields.GetProperty("peer").GetString());
        // Issue 16, item 6: numbers are numbers, times RFC 3339, and the document names its schema.
        Assert.Equal("uncloak.explain/1", json.GetProperty("schema").GetString());
        Assert.Equal(80, fields.GetProperty("local_port").GetInt32());
        Assert.Equal(830, fields.GetProperty("bytes_in_flight").GetInt64());
        Assert.Matches(@"^\d{4}-06-17T04:07:59Z$", fields.GetProperty("time").GetString());
        Assert.StartsWith("inbound", fields.GetProperty("direction").GetString());
        Assert.Contains("dynamic_debug", json.GetProperty("explanation").GetProperty("printing").GetString());
    }

    [Fact]
    public void An_unknown_line_says_so_suggests_the_nearest_family_and_exits_1()
    {
        var (exit, stdout, _) = CliRun.Run("explain", "--json", "TCP: Possible SYN flooding on port eighty. Sending cookies.");
        Assert.Equal(1, exit);
        var json = CliRun.Json(stdout);
        Assert.False(json.GetProperty("recognised").GetBoolean());
        Assert.Equal("syn_flood", json.GetProperty("nearest_family").GetString());
    }

    /// <summary>Issue 18: the martian's second line (libreswan/libreswan#1654) is read for what it holds, not called unknown.</summary>
    [Fact]
    public void A_martian_ll_header_line_is_its_continuation_with_the_source_mac_and_no_event()
    {
        var (exit, stdout, _) = CliRun.Run("explain", "--json", "[   11.679372] ll header: 00000000: ff ff ff ff ff ff 52 54 00 6b 26 e2 08 06");
        Assert.Equal(1, exit);
        var json = CliRun.Json(stdout);
        Assert.False(json.GetProperty("recognised").GetBoolean());
        Assert.Equal("martian", json.GetProperty("continuation_of").GetString());
        var header = json.GetProperty("ll_header");
        Assert.Equal("52:54:00:6b:26:e2", header.GetProperty("source_mac").GetString());
        Assert.Equal("ff:ff:ff:ff:ff:ff", header.GetProperty("destination_mac").GetString());
        Assert.Equal("0x0806", header.GetProperty("ethertype").GetString());

        var (_, text, _) = CliRun.Run("explain", "Jun 17 04:08:02 web1 kernel: ll header: 00000000: 52 54 00 12 34 56 00 1b 21 aa bb cc 08 00");
        Assert.Contains("source MAC 00:1b:21:aa:bb:cc", text, StringComparison.Ordinal);
        Assert.Contains("(IPv4)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hex_dump_that_is_not_a_whole_ethernet_header_is_unknown()
    {
        var (exit, stdout, _) = CliRun.Run("explain", "--json", "ll header: 00000000: ff ff ff ff ff ff 52 54 00 6b 26");
        Assert.Equal(1, exit);
        Assert.False(CliRun.Json(stdout).TryGetProperty("continuation_of", out _));
    }

    [Fact]
    public void Every_family_can_be_explained_by_name_and_the_list_names_them_all()
    {
        var list = CliRun.Json(CliRun.Run("explain", "--list", "--json").Output).GetProperty("families");
        foreach (var family in list.EnumerateArray())
        {
            var (exit, text, _) = CliRun.Run("explain", "--kind", family.GetProperty("kind").GetString()!);
            Assert.Equal(0, exit);
            Assert.Contains("Likely causes", text);
        }
        Assert.Equal(15, list.GetArrayLength());
    }

    [Fact]
    public void Explain_without_a_line_is_a_usage_error()
        => Assert.Equal(2, CliRun.Run("explain").ExitCode);
}
