namespace Uncloak.Daemon.Logging;

/// <summary>
/// Every line the daemon writes to the journal, in one place: a named method per event, each with a fixed event id
/// (the <c>event_id</c> field at the end of the line) and level, numbered in blocks per area — 1xxx sources, 2xxx
/// decisions and bans, 3xxx probes and remedies, 4xxx alerts, 5xxx configuration, 6xxx the daemon's life (start, stop,
/// the web listener), 7xxx the fleet bus, 8xxx incident captures. Ids are a contract with whoever filters the journal (<c>journalctl -u uncloak | grep event_id=2001</c>):
/// a new event takes the next free id in its block, an id is never reused for another meaning.
/// </summary>
public static class LogEvents
{
    // 1xxx sources
    public static void SourceResumed(this WatchLog log, string name, string? cursor)
        => log.Write(1001, WatchLog.Info, "source", ("name", name), ("resume", cursor ?? "(new)"));

    public static void SourceProblem(this WatchLog log, string source, string problem, TimeSpan retryIn)
        => log.Write(1002, WatchLog.Warning, "source problem", ("source", source), ("problem", problem), ("retry_in", retryIn));

    public static void StoreWriteFailed(this WatchLog log, string error)
        => log.Write(1003, WatchLog.Error, "store write failed", ("error", error));

    public static void StorePruned(this WatchLog log, long events, long outages, long actions, long decisions, bool more)
        => log.Write(1004, WatchLog.Info, "store pruned", ("events", events), ("outages", outages), ("actions", actions), ("decisions", decisions), ("more", more));

    public static void StoreWriteHeld(this WatchLog log, string source, int attempt, TimeSpan retryIn, string error)
        => log.Write(1005, WatchLog.Error, "store write failed: sources held until it succeeds", ("source", source), ("attempt", attempt), ("retry_in", retryIn), ("error", error));

    public static void StoreWritable(this WatchLog log, string source, int failedAttempts)
        => log.Write(1006, WatchLog.Notice, "store writable again: sources resume", ("source", source), ("failed_attempts", failedAttempts));

    public static void StoppedUncommitted(this WatchLog log, string source)
        => log.Write(1007, WatchLog.Error, "stopping with uncommitted batches: they are read again at the next start", ("source", source));

    // 2xxx decisions and bans
    public static void Decision(this WatchLog log, string scenario, string action, string target, bool simulated, string outcome)
        => log.Write(2001, WatchLog.Notice, "decision", ("scenario", scenario), ("action", action), ("target", target), ("simulated", simulated), ("outcome", outcome));

    public static void BansRecordedOnly(this WatchLog log, string reason)
        => log.Write(2002, WatchLog.Warning, "bans will be recorded only", ("reason", reason));

    public static void BansReconciled(this WatchLog log, string backend, int restored, int removed, int kept)
        => log.Write(2003, WatchLog.Info, "bans reconciled", ("backend", backend), ("restored", restored), ("removed", removed), ("kept", kept));

    public static void BansNotReconciled(this WatchLog log, string backend, string error)
        => log.Write(2004, WatchLog.Error, "bans could not be reconciled at start-up", ("backend", backend), ("error", error));

    public static void FirewallRepaired(this WatchLog log, string repair)
        => log.Write(2005, WatchLog.Warning, "firewall", ("repair", repair));

    public static void BansApplied(this WatchLog log, string by, int bans, int accepted, double decideMs, double storeMs, double kernelMs, double totalMs)
        => log.Write(2008, WatchLog.Debug, "bans applied", ("by", by), ("bans", bans), ("accepted", accepted), ("decide_ms", Math.Round(decideMs, 1)), ("store_ms", Math.Round(storeMs, 1)), ("kernel_ms", Math.Round(kernelMs, 1)), ("total_ms", Math.Round(totalMs, 1)));

    public static void FirewallNetlinkFallback(this WatchLog log, string reason)
        => log.Write(2009, WatchLog.Warning, "ban change went through libnftables: the netlink batch failed", ("reason", reason));

    public static void FirewallChecked(this WatchLog log, long overruns, string outcome, TimeSpan took)
        => log.Write(2010, WatchLog.Debug, "ban table checked after nftables notifications", ("overruns", overruns), ("outcome", outcome), ("took", took));

