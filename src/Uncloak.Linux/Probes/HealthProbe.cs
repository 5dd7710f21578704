using System.Diagnostics;
using System.Net.Http;
using System.Net.Sockets;

namespace Uncloak.Linux.Probes;

/// <summary>
/// Checks a service the way a user meets it: an HTTP(S) GET with an expected status and optional body text, or a TCP
/// connect. Failures are classified (timeout, refused, reset, unreachable, dns, tls, status, content) because the class
/// is the first cause hint: a timeout with zero-window holders before it reads differently from a refusal after a restart.
/// </summary>
public sealed class HealthProbe : IDisposable
{
    private readonly HttpClient? _http;

    public HealthProbe(string name, Uri? http, string? tcpHost, int tcpPort, TimeSpan timeout, int expectStatus = 200, string? expectBody = null)
    {
        Name = name;
        Http = http;
        TcpHost = tcpHost;
        TcpPort = tcpPort;
        Timeout = timeout;
        ExpectStatus = expectStatus;
        ExpectBody = expectBody;
        if (http is not null)
        {
            _http = new HttpClient(new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.Zero, // a fresh connection each time: a stuck pooled one must not hide recovery
                AllowAutoRedirect = false,
                UseProxy = false,
                ConnectTimeout = timeout,
            })
            { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        }
    }

    public string Name { get; }

    public Uri? Http { get; }

    public string? TcpHost { get; }

    public int TcpPort { get; }

    public TimeSpan Timeout { get; }

    public int ExpectStatus { get; }

    public string? ExpectBody { get; }

    public string Target => Http?.ToString() ?? $"{TcpHost}:{TcpPort}";

    /// <summary>Runs one check; never throws for a failing service (only for cancellation of <paramref name="cancel"/>).</summary>
    public async Task<(bool Ok, string Cause, string Detail, TimeSpan Latency)> CheckAsync(CancellationToken cancel)
    {
        var sw = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        cts.CancelAfter(Timeout);
        try
        {
            if (_http is not null && Http is not null)
            {
                using var response = await _http.GetAsync(Http, HttpCompletionOption.ResponseContentRead, cts.Token).ConfigureAwait(false);
                if ((int)response.StatusCode != ExpectStatus)
                {
                    return (false, "status", $"HTTP {(int)response.StatusCode} from {Http}, expected {ExpectStatus}", sw.Elapsed);
                }
                if (ExpectBody is not null)
                {
                    var body = await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false);
                    if (!body.Contains(ExpectBody, StringComparison.Ordinal))
                    {
                        return (false, "content", $"{Http} answered without '{ExpectBody}'", sw.Elapsed);
                    }
                }
                return (true, "", "", sw.Elapsed);
            }
            using var client = new TcpClient(TcpHost!.Contains(':', StringComparison.Ordinal) ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
            await client.ConnectAsync(TcpHost!, TcpPort, cts.Token).ConfigureAwait(false);
            return (true, "", "", sw.Elapsed);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return (false, "timeout", $"no answer from {Target} within {Timeout.TotalSeconds:0.#}s", sw.Elapsed);
        }
        catch (HttpRequestException e)
        {
            var (cause, detail) = Classify(e.InnerException as SocketException, e);
            return (false, cause, detail, sw.Elapsed);
        }
        catch (SocketException e)
        {
            var (cause, detail) = Classify(e, e);
            return (false, cause, detail, sw.Elapsed);
        }
        catch (IOException e)
        {
            return (false, "reset", $"{Target}: {e.Message}", sw.Elapsed);
        }
    }

    private (string, string) Classify(SocketException? s, Exception e)
    {
        string cause = s?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "refused",
            SocketError.ConnectionReset => "reset",
            SocketError.TimedOut => "timeout",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable => "unreachable",
            SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "dns",
            _ => e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } ? "tls" : "error",
        };
        return (cause, $"{Target}: {e.Message}");
    }

    public void Dispose() => _http?.Dispose();
}
