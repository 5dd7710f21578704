using System.Text.Json;
using Uncloak.Core.Rulesets;
using Uncloak.Firewall.Policy;

namespace Uncloak.Cli.Rendering;

/// <summary>Human and JSON views of the firewall verbs.</summary>
public static class FirewallRenderer
{
    public static void RenderPlan(TextWriter output, PolicyGuard.Plan plan, int? synCookies, bool json)
    {
        bool changes = LineDiff.HasChanges(plan.Diff);
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.firewall.plan/1");
                w.WritePropertyName("ruleset");
                using (var doc = JsonDocument.Parse(plan.Json))
                {
                    doc.RootElement.WriteTo(w);
                }
                w.WriteString("planned_text", plan.PlannedText);
                w.WriteString("loaded_text", plan.LoadedText);
                w.WriteBoolean("changes", changes);
                w.WriteStartArray("diff");
                foreach (var l in plan.Diff)
                {
                    w.WriteStringValue(l);
                }
                w.WriteEndArray();
                WriteCookies(w, synCookies);
                w.WriteEndObject();
            });
            return;
        }
        output.WriteLine($"Planned policy (table inet uncloak, chain {PolicyRuleset.Chain} at prerouting priority {PolicyRuleset.Priority}), as nftables prints it:");
        output.WriteLine();
        output.Write(Indent(plan.PlannedText));
        output.WriteLine();
        if (!changes)
        {
            output.WriteLine("Diff against the loaded policy: none (applying would change nothing but reset counters).");
        }
        else
        {
            output.WriteLine(plan.LoadedText.Length == 0 ? "Diff against the loaded policy (none is loaded):" : "Diff against the loaded policy:");
            foreach (var l in plan.Diff.Where(l => l[0] != ' '))
            {
                output.WriteLine("  " + l);
            }
        }
        output.WriteLine();
        output.WriteLine(PolicyRuleset.WhyNoSynRateLimit);
        output.WriteLine(CookieSentence(synCookies));
    }

    public static void RenderApplied(TextWriter output, PendingApply pending, string stateDir, int? synCookies, bool json)
    {
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.firewall.apply/1");
                w.WriteString("token", pending.Token);
                w.WriteString("rollback_at", pending.Deadline.UtcDateTime);
                w.WriteNumber("timer_pid", pending.TimerPid);
                w.WriteString("state_dir", stateDir);
                WriteCookies(w, synCookies);
                w.WriteEndObject();
            });
            return;
        }
        string dirArg = stateDir == GuardState.DefaultDir ? "" : $" --state-dir {stateDir}";
        output.WriteLine($"Applied in one transaction. It rolls back by itself at {pending.Deadline.UtcDateTime:HH:mm:ss}Z (in {(pending.Deadline - pending.AppliedAt).TotalSeconds:F0} s) unless you run:");
        output.WriteLine($"  uncloak firewall confirm{dirArg}");
        output.WriteLine("Run it from a NEW SSH session: if that session cannot get in, do nothing and the old state comes back.");
        output.WriteLine(CookieSentence(synCookies));
    }

    public static void RenderConfirmed(TextWriter output, PendingApply? confirmed, bool timerStopped, bool json)
    {
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.firewall.confirm/1");
                w.WriteBoolean("confirmed", confirmed is not null);
                if (confirmed is not null)
                {
                    w.WriteString("token", confirmed.Token);
                    w.WriteBoolean("timer_stopped", timerStopped);
                }
                w.WriteEndObject();
            });
            return;
        }
        output.WriteLine(confirmed is null
            ? "Nothing to confirm: no apply is pending (it may already have rolled back; see 'uncloak firewall status')."
            : $"Confirmed: the policy stays. 'uncloak firewall rollback' still restores the state before this apply.");
    }

    public static void RenderRollback(TextWriter output, PolicyGuard.RollbackOutcome outcome, bool json)
    {
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.firewall.rollback/1");
                w.WriteString("outcome", outcome.ToString());
                w.WriteEndObject();
            });
            return;
        }
        output.WriteLine(outcome switch
        {
            PolicyGuard.RollbackOutcome.RolledBack => "Rolled back: the previous policy is loaded again (bans untouched).",
            _ => "Nothing to roll back.",
        });
    }

    public static void RenderStatus(TextWriter output, LoadedPolicy loaded, PendingApply? pending, int? synCookies, DateTimeOffset now, bool json)
    {
        var counters = loaded.Counters();
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.firewall.status/1");
                w.WriteBoolean("loaded", loaded.Existing.Chain);
                w.WriteStartArray("rules");
                foreach (var (id, packets, bytes) in counters)
                {
                    w.WriteStartObject();
                    w.WriteString("id", id);
                    w.WriteNumber("packets", packets);
                    w.WriteNumber("bytes", bytes);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                if (pending is not null)
                {
                    w.WriteStartObject("pending");
                    w.WriteString("token", pending.Token);
                    w.WriteString("rollback_at", pending.Deadline.UtcDateTime);
                    w.WriteNumber("timer_pid", pending.TimerPid);
                    w.WriteEndObject();
                }
                WriteCookies(w, synCookies);
                w.WriteEndObject();
            });
            return;
        }
        output.WriteLine(loaded.Existing.Chain ? $"Policy loaded (chain {PolicyRuleset.Chain}):" : "No policy loaded (bans, if any, work without it).");
        foreach (var (id, packets, bytes) in counters)
        {
            output.WriteLine($"  {id,-16} {packets,12} packets {bytes,14} bytes");
        }
        if (pending is not null)
        {
            double left = (pending.Deadline - now).TotalSeconds;
            output.WriteLine(left > 0
                ? $"Awaiting confirmation: rolls back at {pending.Deadline.UtcDateTime:HH:mm:ss}Z (in {left:F0} s) unless 'uncloak firewall confirm'."
                : $"Awaiting confirmation since {pending.Deadline.UtcDateTime:HH:mm:ss}Z but the timer has not rolled back (was it killed?): run 'uncloak firewall rollback' or 'confirm'.");
        }
        output.WriteLine(CookieSentence(synCookies));
    }

    private static void WriteCookies(Utf8JsonWriter w, int? synCookies)
    {
        if (synCookies is { } c)
        {
            w.WriteNumber("tcp_syncookies", c);
        }
        else
        {
            w.WriteNull("tcp_syncookies");
        }
    }

    private static string CookieSentence(int? synCookies) => synCookies switch
    {
        1 => "net.ipv4.tcp_syncookies = 1: good, SYN cookies take over when a listener's backlog fills.",
        2 => "net.ipv4.tcp_syncookies = 2: cookies always on; works, but disables TCP options like window scaling on every connection. 1 is usually better.",
        0 => "WARNING: net.ipv4.tcp_syncookies = 0: a SYN flood will fill your backlogs and lock clients out. Enable it: sysctl -w net.ipv4.tcp_syncookies=1 (and persist in /etc/sysctl.d).",
        _ => "net.ipv4.tcp_syncookies could not be read.",
    };

    private static string Indent(string text) => string.Concat(text.Split('\n').Where(l => l.Length > 0).Select(l => "  " + l + "\n"));
}
