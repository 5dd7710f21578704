namespace Uncloak.Fleet;

/// <summary>What the fleet agent tells the daemon's log; each call is one line.</summary>
public interface IFleetLog
{
    /// <param name="server">The node's name.</param>
    /// <param name="host">This host's fleet name.</param>
    /// <param name="version">The node's nats-server version (INFO).</param>
    /// <param name="keyTtl">Whether this host's puts carry a per-key TTL (<see cref="FleetStatus.KeyTtl"/>).</param>
    void Connected(string server, string host, string version, bool keyTtl);

    /// <summary>The bus cannot be reached or refused this host (wrong credentials, TLS); the agent keeps retrying and the host keeps defending alone.</summary>
    void Unavailable(string reason);

    void Received(int applied, int refused, int revoked);

    void Published(int put, int deleted);

    /// <summary>
    /// The watch reads the bucket's current values (a short-lived consumer) before following <paramref name="live"/>;
    /// <paramref name="sequenced"/> when its messages carry stream sequences (a missed one shows); <paramref name="reason"/>
    /// is <c>start</c>, or why the live view was given up (reconnected, a gap, a full buffer, an error).
    /// </summary>
    void Snapshot(string live, bool sequenced, string reason);

    /// <summary>Debug: one chunk entry read and judged (<paramref name="judged"/>: decoding and judging its bans), at <paramref name="received"/>.</summary>
    void ChunkReceived(string key, int bans, DateTimeOffset received, TimeSpan judged);

    /// <summary>
    /// Debug: one batch handed to the enforcement: opened at <paramref name="opened"/> (its first ban), applied after
    /// waiting <paramref name="waited"/> for more; <paramref name="judged"/> went to judging its entries, <paramref name="applied"/> to the store and kernel.
    /// </summary>
    void BatchApplied(int bans, DateTimeOffset opened, TimeSpan waited, TimeSpan judged, TimeSpan applied);

    /// <summary>Debug: one publishing round that had changes, begun at <paramref name="started"/>: the store read (and host record) took <paramref name="read"/>, the puts <paramref name="written"/>.</summary>
    void RoundPublished(int changes, DateTimeOffset started, TimeSpan read, TimeSpan written);
}
