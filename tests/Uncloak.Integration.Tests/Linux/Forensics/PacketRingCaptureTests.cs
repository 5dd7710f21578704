using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Wire;
using Uncloak.Linux.Forensics;
using Uncloak.Tests;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Forensics;

/// <summary>
/// Issue 12, item 2: the packet ring of the incident bundle. `uncloak capture --netns` in a lab this test makes, while a
/// client connects to the service port (the one the config's probe checks) and to another port: the bundle's
/// packets.pcapng is listed in the manifest, is 0600, and real tshark reads it and agrees with our reader on the packet
/// count and the 4-tuples, all of them on the service port; the other port's traffic is absent.
/// </summary>
public sealed class PacketRingCaptureTests
{
    private const int ServicePort = 8080;
    private const int OtherPort = 9090;

    [RootFact]
    public void Capture_writes_the_service_ports_packets_as_pcapng_that_tshark_reads_the_same()
    {
        using var lab = NetworkLab.Create();
        string dir = CliRun.TempDir();
        var listeners = new List<Socket>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var clientPorts = new System.Collections.Concurrent.ConcurrentBag<(int Service, int Client)>();
        Task? traffic = null;
        try
        {
            foreach (int port in new[] { ServicePort, OtherPort })
            {
                listeners.Add(Listen(lab, port));
            }
            string config = Path.Combine(dir, "uncloak.yaml");
            string incidents = Path.Combine(dir, "incidents");
            // The probe makes 8080 the service port; the packet ring keeps the service ports by default.
            File.WriteAllText(config, $"store: {Path.Combine(dir, "u.db")}\nforensics: {{ dir: {incidents} }}\n" +
                $"probes:\n  - {{ name: svc, tcp: \"{lab.ServerAddress}:{ServicePort}\" }}\n");

            // The client side: connections to both ports, some bytes each way, closed, over and over until the capture is done.
            traffic = Task.Run(() =>
            {
                var buffer = new byte[512];
                for (int round = 0; round < 200 && !stop.IsCancellationRequested; round++)
                {
                    foreach (int port in new[] { ServicePort, OtherPort })
                    {
                        using var client = lab.InPeer(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                        client.Connect(new IPEndPoint(lab.ServerAddress, port));
                        clientPorts.Add((port, ((IPEndPoint)client.LocalEndPoint!).Port));
                        using var server = listeners[port == ServicePort ? 0 : 1].Accept();
                        client.Send(buffer);
                        server.Receive(buffer);
                        server.Send(buffer.AsSpan(0, 100));
                        client.Receive(buffer);
                        client.Shutdown(SocketShutdown.Both);
                    }
                    stop.Token.WaitHandle.WaitOne(100); // a paced client, not a flood; ends at once when the test is done
                }
            }, stop.Token);

            var run = CliRun.Run("capture", "--netns", lab.Server, "--seconds", "3", "--config", config, "--json");
            Assert.True(run.ExitCode is 0 or 1, run.Error);
            Assert.DoesNotContain("packets", run.Error, StringComparison.Ordinal);
            string bundlePath = run.Json.GetProperty("incidents")[0].GetProperty("bundle").GetString()!;

            var bundle = BundleReader.Read(bundlePath);
            Assert.Empty(bundle.Problems);
            var entry = Assert.Single(bundle.Manifest.Files, f => f.Name == BundleLayout.PacketsName);
            Assert.Equal(64, entry.Sha256.Length);
            string file = Path.Combine(bundlePath, BundleLayout.PacketsName);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(entry.Bytes, new FileInfo(file).Length);

            var ours = ReadOurs(file);
            var shark = ReadWithTshark(file);
            Assert.True(ours.Count >= 6, $"only {ours.Count} packets captured in 3 s of traffic");
            Assert.Equal(ours.Count, shark.Count);
            Assert.Equal(ours, shark);
            string server = lab.ServerAddress.ToString(), peer = lab.PeerAddress.ToString();
            var serviceClients = clientPorts.Where(c => c.Service == ServicePort).Select(c => c.Client).ToHashSet();
            Assert.All(ours, t => Assert.True(
                (t.Source == peer && t.Destination == server && t.DestinationPort == ServicePort && serviceClients.Contains(t.SourcePort))
                || (t.Source == server && t.SourcePort == ServicePort && t.Destination == peer && serviceClients.Contains(t.DestinationPort)),
                $"{t} is not a service-port packet of this test's client"));
            Assert.DoesNotContain(shark, t => t.SourcePort == OtherPort || t.DestinationPort == OtherPort);
            Assert.Contains(clientPorts, c => c.Service == OtherPort); // the other port did see traffic meanwhile

            // analyze reads the ring through the wire analysis; incidents show lists the file.
            var analyzed = CliRun.Run("analyze", bundlePath, "--json");
            var packets = analyzed.Json.GetProperty("verdicts")[0].GetProperty("packets");
            Assert.Equal(ours.Count, packets.GetProperty("packets").GetInt64());
            Assert.True(packets.GetProperty("flows").GetInt64() >= 2);
            string id = run.Json.GetProperty("incidents")[0].GetProperty("id").GetString()!;
            var shown = CliRun.Run("incidents", "show", id, "--config", config, "--json");
            Assert.Contains(shown.Json.GetProperty("incidents")[0].GetProperty("files").EnumerateArray(),
                f => f.GetProperty("name").GetString() == BundleLayout.PacketsName && f.GetProperty("sha256").GetString() == entry.Sha256);
        }
        finally
        {
            stop.Cancel();
            foreach (var l in listeners)
            {
                l.Dispose(); // ends a client still waiting on accept
            }
            try
            {
                traffic?.Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
                // The client loop ends with the listeners gone: that is how it stops.
            }
            Directory.Delete(dir, recursive: true);
        }
    }

    [RootFact]
    public void Capture_asks_the_running_daemon_which_writes_its_ring_into_the_bundle()
    {
        using var lab = NetworkLab.Create();
        string dir = CliRun.TempDir();
        Socket? listener = null;
        DaemonProcess? daemon = null;
        try
        {
            listener = Listen(lab, ServicePort);
            string config = Path.Combine(dir, "uncloak.yaml");
            string control = Path.Combine(dir, "control.sock");
            File.WriteAllText(config, $"store: {Path.Combine(dir, "u.db")}\nfirewall: off\nmetrics: off\ncontrol: {control}\n" +
                $"sources: {{ kmsg: false }}\nforensics: {{ dir: {Path.Combine(dir, "incidents")}, baseline: off }}\n" +
                $"probes:\n  - {{ name: svc, tcp: \"{lab.ServerAddress}:{ServicePort}\", interval: 1m }}\n");
            daemon = DaemonProcess.StartIn(lab.Server, "watch", "--config", config);
            Poll.Until(() => daemon.Log.Contains("event_id=8007", StringComparison.Ordinal) ? daemon.Log : null, TimeSpan.FromSeconds(60),
                "the daemon's packet ring (event 8007)");
            Poll.Until(() => File.Exists(control) ? control : null, TimeSpan.FromSeconds(30), "the control socket");

            var clients = new HashSet<int>();
            for (int i = 0; i < 5; i++)
            {
                using var client = lab.InPeer(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                client.Connect(new IPEndPoint(lab.ServerAddress, ServicePort));
                clients.Add(((IPEndPoint)client.LocalEndPoint!).Port);
                using var server = AcceptFrom(listener, (IPEndPoint)client.LocalEndPoint!);
                client.Send(new byte[200]);
                Assert.Equal(200, server.Receive(new byte[200]));
            }

            var run = CliRun.Run("capture", "--config", config, "--json");
            Assert.True(run.ExitCode is 0 or 1, run.Error + daemon.Log);
            Assert.Contains("the running daemon captures", run.Error, StringComparison.Ordinal);
            string bundlePath = run.Json.GetProperty("incidents")[0].GetProperty("bundle").GetString()!;
            Assert.Contains(run.Json.GetProperty("incidents")[0].GetProperty("files").EnumerateArray(), f => f.GetProperty("name").GetString() == BundleLayout.PacketsName);
            string file = Path.Combine(bundlePath, BundleLayout.PacketsName);
            var ours = ReadOurs(file);
            Assert.Equal(ours, ReadWithTshark(file));
            // Every one of this test's connections is in the daemon's ring: its SYN from the client's port.
            Assert.All(clients, port => Assert.Contains(ours, t => t.SourcePort == port && t.DestinationPort == ServicePort));
        }
        finally
        {
            daemon?.Dispose();
            listener?.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A TCP listener on the lab server's address and <paramref name="port"/>, in the server's namespace.</summary>
    private static Socket Listen(NetworkLab lab, int port) => lab.InServer(() =>
    {
        var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        l.Bind(new IPEndPoint(lab.ServerAddress, port));
        l.Listen(64);
        return l;
    });

    /// <summary>
    /// The accepted connection of <paramref name="client"/>: the daemon's own probe of the service port connects too (and
    /// closes at once), so the first connection in the queue may be the probe's.
    /// </summary>
    private static Socket AcceptFrom(Socket listener, IPEndPoint client)
    {
        for (int i = 0; i < 10; i++)
        {
            var accepted = listener.Accept();
            if (client.Equals(accepted.RemoteEndPoint))
            {
                return accepted;
            }
            accepted.Dispose();
        }
        throw new InvalidOperationException($"no connection from {client} among the first 10 accepted");
    }

    [RootFact]
    public void An_outages_end_appends_the_packets_since_its_start_without_repeating_any()
    {
        using var lab = NetworkLab.Create();
        string dir = CliRun.TempDir();
        Socket? listener = null;
        try
        {
            listener = Listen(lab, ServicePort);
            using var ring = PacketRecorder.Start(new PacketHistoryLimits { Window = TimeSpan.FromMinutes(1) }, "any", [ServicePort], lab.Server);
            int Connect()
            {
                using var client = lab.InPeer(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                client.Connect(new IPEndPoint(lab.ServerAddress, ServicePort));
                using var server = listener!.Accept();
                client.Send(new byte[100]);
                Assert.Equal(100, server.Receive(new byte[100]));
                return ((IPEndPoint)client.LocalEndPoint!).Port;
            }
            // Each connection's packets are in the ring once the kernel hands over its block (at most 250 ms later).
            int first = Connect();
            Poll.Until(() => ring.History.Count >= 4 ? "" : null, TimeSpan.FromSeconds(10), "the first connection's packets in the ring");
            var recorder = new IncidentRecorder(Path.Combine(dir, "incidents"), new CaptureLimits());
            var start = DateTime.UtcNow;
            var incident = new Incident { Id = Incident.NewId(start, "svc"), Probe = "svc", Start = start };
            (incident, _) = recorder.Open(incident, null, new PhaseSnapshot(Uncloak.Core.Forensics.EvidencePhase.During, start, [], []), [], [], ring);
            long atOpen = ring.History.Added;
            int second = Connect();
            Poll.Until(() => ring.History.Added >= atOpen + 4 ? "" : null, TimeSpan.FromSeconds(10), "the second connection's packets in the ring");
            var end = DateTime.UtcNow;
            recorder.Close(incident, end, new PhaseSnapshot(Uncloak.Core.Forensics.EvidencePhase.After, end, [], []), [], [], ring);

            string file = Path.Combine(incident.Bundle, BundleLayout.PacketsName);
            var ours = ReadOurs(file);
            Assert.Equal(ours, ReadWithTshark(file));
            Assert.Contains(ours, t => t.SourcePort == first);
            Assert.Contains(ours, t => t.SourcePort == second);
            // Two sections (start, end), and no packet twice: the end's section starts after the start's last packet.
            Assert.Equal(2, CountSections(File.ReadAllBytes(file)));
            var times = Times(file);
            Assert.Equal(ours.Count, times.Count);
            Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"{pair.Second} follows {pair.First}"));
            Assert.Empty(BundleReader.Read(incident.Bundle).Problems);
        }
        finally
        {
            listener?.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static List<long> Times(string file)
    {
        using var stream = File.OpenRead(file);
        Assert.True(CaptureReader.TryOpen(stream, out var reader, out _));
        var times = new List<long>();
        while (reader!.TryRead(out var p))
        {
            times.Add(p.Ticks);
        }
        return times;
    }

    /// <summary>Section header blocks in a little-endian pcapng file, walking it block by block.</summary>
    private static int CountSections(byte[] file)
    {
        int sections = 0;
        for (int at = 0; at + 8 <= file.Length; at += (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 4)))
        {
            sections += BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at)) == 0x0A0D0D0A ? 1 : 0;
        }
        return sections;
    }

    private sealed record FourTuple(string Source, int SourcePort, string Destination, int DestinationPort);

    /// <summary>Our reader: raw IPv4 packets, addresses and ports straight from the headers.</summary>
    private static List<FourTuple> ReadOurs(string file)
    {
        using var stream = File.OpenRead(file);
        Assert.True(CaptureReader.TryOpen(stream, out var reader, out string? problem), problem);
        var tuples = new List<FourTuple>();
        while (reader!.TryRead(out var p))
        {
            Assert.Equal(LinkType.Raw, p.LinkType);
            var d = p.Data;
            Assert.Equal(4, d[0] >> 4);
            Assert.Equal(6, d[9]);
            int ihl = (d[0] & 0xF) * 4;
            tuples.Add(new FourTuple(new IPAddress(d.Slice(12, 4)).ToString(), BinaryPrimitives.ReadUInt16BigEndian(d[ihl..]),
                new IPAddress(d.Slice(16, 4)).ToString(), BinaryPrimitives.ReadUInt16BigEndian(d[(ihl + 2)..])));
        }
        Assert.Equal(0, reader.Statistics.Malformed);
        return tuples;
    }

    private static List<FourTuple> ReadWithTshark(string file)
    {
        var (exit, output, error) = NetworkNamespace.Capture(["tshark", "-n", "-r", file, "-T", "fields", "-E", "separator=,",
            "-e", "ip.src", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "tcp.dstport"]);
        Assert.True(exit == 0, $"tshark failed ({exit}): {error}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var f = line.Trim().Split(',');
            return new FourTuple(f[0], int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), f[2], int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture));
        })];
    }
}
