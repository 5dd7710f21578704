using Uncloak.Daemon.Logging;
using Uncloak.Fleet;

namespace Uncloak.Daemon.Fleet;

/// <summary>The fleet agent's lines in the daemon's log (event ids 7xxx, <see cref="LogEvents"/>).</summary>
internal sealed class FleetLog(WatchLog log) : IFleetLog
{
    public void Connected(string server, string host, string version, bool keyTtl) => log.FleetConnected(server, host, version, keyTtl);

    public void Unavailable(string reason) => log.FleetUnavailable(reason);

    public void Received(int applied, int refused, int revoked) => log.FleetReceived(applied, refused, revoked);

    public void Published(int put, int deleted) => log.FleetPublished(put, deleted);

    public void Snapshot(string live, bool sequenced, string reason) => log.FleetSnapshot(live, sequenced, reason);

    public void ChunkReceived(string key, int bans, DateTimeOffset received, TimeSpan judged) => log.FleetChunkReceived(key, bans, received.UtcDateTime, judged);

    public void BatchApplied(int bans, DateTimeOffset opened, TimeSpan waited, TimeSpan judged, TimeSpan applied) => log.FleetBatchApplied(bans, opened.UtcDateTime, waited, judged, applied);

    public void RoundPublished(int changes, DateTimeOffset started, TimeSpan read, TimeSpan written) => log.FleetRoundPublished(changes, started.UtcDateTime, read, written);
}
