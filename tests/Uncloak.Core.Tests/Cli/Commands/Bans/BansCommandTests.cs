using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>
/// The bans verbs in-process, on paths that never reach a firewall: --dry-run, or input rejected before the backend
/// is opened (kernel work is for the integration tests, inside namespaces).
/// </summary>
public sealed class BansCommandTests : IDisposable
{
    private readonly string _dir = CliRun.TempDir();

    private string Db => Path.Combine(_dir, "t.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_import_with_malformed_lines_names_each_line_and_imports_nothing()
    {
        var file = Path.Combine(_dir, "list.txt");
        File.WriteAllText(file, "# feed\n198.18.0.1\n198.18.0.300\n198.18.4.0/24 # net\nbanana\n2001:2::1\n");
        var (exit, _, err) = CliRun.Run("bans", "import", file, "--db", Db);
        Assert.Equal(2, exit);
        Assert.Contains($"{file}:3: '198.18.0.300' is not an address or CIDR network", err);
        Assert.Contains($"{file}:5: 'banana'", err);
        Assert.Contains("2 malformed line(s)", err);
        Assert.Contains("\"decisions\": []", CliRun.Run("bans", "list", "--all", "--json", "--db", Db).Output);
    }

    [Theory]
    [InlineData("add", "200")]
    [InlineData("add", "-1")]
    [InlineData("import", "200")]
    [InlineData("import", "0")]
    public void An_impossible_v6_prefix_is_a_usage_error_not_a_crash(string verb, string bits)
    {
        // Issue 17 item 9: `bans add 2001:db8::1 --v6-prefix 200` (or -1) ended in an unhandled exception with exit 1.
        var file = Path.Combine(_dir, "list.txt");
        File.WriteAllText(file, "2001:db8::1\n");
        var (exit, _, err) = CliRun.Run("bans", verb, verb == "add" ? "2001:db8::1" : file, "--v6-prefix", bits, "--dry-run", "--db", Db);
        Assert.Equal(2, exit);
        Assert.Contains($"--v6-prefix {bits}: must be 16..128", err);
        Assert.DoesNotContain("Exception", err);
    }

    [Fact]
    public void A_dry_run_decides_and_explains_refusals_but_stores_nothing()
    {
        var (exit, output, _) = CliRun.Run("bans", "add", "127.0.0.1", "198.18.9.9", "2001:2::7", "--for", "90m", "--dry-run", "--db", Db);
        Assert.Equal(1, exit);
        Assert.Contains("REFUSED refused to ban 127.0.0.1: it covers loopback", output);
        Assert.Contains("would ban 198.18.9.9 for 1h30m", output);
        Assert.Contains("would ban 2001:2::/64 for 1h30m", output);
        Assert.Contains("\"decisions\": []", CliRun.Run("bans", "list", "--all", "--json", "--db", Db).Output);
    }

    [Theory]
    [InlineData("--for", "90")]
    [InlineData("--for", "0m")]
    [InlineData("--escalation-cap", "forever")]
    public void Bad_durations_are_usage_errors(string option, string value)
    {
        var (exit, _, err) = CliRun.Run("bans", "add", "198.18.9.9", option, value, "--dry-run", "--db", Db);
        Assert.Equal(2, exit);
        Assert.Contains("uncloak bans add", err);
    }

    [Fact]
    public void Exporting_an_empty_store_writes_nothing_and_succeeds()
    {
        var (exit, output, _) = CliRun.Run("bans", "export", "--db", Db);
        Assert.Equal(0, exit);
        Assert.Equal("", output);
    }

    [Fact]
    public void The_bans_help_teaches_where_bans_go_and_what_is_never_banned()
    {
        var (_, output, _) = CliRun.Run("bans", "--help");
        Assert.Contains("inet uncloak", output);
        Assert.Contains("prerouting priority raw", output);
        Assert.Contains("never", output);
        var firewall = CliRun.Run("firewall", "--help").Output;
        Assert.Contains("never rate-limits SYNs", firewall);
        Assert.Contains("tcp_syncookies", firewall);
    }
}
