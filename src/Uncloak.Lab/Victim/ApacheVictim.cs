using System.Net;
using System.Net.Sockets;
using Uncloak.Lab.Topology;
using Uncloak.Linux.Namespaces;
using Uncloak.Linux.Processes;

namespace Uncloak.Lab.Victim;

/// <summary>
/// Apache httpd (Debian's <c>apache2</c>) with the prefork MPM, started inside the server namespace with a configuration of
/// the lab's own in a private directory (the system's /etc/apache2 and its service are never used): exactly
/// <see cref="IVictim.Workers"/> worker processes, the stock 300 s Timeout, no keep-alive. Disposing kills the process tree
/// it started (by pid) and removes the directory.
/// </summary>
public sealed class ApacheVictim : IVictim
{
    private const string Binary = "/usr/sbin/apache2";
    private const string Modules = "/usr/lib/apache2/modules";

    private readonly RunningCommand _process;
    private readonly string _directory;

    private ApacheVictim(RunningCommand process, string directory, int workers)
    {
        _process = process;
        _directory = directory;
        Workers = workers;
    }

    public static bool IsInstalled => File.Exists(Binary) && File.Exists(Path.Combine(Modules, "mod_mpm_prefork.so"));

    public string Description => $"apache2 prefork ({Workers} workers, backlog {KestrelVictim.Backlog})";

    public int Workers { get; }

    public static async Task<ApacheVictim> StartAsync(LabNames names, int workers, CancellationToken cancel)
    {
        string dir = Directory.CreateTempSubdirectory("uncloak-lab-apache-").FullName;
        ApacheVictim? victim = null;
        try
        {
            string www = Path.Combine(dir, "www");
            Directory.CreateDirectory(www);
            await File.WriteAllBytesAsync(Path.Combine(www, "index.html"), VictimContent.Small, cancel);
            await File.WriteAllBytesAsync(Path.Combine(www, "big"), VictimContent.Big, cancel);
            // The workers run as www-data: they must be able to read the document root.
            foreach (var path in new[] { dir, www })
            {
                File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
            }
            string conf = Path.Combine(dir, "httpd.conf");
            await File.WriteAllTextAsync(conf, Config(dir, www, workers), cancel);
            // ip netns exec execs apache2 itself: the process is the httpd parent, whose tree Dispose kills.
            RunningCommand process;
            try
            {
                process = CommandRunner.Start("ip", ["netns", "exec", names.Server, Binary, "-f", conf, "-DFOREGROUND"]);
            }
            catch (CommandException e)
            {
                throw new LabException("cannot start apache2: " + e.Message, e);
            }
            victim = new ApacheVictim(process, dir, workers);
            await victim.WaitUntilServingAsync(names, cancel);
            return victim;
        }
        catch
        {
            if (victim is not null)
            {
                await victim.DisposeAsync(); // kills what it started and removes the directory
            }
            else if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
            throw;
        }
    }

    private static string Config(string dir, string www, int workers) => $"""
        ServerRoot "{dir}"
        ServerName lab.invalid
        PidFile "{dir}/httpd.pid"
        ErrorLog "{dir}/error.log"
        LogLevel warn
        Mutex file:{dir}
        LoadModule mpm_prefork_module {Modules}/mod_mpm_prefork.so
        LoadModule authz_core_module {Modules}/mod_authz_core.so
        LoadModule dir_module {Modules}/mod_dir.so
        User www-data
        Group www-data
        Listen {LabNames.ServerAddress}:{LabNames.HttpPort}
        ListenBacklog {KestrelVictim.Backlog}
        StartServers {workers}
        MinSpareServers {workers}
        MaxSpareServers {workers}
        ServerLimit {workers}
        MaxRequestWorkers {workers}
        MaxConnectionsPerChild 0
        Timeout 300
        KeepAlive Off
        DocumentRoot "{www}"
        DirectoryIndex index.html
        <Directory "{www}">
            Require all granted
        </Directory>

        """;

    /// <summary>Bounded (10 s): a probe connection from the client namespace gets an answer.</summary>
    private async Task WaitUntilServingAsync(LabNames names, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new LabException($"apache2 exited ({_process.ExitCode}): {await _process.Error.ReadToEndAsync(cancel)}");
            }
            using var socket = NetNamespace.Run(names.Client, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                await socket.ConnectAsync(new IPEndPoint(LabNames.ServerAddress, LabNames.HttpPort), timeout.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                await Task.Delay(100, cancel); // not listening yet
            }
        }
        throw new LabException("apache2 did not start serving within 10 s");
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
