using System.Diagnostics;
using Uncloak.Cli;
using Xunit;

namespace Uncloak.Integration.Tests.Core.Reports;

/// <summary>
/// The HTML report rendered by a real browser: headless Chromium prints the page's DOM after layout, and a
/// screenshot is taken (kept in the test output for a person to look at).
/// </summary>
public sealed class HtmlReportBrowserTests
{
    [ChromiumFact]
    public async Task Chromium_renders_the_analysis_with_its_verdict_and_charts()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-html-");
        try
        {
            string html = Path.Combine(dir.FullName, "report.html");
            var samples = Path.Combine(AppContext.BaseDirectory, "demo-samples");
            int exit = await UncloakCli.RunAsync(["analyze", "--no-store", "--html", html, Path.Combine(samples, "kern.log"), Path.Combine(samples, "kern.log.1.gz")], TextWriter.Null, TextWriter.Null);
            Assert.Equal(0, exit);

            string dom = RunChromium(dir.FullName, "--dump-dom", "file://" + html);
            Assert.Contains("Verdict", dom);
            Assert.Contains("eth0's NIC stopped transmitting", dom);
            Assert.True(dom.Split("<svg").Length > 5, "expected the timeline and peer charts as inline SVG");

            string png = Path.Combine(dir.FullName, "report.png");
            RunChromium(dir.FullName, "--window-size=1200,2400", "--screenshot=" + png, "file://" + html);
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 20_000, "a blank page would compress to almost nothing");
            Assert.Equal(0x89, bytes[0]);
            File.Copy(png, Path.Combine(AppContext.BaseDirectory, "analysis-report.png"), overwrite: true);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string RunChromium(string profileParent, params string[] args)
    {
        var psi = new ProcessStartInfo("chromium")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--user-data-dir=" + Path.Combine(profileParent, "chromium-profile")])
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish in 90 s: " + stderr.Result);
        }
        return stdout.Result;
    }
}

/// <summary>Runs where Chromium is installed; in CI (CI=true) it always runs, so a missing browser fails loudly.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        bool present = File.Exists("/usr/bin/chromium");
        if (!present && !Requirements.InCi)
        {
            Skip = "SKIPPED: needs Debian's chromium (apt-get install chromium); ./test.sh installs it as root and CI always runs this.";
        }
    }
}
