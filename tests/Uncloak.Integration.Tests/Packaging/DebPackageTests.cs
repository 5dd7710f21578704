using System.Diagnostics;
using Xunit;

namespace Uncloak.Integration.Tests.Packaging;

/// <summary>
/// Issue 16, item 3: packaging/build-deb.sh builds the .deb from the Native AOT build (lintian-clean: the script fails
/// otherwise), and the package installs, works and purges cleanly with dpkg. The install happens in a private mount
/// namespace whose /usr, /etc and /var are overlays on a tmpfs, so the machine running the test — shared, or a CI box —
/// keeps its own files: what dpkg writes, and what purge removes, exists only inside the test. PID 1 is not systemd
/// here, as on many build machines and containers: the maintainer scripts must enable the units without starting them.
/// </summary>
public sealed class DebPackageTests
{
    private const string Script = """
        set -euo pipefail
        deb=$1; scratch=$2
        mount -t tmpfs uncloak-deb-test "$scratch"
        for d in usr etc var; do
          mkdir -p "$scratch/$d.upper" "$scratch/$d.work"
          mount -t overlay overlay -o "lowerdir=/$d,upperdir=$scratch/$d.upper,workdir=$scratch/$d.work" "/$d"
        done
        # Whatever an earlier run or another tool left in the lower layers, the package meets a machine without uncloak.
        rm -rf /etc/uncloak /var/lib/uncloak /usr/bin/uncloak
        echo "== install"; dpkg -i "$deb"
        echo "== version"; uncloak --version
        echo "== binary"; readlink -f /usr/bin/uncloak
        echo "== daemon"; grep '^ExecStart=' /lib/systemd/system/uncloak.service; /usr/lib/uncloak/uncloakd --help | grep -c -- '--metrics'
        echo "== man"; man -w uncloak
        echo "== man text"; MANWIDTH=120 man uncloak 2>/dev/null | grep -c '^ *uncloak bans add | del'
        echo "== config check"; uncloak config check
        echo "== state"; stat -c '%a %U' /var/lib/uncloak
        echo "== conffiles"; dpkg-query -W -f='${Conffiles}\n' uncloak
        echo "== enabled"; ls /etc/systemd/system/multi-user.target.wants/
        echo "== bash completion"; bash -c 'source /usr/share/bash-completion/completions/uncloak && complete -p uncloak'
        echo "== zsh fish"; ls /usr/share/zsh/vendor-completions/_uncloak /usr/share/fish/vendor_completions.d/uncloak.fish
        echo "== remove"; dpkg -r uncloak
        [ ! -e /usr/bin/uncloak ] && [ ! -e /usr/lib/uncloak ] && echo "binary gone"
        [ -e /etc/uncloak/uncloak.yaml ] && echo "conffile kept"
        echo "== purge"; dpkg -P uncloak
        [ ! -e /etc/uncloak ] && echo "etc gone"
        [ ! -e /var/lib/uncloak ] && echo "state gone"
        ls /etc/systemd/system/multi-user.target.wants/ | grep -q uncloak || echo "units disabled"
        dpkg-query -W uncloak 2>/dev/null || echo "not installed"
        """;

    [AotFact(NeedsRoot = true)]
    public void The_package_installs_runs_and_purges_cleanly()
    {
        var output = Directory.CreateTempSubdirectory("uncloak-deb-");
        try
        {
            var build = Run(Path.Combine(AotBuild.RepositoryRoot(), "packaging", "build-deb.sh"), [output.FullName], ("UNCLOAK_AOT_DIR", AotBuild.Directory));
            Assert.True(build.Exit == 0, $"build-deb.sh failed ({build.Exit}), lintian included:\n{build.Error}");
            var deb = build.Output.Trim().Split('\n')[^1];
            Assert.Matches(@"/uncloak_[0-9][^/_]*_(amd64|arm64)\.deb$", deb);

            var scratch = Directory.CreateDirectory(Path.Combine(output.FullName, "overlay")).FullName;
            var run = Run("unshare", ["--mount", "--propagation", "private", "bash", "-c", Script, "deb-test", deb, scratch]);
            Assert.True(run.Exit == 0, $"exit {run.Exit}\n{run.Output}\n{run.Error}");
            var steps = Steps(run.Output);

            var version = Run(AotBuild.Binary, ["--version"]).Output.Trim();
            Assert.Equal(version, steps["version"].Trim());
            Assert.Equal("/usr/lib/uncloak/uncloak", steps["binary"].Trim());
            // Issue 11: the unit runs the daemon binary, which the package ships beside uncloak.
            Assert.Equal("ExecStart=/usr/lib/uncloak/uncloakd\n1", steps["daemon"].Trim());
            Assert.Equal("/usr/share/man/man1/uncloak.1.gz", steps["man"].Trim());
            Assert.Equal("1", steps["man text"].Trim());
            Assert.StartsWith("/etc/uncloak/uncloak.yaml: ok", steps["config check"], StringComparison.Ordinal);
            Assert.Contains("zero-window-holders", steps["config check"], StringComparison.Ordinal);
            Assert.Equal("700 root", steps["state"].Trim());
            Assert.Contains("/etc/uncloak/uncloak.yaml ", steps["conffiles"], StringComparison.Ordinal);
            Assert.Contains("uncloak.service", steps["enabled"], StringComparison.Ordinal);
            Assert.Contains("uncloak-bans-sync.service", steps["enabled"], StringComparison.Ordinal);
            Assert.Contains("complete -F _uncloak uncloak", steps["bash completion"], StringComparison.Ordinal);
            Assert.Contains("binary gone", steps["remove"], StringComparison.Ordinal);
            Assert.Contains("conffile kept", steps["remove"], StringComparison.Ordinal);
            foreach (var gone in new[] { "etc gone", "state gone", "units disabled", "not installed" })
            {
                Assert.Contains(gone, steps["purge"], StringComparison.Ordinal);
            }
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>The script's output split at its "== step" lines.</summary>
    private static Dictionary<string, string> Steps(string output)
    {
        var steps = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("== ", StringComparison.Ordinal))
            {
                current = line[3..];
                steps[current] = "";
            }
            else if (current is not null)
            {
                steps[current] += line + "\n";
            }
        }
        return steps;
    }

    private static (int Exit, string Output, string Error) Run(string file, string[] args, params (string Name, string Value)[] environment)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + file);
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 10 minutes");
        }
        return (p.ExitCode, output.Result, error.Result);
    }
}
