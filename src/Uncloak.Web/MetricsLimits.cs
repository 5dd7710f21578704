using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Uncloak.Web;

/// <summary>
/// What one peer, or many, can make the metrics listener hold. A scrape is one short GET: anything beyond these bounds is
/// not a scraper. The connection cap is what keeps the listener from taking the daemon's file descriptors (connections
/// over it are accepted and closed at once), the size limits what keeps it from growing the daemon's memory (a 1 MB
/// request line is refused after its first 2 KiB), and the timeouts free what a silent peer holds.
/// </summary>
public static class MetricsLimits
{
    /// <summary>Open connections at most; Prometheus needs one per scraper.</summary>
    public const int MaxConnections = 64;

    /// <summary>Request line (<c>GET /metrics HTTP/1.1</c>) at most, in bytes.</summary>
    public const int MaxRequestLine = 2 * 1024;

    /// <summary>All request headers together at most, in bytes.</summary>
    public const int MaxHeaders = 8 * 1024;

    /// <summary>Request headers at most, by count.</summary>
    public const int MaxHeaderCount = 32;

    /// <summary>Request body at most, in bytes (a GET has none).</summary>
    public const long MaxBody = 1024;

    /// <summary>Time a peer has to send the request line and headers once it connected or its last request was answered.</summary>
    public static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Time an idle kept-alive connection stays open between scrapes.</summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Sets the limits on Kestrel's options.</summary>
    public static void Apply(KestrelServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.MaxConcurrentConnections = MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.MaxRequestLineSize = MaxRequestLine;
        limits.MaxRequestHeadersTotalSize = MaxHeaders;
        limits.MaxRequestHeaderCount = MaxHeaderCount;
        limits.MaxRequestBodySize = MaxBody;
        limits.RequestHeadersTimeout = HeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
    }
}
