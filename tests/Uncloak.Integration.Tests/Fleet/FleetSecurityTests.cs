using System.Globalization;
using Xunit;

namespace Uncloak.Integration.Tests.Fleet;

/// <summary>
/// Issue 13 item 5 against a real 3-node cluster (<see cref="FleetLab"/>): the rights shipped in
/// config/fleet/fleet-accounts.conf let an agent write only under its own name, wrong credentials are refused with the
/// server's own message, and a decision whose origin is not the host of its key is refused by every receiver.
/// Messages are sent by a bare NATS client (nats-publish.py), as a compromised agent would, not through the agent.
/// </summary>
public sealed class FleetSecurityTests
{
    private static string Decision(string target, string origin) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"target":"{{target}}","expires":"{{DateTimeOffset.UtcNow.AddHours(1):O}}","origin":"{{origin}}","scenario":"zero-window-hold","reason":"test"}""");

    [RootFact]
    public void The_shipped_rights_let_an_agent_write_only_its_own_keys_and_evidence_and_wrong_credentials_are_refused()
    {
        using var lab = new FleetLab(shippedRights: true);
        string[] messages =
        [
            "$KV.uncloak-bans.a.198-18-1-2=" + Decision("198.18.1.2", "a"),
            "$KV.uncloak-bans.b.198-18-1-2=" + Decision("198.18.1.2", "b"),
            "$KV.uncloak-hosts.a={}",
            "$KV.uncloak-hosts.b={}",
            "uncloak.evidence.a.outage.1={}",
            "uncloak.evidence.b.outage.1={}",
        ];
        Shell.Result r = default!;
        WatchDeadline.Until(() => (r = lab.Publish("a", "a", "secret-a", messages)).ExitCode == 0, TimeSpan.FromSeconds(30), () => "node 1 to accept a: " + r + "\n" + lab.NatsLogs());
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(messages.Length, lines.Length);
        foreach (var (line, message) in lines.Zip(messages))
        {
            var subject = message[..message.IndexOf('=', StringComparison.Ordinal)];
            bool own = subject.StartsWith("$KV.uncloak-bans.a.", StringComparison.Ordinal) || subject == "$KV.uncloak-hosts.a" || subject.StartsWith("uncloak.evidence.a.", StringComparison.Ordinal);
            if (own)
            {
                Assert.Equal("ok " + subject, line);
            }
            else
            {
                // A put and a delete are both a publish on the key's subject: b's keys can be neither written nor revoked by a.
                Assert.StartsWith("err " + subject, line, StringComparison.Ordinal);
                Assert.Contains("Permissions Violation for Publish", line, StringComparison.Ordinal);
            }
        }

        var wrong = lab.Publish("a", "a", "secret-b", messages[0]);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("Authorization Violation", wrong.Output, StringComparison.Ordinal);
        var stranger = lab.Publish("a", "web-99", "secret-a", messages[0]);
        Assert.Contains("Authorization Violation", stranger.Output, StringComparison.Ordinal);
    }

    [RootFact]
    public void A_decision_whose_origin_is_not_the_host_of_its_key_is_refused_by_every_receiver()
    {
        using var lab = new FleetLab();
        lab.StartAgent("b");
        lab.StartAgent("c");

        // a writes, under its own key, a ban claiming to be b's; then an honest one. The honest one arriving shows the
        // forged one (sent first, on the same stream) was seen and refused, not merely late.
        var r = lab.Publish("a", "a", "secret-a",
            "$KV.uncloak-bans.a.198-18-9-9=" + Decision("198.18.9.9", "b"),
            "$KV.uncloak-bans.a.198-18-9-10=" + Decision("198.18.9.10", "a"));
        Assert.True(r.ExitCode == 0 && !r.Output.Contains("err", StringComparison.Ordinal), r.ToString());
        foreach (var h in new[] { "b", "c" })
        {
            WatchDeadline.Until(() => lab.KernelSet(h).Contains("198.18.9.10"), TimeSpan.FromSeconds(20), () => $"the honest ban on {h}: {lab.Agent(h).Log}");
            Assert.DoesNotContain("198.18.9.9", lab.KernelSet(h));
            Assert.DoesNotContain("198.18.9.9", lab.Uncloak(h, "bans", "list", "--all", "--json").Output, StringComparison.Ordinal);
        }
    }
}
