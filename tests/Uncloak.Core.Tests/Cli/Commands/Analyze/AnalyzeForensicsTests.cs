using Uncloak.Core.Forensics.Bundles;
using Uncloak.Linux.Forensics;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>`uncloak analyze` on incident bundles and pasted dumps: the verdict on the terminal and in --json, and the exit codes.</summary>
public sealed class AnalyzeForensicsTests
{
    private static string Bundle(string name) => Path.Combine(AppContext.BaseDirectory, "samples", "forensics", "bundles", name);

    private static string Dump(string name) => Path.Combine(AppContext.BaseDirectory, "samples", "forensics", "dumps", name);

    [Fact]
    public void A_bundle_gives_its_verdict_in_json_with_the_issue_shape()
    {
        var (exit, output, error) = CliRun.Run("analyze", "--no-store", "--json", Bundle("lan-gateway-failed"));
        Assert.True(exit == 0, error);
        var root = CliRun.Json(output);
        Assert.Equal("uncloak.forensics/1", root.GetProperty("schema").GetString());
        var v = root.GetProperty("verdicts")[0];
        Assert.Equal("lan", v.GetProperty("layer").GetString());
        Assert.InRange(v.GetProperty("confidence").GetDouble(), 0.8, 1.0);
        Assert.Equal("lan", v.GetProperty("layers")[0].GetProperty("layer").GetString());
        Assert.True(v.GetProperty("layers")[0].GetProperty("score").GetDouble() > 0);
        Assert.Contains(v.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("kind").GetString() == "neighbour"
            && e.GetProperty("text").GetString()!.Contains("198.18.0.1 dev eth0 FAILED", StringComparison.Ordinal));
        Assert.StartsWith("lan", v.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal("20260617T040800Z-lan-gateway-failed", v.GetProperty("id").GetString());
        Assert.Equal("2026-06-17T04:08:00Z", v.GetProperty("start").GetString());
        Assert.Equal("2026-06-17T04:10:30Z", v.GetProperty("end").GetString());
        Assert.Equal("http-80", v.GetProperty("probe").GetString());
    }

    [Fact]
    public void A_forum_post_is_recognised_and_localized_on_the_terminal()
    {
        var (exit, output, error) = CliRun.Run("analyze", "--no-store", Dump("forum-post.txt"));
        Assert.True(exit == 0, error);
        Assert.Contains("read: ss -tinoe, nstat -az, ethtool -S, tc -s qdisc", output, StringComparison.Ordinal);
        Assert.Contains("Verdict: application", output, StringComparison.Ordinal);
        Assert.Contains("[socket] listener 0.0.0.0:443: accept queue 4097 of backlog 4096", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_dump_files_are_one_moment_and_fail_on_makes_a_named_layer_exit_1()
    {
        var (exit, output, _) = CliRun.Run("analyze", "--no-store", "--json", "--fail-on", "warning", Dump("tc-s-qdisc-tbf-shaper.txt"), Dump("ip-s-link-iproute2-4.9.txt"));
        Assert.Equal(1, exit);
        var v = CliRun.Json(output).GetProperty("verdicts")[0];
        Assert.Equal(2, v.GetProperty("inputs").GetArrayLength());
        Assert.Equal("shaper", v.GetProperty("layer").GetString());
        Assert.Equal(["tc", "iplink"], v.GetProperty("dumps").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void A_tampered_bundle_is_still_read_but_exits_2_naming_the_file()
    {
        string dir = Path.Combine(CliRun.TempDir(), "copy");
        foreach (var file in Directory.EnumerateFiles(Bundle("upstream-cut"), "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(dir, Path.GetRelativePath(Bundle("upstream-cut"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        // Same size, other content: a full accept queue that, were it believed, would add the application layer.
        string ss = Path.Combine(dir, "during", "ss.txt");
        File.WriteAllText(ss, File.ReadAllText(ss).Replace("LISTEN 0      4096", "LISTEN 4097   4096", StringComparison.Ordinal));
        var (exit, output, error) = CliRun.Run("analyze", "--no-store", "--json", dir);
        Assert.Equal(2, exit);
        Assert.Contains("during/ss.txt: SHA-256", error, StringComparison.Ordinal);
        var v = CliRun.Json(output).GetProperty("verdicts")[0];
        Assert.Equal("upstream", v.GetProperty("layer").GetString());
        Assert.Single(v.GetProperty("problems").EnumerateArray());
        Assert.Single(v.GetProperty("layers").EnumerateArray());
    }

    [Fact]
    public void A_bundle_written_here_reads_back_with_the_same_verdict()
    {
        var original = BundleReader.Read(Bundle("shaper-tbf-drops"));
        string dir = Path.Combine(CliRun.TempDir(), "again");
        BundleWriter.Write(dir, original.Manifest, original.Files);
        var (a, first, _) = CliRun.Run("analyze", "--no-store", "--json", Bundle("shaper-tbf-drops"));
        var (b, second, _) = CliRun.Run("analyze", "--no-store", "--json", dir);
        Assert.Equal(0, a);
        Assert.Equal(0, b);
        Assert.Equal(Strip(first, Bundle("shaper-tbf-drops")), Strip(second, dir));
    }

    [Fact]
    public void Json_refuses_logs_and_bundles_in_one_run()
    {
        var (exit, _, error) = CliRun.Run("analyze", "--no-store", "--json", Bundle("upstream-cut"), CliRun.Demo("kern.log"));
        Assert.Equal(2, exit);
        Assert.Contains("separate runs", error, StringComparison.Ordinal);
    }

    private static string Strip(string json, string path) => json.Replace(System.Text.Json.JsonEncodedText.Encode(path).ToString(), "BUNDLE", StringComparison.Ordinal).Replace(path, "BUNDLE", StringComparison.Ordinal);
}
