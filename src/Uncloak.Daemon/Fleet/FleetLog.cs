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
}
