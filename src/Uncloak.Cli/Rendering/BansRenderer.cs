using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Uncloak.Cli.Commands.Bans;
using Uncloak.Core.Decisions;
using Uncloak.Firewall;
using Uncloak.Daemon.Enforcement;

namespace Uncloak.Cli.Rendering;

/// <summary>Human and JSON views of the bans verbs.</summary>
public static class BansRenderer
{
    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static void RenderOutcome(TextWriter output, BanWorkflow.Outcome outcome, bool dryRun, string? backend, bool json, bool verbose)
    {
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.bans.add/1");
                w.WriteBoolean("dry_run", dryRun);
                if (backend is not null)
                {
                    w.WriteString("backend", backend);
                }
                w.WriteNumber("accepted", outcome.Accepted);
                w.WriteNumber("refused", outcome.Refused);
                w.WriteBoolean("rate_cap_tripped", outcome.RateCapTripped);
                w.WriteNumber("kernel_added", outcome.KernelAdded);
                w.WriteNumber("kernel_removed", outcome.KernelRemoved);
                w.WriteNumber("connections_killed", outcome.Killed.Destroyed);
                w.WriteNumber("connections_kill_failed", outcome.Killed.Failed);
                w.WriteStartObject("timings_ms");
                w.WriteNumber("decide", Math.Round(outcome.DecideMs, 1));
                w.WriteNumber("store", Math.Round(outcome.StoreMs, 1));
                w.WriteNumber("kernel", Math.Round(outcome.KernelMs, 1));
                w.WriteNumber("total", Math.Round(outcome.TotalMs, 1));
                w.WriteBoolean("store_and_kernel_in_parallel", outcome.Parallel);
                w.WriteEndObject();
                w.WriteStartArray("decisions");
                foreach (var d in verbose ? outcome.Decisions : outcome.Decisions.Where(d => d.Status != DecisionStatus.Active))
                {
                    WriteDecision(w, d);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }
        var console = Terminal.For(output);
        string verb = dryRun ? "would ban" : "banned";
        foreach (var d in outcome.Decisions)
        {
            if (d.Status == DecisionStatus.Refused)
            {
                console.MarkupLineInterpolated($"[red]REFUSED[/] {d.RefusalMessage}");
            }
            else if (verbose)
            {
                string repeat = d.Repeat > 0 ? $" (repeat #{d.Repeat}, escalated)" : "";
                console.MarkupLineInterpolated($"{verb} {d.Target} for {DurationText.Format(d.Duration)} until {Time(d.Expires)}{repeat}");
            }
        }
        if (!verbose || outcome.Decisions.Count > 1)
        {
            console.MarkupLineInterpolated($"{verb} {outcome.Accepted}, refused {outcome.Refused}");
        }
        if (!dryRun && backend is not null)
        {
            if (outcome.Killed.Destroyed + outcome.Killed.Failed > 0)
            {
                console.MarkupLineInterpolated($"destroyed {outcome.Killed.Destroyed} established connection(s) of the banned peers (SOCK_DESTROY)");
            }
            string how = outcome.Parallel ? " (written in parallel)" : "";
            console.MarkupLineInterpolated($"{backend}: +{outcome.KernelAdded} -{outcome.KernelRemoved} elements in one transaction; store {outcome.StoreMs:F0} ms, kernel {outcome.KernelMs:F0} ms{how}, total {outcome.TotalMs:F0} ms");
        }
    }

