namespace Uncloak.Fleet;

/// <summary>What the fleet agent tells the daemon's log; each call is one line.</summary>
public interface IFleetLog
{
    void Connected(string server, string host);

    /// <summary>The bus cannot be reached or refused this host (wrong credentials, TLS); the agent keeps retrying and the host keeps defending alone.</summary>
    void Unavailable(string reason);

    void Received(int applied, int refused, int revoked);

    void Published(int put, int deleted);
}
