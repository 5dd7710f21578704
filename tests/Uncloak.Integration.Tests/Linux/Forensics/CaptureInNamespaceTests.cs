using System.Net;
using System.Net.Sockets;
using System.Text;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Linux.Forensics;
using Uncloak.Linux.Namespaces;
using Uncloak.Tests;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Forensics;

/// <summary>
/// `uncloak capture --netns` as root in a namespace this test makes (a veth pair with a tbf qdisc, a listener):
/// the bundle holds that namespace's sockets, qdiscs and links and nothing of the host's, lands in `incidents list`, and
/// its export is analysed to the same verdict. Issue 12, items 2 and 5.
/// </summary>
public sealed class CaptureInNamespaceTests
{
    [RootFact]
    public void Capture_records_the_namespace_it_was_pointed_at_and_its_export_reads_back()
    {
        using var ns = NetworkNamespace.Create();
        string dir = CliRun.TempDir();
        Socket? listener = null;
        try
        {
            Assert.Equal(0, ns.Exec("ip", "link", "set", "lo", "up").Exit);
            Assert.Equal(0, ns.Exec("ip", "link", "add", "fcap0", "type", "veth", "peer", "name", "fcap1").Exit);
            Assert.Equal(0, ns.Exec("ip", "addr", "add", "198.18.42.1/24", "dev", "fcap0").Exit);
            Assert.Equal(0, ns.Exec("ip", "link", "set", "fcap0", "up").Exit);
            Assert.Equal(0, ns.Exec("ip", "link", "set", "fcap1", "up").Exit);
            Assert.Equal(0, ns.Exec("tc", "qdisc", "add", "dev", "fcap0", "root", "tbf", "rate", "1mbit", "burst", "32kbit", "latency", "400ms").Exit);
            listener = NetNamespace.Run(ns.Name, () =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Bind(new IPEndPoint(IPAddress.Parse("198.18.42.1"), 0));
                s.Listen(7);
                return s;
            });
            int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            string config = Path.Combine(dir, "uncloak.yaml");
            string incidents = Path.Combine(dir, "incidents");
            File.WriteAllText(config, $"store: {Path.Combine(dir, "u.db")}\nforensics: {{ dir: {incidents} }}\n");

            var run = CliRun.Run("capture", "--netns", ns.Name, "--seconds", "1", "--config", config, "--json");
            Assert.True(run.ExitCode is 0 or 1, run.Error);
            var incident = run.Json.GetProperty("incidents")[0];
            string bundlePath = incident.GetProperty("bundle").GetString()!;
            Assert.StartsWith(incidents + "/", bundlePath, StringComparison.Ordinal);

            var bundle = BundleReader.Read(bundlePath);
            Assert.Empty(bundle.Problems);
            string Text(string name) => Encoding.UTF8.GetString(bundle.Files.Single(f => f.Name == name).Data);
            var sockets = DumpReader.Read(Encoding.UTF8.GetBytes(Text("during/ss.txt"))).Sockets;
            Assert.Contains(sockets, s => s.State == Uncloak.Core.Sockets.TcpState.Listen && s.Id.LocalPort == port && s.Id.Local.ToString() == "198.18.42.1" && s.WQueue == 7);
            Assert.Contains($"198.18.42.1:{port} 0 7 0 -", Text("during/listeners.txt"), StringComparison.Ordinal);
            var qdiscs = DumpReader.Read(Encoding.UTF8.GetBytes(Text("during/tc.txt"))).Qdiscs;
            // Read over rtnetlink inside the namespace: the tbf's limit in bytes (tc itself prints a latency there); burst 32kbit is 4 KiB.
            Assert.Contains(qdiscs, q => q.Kind == "tbf" && q.Device == "fcap0" && q.HasStatistics
                && q.Options.StartsWith("rate 1Mbit burst 4096b limit ", StringComparison.Ordinal));
            // The tools ran inside the namespace: only its own links, none of the host's.
            var links = DumpReader.Read(Encoding.UTF8.GetBytes(Text("during/ip-link.txt"))).Links.Select(l => l.Name).Order(StringComparer.Ordinal);
            Assert.Equal(["fcap0", "fcap1", "lo"], links);
            Assert.Contains("TcpExt", Text("during/nstat.txt"), StringComparison.Ordinal);
            Assert.Contains(bundle.Files, f => f.Name == "before/nstat.txt");

            var list = CliRun.Run("incidents", "list", "--config", config, "--json");
            Assert.Equal(incident.GetProperty("id").GetString(), list.Json.GetProperty("incidents")[0].GetProperty("id").GetString());
            string archive = Path.Combine(dir, "capture.tar.zst");
            Assert.Equal(0, CliRun.Run("incidents", "export", incident.GetProperty("id").GetString()!, "--config", config, "--out", archive).ExitCode);
            var analyzed = CliRun.Run("analyze", archive, "--json");
            Assert.Equal(incident.GetProperty("layer").GetString(), analyzed.Json.GetProperty("verdicts")[0].GetProperty("layer").GetString());
        }
        finally
        {
            listener?.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }
}