    public static void FirewallUnwatched(this WatchLog log, string reason)
        => log.Write(2006, WatchLog.Warning, "a flushed firewall will not be noticed (run 'uncloak bans sync' after a reload)", ("reason", reason));

    public static void ActionAsked(this WatchLog log, string who, string action, string target, string outcome)
        => log.Write(2007, WatchLog.Notice, "action asked", ("who", who), ("action", action), ("target", target), ("outcome", outcome));

    // 3xxx probes and remedies
    public static void RemedyStarting(this WatchLog log, string probe, string command, string why)
        => log.Write(3001, WatchLog.Warning, "remedy starting", ("probe", probe), ("command", command), ("why", why));

    public static void RemedyWithheld(this WatchLog log, string probe, string command, string why)
        => log.Write(3002, WatchLog.Warning, "remedy withheld", ("probe", probe), ("command", command), ("why", why));

    public static void RemedyDone(this WatchLog log, string probe, string command, string outcome)
        => log.Write(3003, WatchLog.Notice, "remedy", ("probe", probe), ("command", command), ("outcome", outcome));

    public static void RemedyBusUnreachable(this WatchLog log, string probe, string unit, string error)
        => log.Write(3004, WatchLog.Warning, "remedy: D-Bus unreachable, falling back to systemctl", ("probe", probe), ("unit", unit), ("error", error));

    // 4xxx alerts
    public static void AlertRaised(this WatchLog log, int level, string title, string severity, string key, string detail, int heldBack)
        => log.Write(4001, level, "ALERT " + title, ("severity", severity), ("key", key), ("detail", detail), ("held_back", heldBack));

    public static void AlertSuppressed(this WatchLog log, string key, string title)
        => log.Write(4002, WatchLog.Debug, "alert suppressed", ("key", key), ("title", title));

    public static void WebhookRefused(this WatchLog log, Uri url, int status)
        => log.Write(4003, WatchLog.Warning, "webhook refused the alert", ("url", url), ("status", status));

    public static void WebhookUnreachable(this WatchLog log, Uri url, string error)
        => log.Write(4004, WatchLog.Warning, "webhook unreachable", ("url", url), ("error", error));

    public static void SmtpFailed(this WatchLog log, string host, string error)
        => log.Write(4005, WatchLog.Warning, "SMTP alert failed", ("host", host), ("error", error));

    // 5xxx configuration
    public static void Reloaded(this WatchLog log, int scenarios)
        => log.Write(5001, WatchLog.Notice, "reloaded", ("scenarios", scenarios), ("note", "buckets start empty"));

    public static void ReloadRefusedInvalid(this WatchLog log, int errors, string? first)
        => log.Write(5002, WatchLog.Error, "reload refused: the new configuration is invalid, keeping the old one", ("errors", errors), ("first", first));

    public static void ConfigError(this WatchLog log, string at)
        => log.Write(5003, WatchLog.Error, "config error", ("at", at));

    public static void ReloadRefusedUnreadable(this WatchLog log, string error)
        => log.Write(5004, WatchLog.Error, "reload refused: cannot read the configuration, keeping the old one", ("error", error));

    // 6xxx the daemon's life
    public static void Watching(this WatchLog log, int sources, int probes, int scenarios, bool simulate, string bans, string socketKills)
        => log.Write(6001, WatchLog.Notice, "watching", ("sources", sources), ("probes", probes), ("scenarios", scenarios), ("simulate", simulate), ("bans", bans), ("socket_kills", socketKills));

    public static void Stopping(this WatchLog log)
        => log.Write(6002, WatchLog.Notice, "stopping: draining sources");

    public static void Stopped(this WatchLog log, long events)
        => log.Write(6003, WatchLog.Notice, "stopped", ("events", events));

    public static void MetricsServing(this WatchLog log, string address)
        => log.Write(6004, WatchLog.Info, "metrics", ("address", "http://" + address + "/metrics"));

    public static void ControlServing(this WatchLog log, string path)
        => log.Write(6005, WatchLog.Info, "control socket", ("path", path));