    public static void RenderUnban(TextWriter output, IReadOnlyList<BanTarget> targets, int revoked, int removed, bool dryRun, bool json)
    {
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.bans.del/1");
                w.WriteBoolean("dry_run", dryRun);
                w.WriteStartArray("targets");
                targets.ToList().ForEach(t => w.WriteStringValue(t.ToString()));
                w.WriteEndArray();
                w.WriteNumber("revoked", revoked);
                w.WriteNumber("kernel_removed", removed);
                w.WriteEndObject();
            });
            return;
        }
        output.WriteLine(revoked == 0 && removed == 0
            ? $"no ban in force on {string.Join(", ", targets)}"
            : revoked == 0
                ? $"no stored ban on {string.Join(", ", targets)}, but {removed} kernel element(s) the store did not know were removed"
                : $"{(dryRun ? "would lift" : "lifted")} {revoked} ban(s) on {string.Join(", ", targets)}; {removed} kernel element(s) removed");
    }

    public static void RenderUnbanMatching(TextWriter output, string? scenario, string? origin, int revoked, bool dryRun, bool json)
    {
        string what = string.Join(" and ", new[] { scenario is null ? null : "scenario " + scenario, origin is null ? null : "origin " + origin }.OfType<string>());
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.bans.del/1");
                w.WriteBoolean("dry_run", dryRun);
                if (scenario is not null)
                {
                    w.WriteString("scenario", scenario);
                }
                if (origin is not null)
                {
                    w.WriteString("origin", origin);
                }
                w.WriteNumber("revoked", revoked);
                w.WriteEndObject();
            });
            return;
        }
        output.WriteLine(revoked == 0 ? $"no ban in force from {what}" : $"{(dryRun ? "would lift" : "lifted")} {revoked} ban(s) from {what}");
    }

    public static void RenderCount(TextWriter output, string verb, int n, bool json)
    {
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.bans.flush/1");
                w.WriteNumber("count", n);
                w.WriteEndObject();
            });
            return;
        }
        output.WriteLine($"{verb} {n} ban(s)");
    }

    public static void RenderSync(TextWriter output, ReconcileResult r, string backend, bool json, int unsafeRevoked = 0)
    {
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.bans.sync/1");
                w.WriteString("backend", backend);
                w.WriteNumber("revoked_now_protected", unsafeRevoked);
                w.WriteBoolean("installed", r.Installed);
                w.WriteNumber("restored", r.Restored);
                w.WriteNumber("removed", r.Removed);
                w.WriteNumber("refreshed", r.Refreshed);
                w.WriteNumber("kept", r.Kept);
                w.WriteEndObject();
            });
            return;
        }
        if (unsafeRevoked > 0)
        {
            output.WriteLine($"revoked {unsafeRevoked} ban(s) on addresses that are protected now (own address, gateway, allowlist, SSH client): not restored");
        }
        output.WriteLine($"{backend}: {(r.Installed ? "created the sets and chain; " : "")}restored {r.Restored}, removed {r.Removed} stale, corrected {r.Refreshed} expiries, {r.Kept} already right");
    }

    public static void RenderList(TextWriter output, IReadOnlyList<Decision> decisions, IReadOnlyList<SetCounter>? counters, DateTimeOffset now, bool json)
    {
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.bans.list/1");
                w.WriteStartArray("decisions");
                foreach (var d in decisions)
                {
                    WriteDecision(w, d, now);
                }
                w.WriteEndArray();
                if (counters is not null)
                {
                    w.WriteStartArray("counters");
                    foreach (var c in counters)
                    {
                        w.WriteStartObject();
                        w.WriteString("set", c.Set);
                        w.WriteNumber("elements", c.Elements);
                        w.WriteNumber("packets", c.Packets);
                        w.WriteNumber("bytes", c.Bytes);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            });
            return;
        }
        var console = Terminal.For(output);
        if (decisions.Count == 0)
        {
            console.MarkupLine("no bans in force");
        }
        else
        {
            var table = new Table().Border(TableBorder.Simple).AddColumn("id").AddColumn("target").AddColumn("state").AddColumn("until").AddColumn("origin").AddColumn("reason");
            foreach (var d in decisions)
            {
                string state = d.Status switch
                {
                    DecisionStatus.Refused => "refused: " + d.Refusal.Name(),
                    DecisionStatus.Revoked => "revoked",
                    _ => d.Expires > now ? "active" : "expired",
                };
                table.AddRow(d.Id.ToString(CultureInfo.InvariantCulture), d.Target.ToString(), state, Time(d.Expires), Markup.Escape(d.Origin), Markup.Escape(d.Status == DecisionStatus.Refused ? d.RefusalMessage : d.Reason));
            }
            console.Write(table);
        }
        if (counters is not null)
        {
            foreach (var c in counters)
            {
                console.MarkupLineInterpolated($"kernel set {c.Set}: {c.Elements} elements, dropped {c.Packets} packets ({c.Bytes} bytes)");
            }
        }
    }

    public static void RenderExport(TextWriter output, IReadOnlyList<KeyValuePair<BanTarget, DateTimeOffset>> targets, bool withExpiry, bool json)
    {
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.bans.export/1");
                w.WriteStartArray("bans");
                foreach (var (t, e) in targets)
                {
                    w.WriteStartObject();
                    w.WriteString("target", t.ToString());
                    w.WriteString("expires", e.UtcDateTime);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }
        var sb = new System.Text.StringBuilder(targets.Count * 24);
        foreach (var (t, e) in targets)
        {
            sb.Append(t.ToString());
            if (withExpiry)
            {
                sb.Append(" # expires ").Append(Time(e));
            }
            sb.Append('\n');
        }
        output.Write(sb.ToString());
    }

    private static void WriteDecision(Utf8JsonWriter w, Decision d, DateTimeOffset? now = null)
    {
        w.WriteStartObject();
        w.WriteNumber("id", d.Id);
        w.WriteString("target", d.Target.ToString());
        w.WriteString("status", d.Status switch
        {
            DecisionStatus.Refused => "refused",
            DecisionStatus.Revoked => "revoked",
            _ => now is { } n && d.Expires <= n ? "expired" : "active",
        });
        w.WriteString("reason", d.Reason);
        w.WriteString("origin", d.Origin);
        if (d.Scenario is not null)
        {
            w.WriteString("scenario", d.Scenario);
        }
        w.WriteString("created", d.Created.UtcDateTime);
        w.WriteString("expires", d.Expires.UtcDateTime);
        w.WriteNumber("duration_s", (long)d.Duration.TotalSeconds);
        w.WriteNumber("repeat", d.Repeat);
        if (d.Status == DecisionStatus.Refused)
        {
            w.WriteString("refusal", d.Refusal.Name());
            w.WriteString("refusal_message", d.RefusalMessage);
        }
        if (d.Revoked is { } revoked)
        {
            w.WriteString("revoked", revoked.UtcDateTime);
            if (d.RevokedBy is not null)
            {
                w.WriteString("revoked_by", d.RevokedBy);
            }
        }
        w.WriteNumber("renewals", d.Renewals);
        if (d.Renewed is { } renewed)
        {
            w.WriteString("renewed", renewed.UtcDateTime);
        }
        if (d.Evidence is { } e)
        {
            w.WriteStartObject("evidence");
            w.WriteNumber("source_id", e.SourceId);
            w.WriteNumber("offset", e.Offset);
            w.WriteString("first", e.First.UtcDateTime);
            w.WriteNumber("events", e.Events);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
