using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Uncloak.Web.Auth;

/// <summary>
/// Browser sessions made by a login with the token, and the antiforgery token each session's forms and scripts send
/// back with every state change. The antiforgery token is an HMAC of the session id under a key drawn at start: a page of
/// ours can read it (it is in the page), another site cannot (SameSite=Strict keeps the cookie from its requests, and
/// the same-origin policy keeps our pages from its scripts), and nothing needs storing beside the session. Sessions
/// live in memory only: a restarted daemon forgets them, and its new token makes a new login necessary anyway.
/// </summary>
public sealed class WebSessions
{
    /// <summary>Sessions kept at most; the oldest is dropped for a new one (a script logging in in a loop cannot grow the daemon).</summary>
    public const int MaxSessions = 64;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _expires = new(StringComparer.Ordinal);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public WebSessions(TimeProvider time, TimeSpan lifetime)
    {
        _time = time;
        _lifetime = lifetime;
    }

    /// <summary>How long a session lasts after its login.</summary>
    public TimeSpan Lifetime => _lifetime;

    /// <summary>Starts a session; returns its id (the cookie's value).</summary>
    public string Start()
    {
        var now = _time.GetUtcNow();
        foreach (var (id, expires) in _expires)
        {
            if (expires <= now)
            {
                _expires.TryRemove(id, out _);
            }
        }
        while (_expires.Count >= MaxSessions && _expires.MinBy(p => p.Value) is { Key: { } oldest })
        {
            _expires.TryRemove(oldest, out _);
        }
        string session = WebToken.Base64Url(RandomNumberGenerator.GetBytes(32));
        _expires[session] = now + _lifetime;
        return session;
    }

    /// <summary>Whether <paramref name="session"/> is a live session.</summary>
    public bool IsValid(string? session)
        => session is not null && _expires.TryGetValue(session, out var expires) && expires > _time.GetUtcNow();

    /// <summary>Ends a session (logout).</summary>
    public void End(string session) => _expires.TryRemove(session, out _);

    /// <summary>The antiforgery token of <paramref name="session"/>.</summary>
    public string Antiforgery(string session)
        => WebToken.Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(session)));

    /// <summary>Whether <paramref name="given"/> is <paramref name="session"/>'s antiforgery token, compared in constant time.</summary>
    public bool CheckAntiforgery(string session, string? given)
        => given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Antiforgery(session)), Encoding.UTF8.GetBytes(given));

    /// <summary>A short, non-secret name of a session for records ("web session 3f2a9c1d"): a hash, never the id itself.</summary>
    public static string Who(string session)
        => "web session " + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(session)).AsSpan(0, 4));
}