    public static void ControlUnavailable(this WatchLog log, string reason)
        => log.Write(6006, WatchLog.Warning, "no control socket: 'uncloak status' cannot reach this daemon", ("reason", reason));

    // 7xxx the fleet bus
    public static void FleetConnected(this WatchLog log, string server, string host, string version, bool keyTtl)
        => log.Write(7001, WatchLog.Notice, "fleet connected", ("server", server), ("host", host), ("nats", version), ("key_ttl", keyTtl ? "on" : "off"));

    public static void FleetUnavailable(this WatchLog log, string error)
        => log.Write(7002, WatchLog.Error, "fleet unavailable: defending alone, retrying", ("error", error));

    public static void FleetReceived(this WatchLog log, int applied, int refused, int revoked)
        => log.Write(7003, WatchLog.Info, "fleet bans received", ("applied", applied), ("refused", refused), ("revoked", revoked));

    public static void FleetPublished(this WatchLog log, int put, int deleted)
        => log.Write(7004, WatchLog.Info, "fleet bans published", ("put", put), ("deleted", deleted));

    public static void FleetSnapshot(this WatchLog log, string live, bool sequenced, string reason)
        => log.Write(7005, WatchLog.Info, "fleet snapshot", ("live", live), ("sequenced", sequenced ? "yes" : "no"), ("reason", reason));

    public static void FleetChunkReceived(this WatchLog log, string key, int bans, DateTime received, TimeSpan judged)
        => log.Write(7006, WatchLog.Debug, "fleet chunk received", ("key", key), ("bans", bans), ("received", received), ("judged", judged));

    public static void FleetBatchApplied(this WatchLog log, int bans, DateTime opened, TimeSpan waited, TimeSpan judged, TimeSpan applied)
        => log.Write(7007, WatchLog.Debug, "fleet batch applied", ("bans", bans), ("opened", opened), ("waited", waited), ("judged", judged), ("applied", applied));

    public static void FleetRoundPublished(this WatchLog log, int changes, DateTime started, TimeSpan read, TimeSpan written)
        => log.Write(7008, WatchLog.Debug, "fleet round published", ("changes", changes), ("started", started), ("read", read), ("written", written));
    // 8xxx forensics: incident captures
    public static void IncidentCaptured(this WatchLog log, string id, string probe, string phase, string layer, double confidence, string bundle)
        => log.Write(8001, WatchLog.Notice, "incident captured", ("id", id), ("probe", probe), ("phase", phase), ("layer", layer), ("confidence", Math.Round(confidence, 2)), ("bundle", bundle));

    public static void IncidentCaptureFailed(this WatchLog log, string id, string phase, string error)
        => log.Write(8002, WatchLog.Error, "incident capture failed; the outage is still recorded", ("id", id), ("phase", phase), ("error", error));

    public static void IncidentCaptureDropped(this WatchLog log, string id, string phase)
        => log.Write(8003, WatchLog.Warning, "incident capture skipped: captures already waiting", ("id", id), ("phase", phase));

    public static void IncidentsPruned(this WatchLog log, int bundles)
        => log.Write(8004, WatchLog.Info, "incident bundles pruned", ("bundles", bundles));

    public static void IncidentCaptureProblem(this WatchLog log, string id, string problem)
        => log.Write(8005, WatchLog.Info, "incident capture: part not captured", ("id", id), ("problem", problem));

    public static void BaselineFailed(this WatchLog log, string error)
        => log.Write(8006, WatchLog.Warning, "incident baseline not taken", ("error", error));

    public static void PacketRingStarted(this WatchLog log, string keeps)
        => log.Write(8007, WatchLog.Info, "incident packet ring started", ("keeps", keeps));

    public static void PacketRingUnavailable(this WatchLog log, string error)
        => log.Write(8008, WatchLog.Warning, "incident packet ring not started; bundles are written without packets", ("error", error));

    public static void WebServing(this WatchLog log, string address, string tokenFile)
        => log.Write(6007, WatchLog.Info, "dashboard", ("address", address), ("token_file", tokenFile));

    public static void WebRequestFailed(this WatchLog log, string method, string path, string error)
        => log.Write(6008, WatchLog.Error, "web request failed: answered 500", ("method", method), ("path", path), ("error", error));
}
