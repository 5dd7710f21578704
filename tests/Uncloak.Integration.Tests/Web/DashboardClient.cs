using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Uncloak.Integration.Tests.Web;

/// <summary>
/// A plain HTTP client for the dashboard, over TCP or the daemon's unix socket: no cookie jar and no redirects followed,
/// so every test sees exactly what the daemon answered and sends exactly the cookie and headers it means to.
/// </summary>
internal sealed partial class DashboardClient : IDisposable
{
    private readonly HttpClient _http;

    private DashboardClient(HttpClient http) => _http = http;

    public string? Session { get; private set; }

    public string? Antiforgery { get; private set; }

    public static DashboardClient Tcp(int port) => new(new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        Timeout = TimeSpan.FromSeconds(15),
    });

    /// <summary>Over a unix socket: reachable from outside the daemon's network namespace (sockets live in the file system).</summary>
    public static DashboardClient Unix(string socket) => new(new HttpClient(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        ConnectCallback = async (_, cancel) =>
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancel);
            return new NetworkStream(s, ownsSocket: true);
        },
    })
    {
        BaseAddress = new Uri("http://localhost"),
        Timeout = TimeSpan.FromSeconds(15),
    });

    public HttpResponseMessage Send(HttpMethod method, string path, string? body = null, string? host = null, bool session = true, string? antiforgery = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (session && Session is not null)
        {
            request.Headers.Add("Cookie", "uncloak_session=" + Session);
        }
        if (host is not null)
        {
            request.Headers.Host = host;
        }
        if (antiforgery is not null)
        {
            request.Headers.Add("X-Uncloak-Antiforgery", antiforgery);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        return _http.Send(request);
    }

    /// <summary>Opens a server-sent event stream and returns its first event (up to the blank line that ends it).</summary>
    public string FirstEvent(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", "uncloak_session=" + Session);
        using var r = _http.Send(request, HttpCompletionOption.ResponseHeadersRead);
        if (r.StatusCode != HttpStatusCode.OK || r.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            throw new InvalidOperationException($"{path}: {(int)r.StatusCode} {r.Content.Headers.ContentType}");
        }
        using var reader = new StreamReader(r.Content.ReadAsStream());
        var text = new StringBuilder();
        while (reader.ReadLine() is { } line && line.Length > 0)
        {
            text.AppendLine(line);
        }
        return text.ToString();
    }

    public (HttpStatusCode Status, JsonElement Json) Get(string path)
    {
        using var r = Send(HttpMethod.Get, path);
        return (r.StatusCode, Json(r));
    }

    /// <summary>POSTs <paramref name="body"/> with the session's antiforgery token, as the pages do.</summary>
    public (HttpStatusCode Status, JsonElement Json) Post(string path, string body)
    {
        using var r = Send(HttpMethod.Post, path, body, antiforgery: Antiforgery);
        return (r.StatusCode, Json(r));
    }

    /// <summary>The body as text, read synchronously (the tests drive a real process, one request at a time).</summary>
    public static string Text(HttpResponseMessage r)
    {
        using var reader = new StreamReader(r.Content.ReadAsStream());
        return reader.ReadToEnd();
    }

    public static JsonElement Json(HttpResponseMessage r)
    {
        using var doc = JsonDocument.Parse(Text(r));
        return doc.RootElement.Clone();
    }

    /// <summary>Logs in with <paramref name="url"/> (what `uncloak web url` printed), then reads the antiforgery token from the overview page.</summary>
    public HttpResponseMessage LogIn(string url)
    {
        var uri = new Uri(url);
        var r = Send(HttpMethod.Get, uri.PathAndQuery, session: false);
        if (r.StatusCode == HttpStatusCode.SeeOther && r.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            Session = SessionCookie().Match(string.Join("\n", cookies)).Groups[1].Value;
            using var page = Send(HttpMethod.Get, "/");
            string html = Text(page);
            Antiforgery = AntiforgeryMeta().Match(html).Groups[1].Value;
        }
        return r;
    }

    [GeneratedRegex("uncloak_session=([A-Za-z0-9_-]+)")]
    private static partial Regex SessionCookie();

    [GeneratedRegex("<meta name=\"uncloak-antiforgery\" content=\"([A-Za-z0-9_-]+)\">")]
    private static partial Regex AntiforgeryMeta();

    public void Dispose() => _http.Dispose();
}
