using System.Diagnostics;
using System.Net.Sockets;
using Xunit;

namespace Uncloak.Integration.Tests.Daemon.Alerts;

/// <summary>
/// The e-mail alert sink against a real SMTP server (aiosmtpd, Debian's python3-aiosmtpd, delivering to a Maildir), both
/// inside a lab namespace with the daemon, so the mail never leaves it: a scenario's alert arrives with the subject and
/// body the daemon promises, the same alert is sent once (de-duplication), and past <c>per_minute</c> alerts are held back.
/// </summary>
public sealed class SmtpAlertTests
{
    private static string Shrunk(string peer, int port) =>
        $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: TCP: Peer {peer}:{port}/443 unexpectedly shrunk window 2238402976:2238405685 (repaired)";

    [RootFact]
    public void Alerts_arrive_by_mail_once_per_key_and_no_more_than_per_minute_allows()
    {
        using var lab = NetworkLab.Create();
        var dir = Directory.CreateTempSubdirectory("uncloak-smtp-");
        var maildir = Path.Combine(dir.FullName, "mail");
        var log = Path.Combine(dir.FullName, "kern.log");
        var config = Path.Combine(dir.FullName, "uncloak.yaml");
        const int port = 2525;
        File.WriteAllText(log, "");
        // The shipped scenario with no cooldown, so a second burst from the same peer raises the same alert again.
        var scenarios = Directory.CreateDirectory(Path.Combine(dir.FullName, "scenarios.d")).FullName;
        File.WriteAllText(Path.Combine(scenarios, "shrunk.yaml"), File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "scenarios", "shrunk-window-peers.yaml"))
            .Replace("cooldown: 30m", "cooldown: 1ms", StringComparison.Ordinal));
        File.WriteAllText(config, $"""
            store: {Path.Combine(dir.FullName, "u.db")}
            scenarios: [{scenarios}]
            firewall: off
            sources:
              kmsg: false
              sockets: off
              files: [ {"{"} path: {log}, from_start: true {"}"} ]
            metrics: off
            alerts:
              per_minute: 2
              dedupe: 10m
              smtp: {"{"} host: 127.0.0.1, port: {port}, from: uncloak@test.invalid, to: [admin@test.invalid, oncall@test.invalid], starttls: false {"}"}
            """);
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["netns", "exec", lab.Server, "/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir])
        {
            psi.ArgumentList.Add(a);
        }
        using var smtp = Process.Start(psi)!;
        DaemonProcess? daemon = null;
        try
        {
            WatchDeadline.Until(() => smtp.HasExited || lab.InServer(() =>
            {
                using var c = new TcpClient();
                try
                {
                    c.Connect("127.0.0.1", port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }), TimeSpan.FromSeconds(30), () => "aiosmtpd to listen");
            if (smtp.HasExited)
            {
                Assert.Fail("aiosmtpd exited: " + smtp.StandardError.ReadToEnd());
            }

            daemon = DaemonProcess.StartIn(lab.Server, "watch", "--config", config, "--verbose");
            var d = daemon;
            WatchDeadline.Until(() => d.Log.Contains("watching", StringComparison.Ordinal) || d.HasExited, TimeSpan.FromSeconds(60), () => "the daemon: " + d.Log);

            // One alert: it is mailed, to both recipients, with the promised subject and body.
            File.AppendAllLines(log, Enumerable.Range(0, 6).Select(i => Shrunk("198.18.5.1", 2000 + i)));
            WatchDeadline.Until(() => Mails(maildir).Count >= 1, TimeSpan.FromSeconds(30), () => "the first mail: " + d.Log);
            var first = Mails(maildir)[0];
            var (headers, body) = Parse(first);
            Assert.Matches(@"^\[uncloak warning\] \S+: shrunk-window-peers: 198\.18\.5\.1 — 6 treason events in \d+s$", headers["Subject"]);
            Assert.Equal("uncloak@test.invalid", headers["From"]);
            Assert.Equal("admin@test.invalid, oncall@test.invalid", headers["To"]);
            Assert.StartsWith("peer repeatedly shrinks a window it had offered; ban 198.18.5.1 for 1h", body, StringComparison.Ordinal);

            // The same alert again (same scenario, same peer) within the de-duplication window: not mailed.
            File.AppendAllLines(log, Enumerable.Range(0, 6).Select(i => Shrunk("198.18.5.1", 3000 + i)));
            WatchDeadline.Until(() => d.Log.Contains("alert suppressed key=shrunk-window-peers/198.18.5.1", StringComparison.Ordinal), TimeSpan.FromSeconds(30), () => "the duplicate held back: " + d.Log);

            // Two more peers within the minute: the second alert is mailed, the third exceeds per_minute: 2.
            File.AppendAllLines(log, Enumerable.Range(0, 6).Select(i => Shrunk("198.18.5.2", 4000 + i)));
            File.AppendAllLines(log, Enumerable.Range(0, 6).Select(i => Shrunk("198.18.5.3", 5000 + i)));
            WatchDeadline.Until(() => d.Log.Contains("alert suppressed key=shrunk-window-peers/198.18.5.3", StringComparison.Ordinal), TimeSpan.FromSeconds(30), () => "the third alert held back: " + d.Log);
            WatchDeadline.Until(() => Mails(maildir).Count >= 2, TimeSpan.FromSeconds(30), () => "the second mail: " + d.Log);

            // SIGTERM sends what is queued; then exactly two mails exist, for .1 and .2.
            d.Signal(DaemonProcess.SIGTERM);
            Assert.True(d.WaitForExit(TimeSpan.FromSeconds(30)), d.Log);
            var mails = Mails(maildir);
            Assert.Equal(2, mails.Count);
            Assert.Single(mails, m => m.Contains("198.18.5.1", StringComparison.Ordinal));
            Assert.Single(mails, m => m.Contains("198.18.5.2", StringComparison.Ordinal));
            Assert.DoesNotContain(mails, m => m.Contains("198.18.5.3", StringComparison.Ordinal));
            Assert.DoesNotContain("SMTP alert failed", d.Log, StringComparison.Ordinal);
        }
        finally
        {
            daemon?.Dispose();
            if (!smtp.HasExited)
            {
                smtp.Kill(entireProcessTree: true);
                smtp.WaitForExit(TimeSpan.FromSeconds(10));
            }
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Headers (unfolded, RFC 2047 "B" encoded words decoded) and body (quoted-printable decoded) of a message as
    /// System.Net.Mail writes it: enough MIME to read what the admin's mail client would show.
    /// </summary>
    private static (Dictionary<string, string> Headers, string Body) Parse(string mail)
    {
        mail = mail.Replace("\r\n", "\n", StringComparison.Ordinal);
        int split = mail.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in System.Text.RegularExpressions.Regex.Replace(mail[..split], @"\n[ \t]+", " ").Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            var value = System.Text.RegularExpressions.Regex.Replace(line[(colon + 1)..].Trim(), @"=\?utf-8\?B\?([^?]*)\?=\s*",
                m => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value)), System.Text.RegularExpressions.RegexOptions.IgnoreCase);
            headers[line[..colon]] = value.Trim();
        }
        string body = mail[(split + 2)..];
        if (headers.GetValueOrDefault("Content-Transfer-Encoding") == "quoted-printable")
        {
            body = System.Text.RegularExpressions.Regex.Replace(body.Replace("=\n", "", StringComparison.Ordinal), "=([0-9A-F]{2})",
                m => ((char)Convert.ToByte(m.Groups[1].Value, 16)).ToString());
        }
        return (headers, body);
    }

    /// <summary>The delivered messages (Maildir new/), oldest first.</summary>
    private static List<string> Mails(string maildir)
    {
        var folder = Path.Combine(maildir, "new");
        return Directory.Exists(folder) ? [.. new DirectoryInfo(folder).GetFiles().OrderBy(f => f.LastWriteTimeUtc).Select(f => File.ReadAllText(f.FullName))] : [];
    }
}
