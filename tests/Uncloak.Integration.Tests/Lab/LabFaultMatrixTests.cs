using System.Diagnostics;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Uncloak.Integration.Tests.Lab;

/// <summary>
/// Issue 12, "Done when": the CI run of `uncloak lab faults --short`. Each of the six faults is made on a fresh lab while
/// the real daemon (shipped defaults plus the lab's probes) watches the server; the daemon opens an outage, writes a
/// bundle and names the fault's true layer first, and the bundle read again from disk gives the same verdict.
/// </summary>
public sealed class LabFaultMatrixTests(ITestOutputHelper output)
{
    [RootFact]
    public void The_short_fault_matrix_names_the_true_layer_first_for_six_of_six()
    {
        var names = LabPrefix.ForThisRun();
        var bundles = Directory.CreateTempSubdirectory("uncloak-test-faults-").FullName;
        // Faults switch SYN cookies and SYN-ACK retries inside the server namespace; the host's own values must not move.
        string[] hostSysctls = ["/proc/sys/net/ipv4/tcp_syncookies", "/proc/sys/net/ipv4/tcp_synack_retries"];
        var hostBefore = hostSysctls.Select(File.ReadAllText).ToArray();
        var clock = Stopwatch.StartNew();
        CliRun.Result run;
        try
        {
            run = CliRun.Run(["lab", "faults", "--short", "--json", "--prefix", names.Prefix, "--bundles", bundles]);
            clock.Stop();
            output.WriteLine(run.Error);
            output.WriteLine(run.Output);
            Assert.Empty(LabPrefix.Existing(names)); // every fault removed its lab
            Assert.Equal(hostBefore, hostSysctls.Select(File.ReadAllText).ToArray());
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), $"the short fault matrix took {clock.Elapsed}");

            var json = run.Json;
            Assert.Equal("uncloak.lab.faults/1", json.GetProperty("schema").GetString());
            var faults = json.GetProperty("faults").EnumerateArray().ToDictionary(f => f.GetProperty("fault").GetString()!);
            Assert.Equal(
                ["accept-queue-full", "gateway-blackhole", "host-kernel", "server-link-down", "shaper", "upstream-cut"],
                faults.Keys.Order(StringComparer.Ordinal).ToArray());
            foreach (var (name, f) in faults)
            {
                string truth = f.GetProperty("true_layer").GetString()!;
                Assert.True(f.GetProperty("outage_start").ValueKind == JsonValueKind.String, $"{name}: the daemon opened no outage ({f.GetProperty("note").GetString()})");
                Assert.True(f.GetProperty("outage_end").ValueKind == JsonValueKind.String, $"{name}: the outage did not close after the fault ({f.GetProperty("note").GetString()})");
                Assert.True(truth == f.GetProperty("layer").GetString(), $"{name}: true layer {truth}, the daemon named {f.GetProperty("layer").GetString()} ({f.GetProperty("summary").GetString()})");
                Assert.Equal(truth, f.GetProperty("reanalyzed_layer").GetString());
                Assert.True(f.GetProperty("confidence").GetDouble() > 0, $"{name}: no confidence");
                Assert.Equal(truth, f.GetProperty("layers")[0].GetProperty("layer").GetString());
                Assert.True(f.GetProperty("pass").GetBoolean(), name);
                string bundle = f.GetProperty("bundle").GetString()!;
                Assert.True(File.Exists(Path.Combine(bundle, "manifest.json")), $"{name}: no bundle at {bundle}");
            }
            Assert.Equal(6, json.GetProperty("passed").GetInt32());
            Assert.True(run.ExitCode == 0, run.Error);
        }
        finally
        {
            Uncloak.Lab.Topology.LabTopology.Down(names);
            Directory.Delete(bundles, recursive: true);
        }
    }
}
