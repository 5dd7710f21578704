using System.Net;
using System.Net.Sockets;

namespace Uncloak.Web.Dashboard;

/// <summary>
/// Reverse DNS for the peer page, bounded on every side: one lookup takes at most <see cref="Timeout"/>, at most
/// <see cref="MaxConcurrent"/> run at once (a page full of peers cannot tie up the resolver), and answers (names and
/// failures alike) are kept <see cref="Keep"/> in a cache of at most <see cref="MaxCached"/> addresses.
/// </summary>
public sealed class ReverseDns : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Keep = TimeSpan.FromHours(1);
    public const int MaxCached = 1024;
    public const int MaxConcurrent = 4;

    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly Func<IPAddress, CancellationToken, Task<string>> _lookup;
    private readonly Dictionary<IPAddress, (DateTimeOffset At, Answer Answer)> _cache = [];
    private readonly Lock _cacheLock = new();
    private readonly SemaphoreSlim _running = new(MaxConcurrent, MaxConcurrent);

    /// <summary>One answer: the name, or why there is none (<c>no name</c>, <c>timed out</c>, the resolver's error).</summary>
    public sealed record Answer(string? Name, string? Error, bool Cached);

    /// <summary>Looks up through the system resolver, or <paramref name="lookup"/> (tests), each within <paramref name="timeout"/> (<see cref="Timeout"/>).</summary>
    public ReverseDns(TimeProvider time, Func<IPAddress, CancellationToken, Task<string>>? lookup = null, TimeSpan? timeout = null)
    {
        _time = time;
        _timeout = timeout ?? Timeout;
        _lookup = lookup ?? (async (a, c) => (await Dns.GetHostEntryAsync(a.ToString(), c).ConfigureAwait(false)).HostName);
    }

    /// <summary>The name of <paramref name="address"/>; never throws for what the resolver does.</summary>
    public async Task<Answer> LookUpAsync(IPAddress address, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = _time.GetUtcNow();
        lock (_cacheLock)
        {
            if (_cache.TryGetValue(address, out var hit) && now - hit.At < Keep)
            {
                return hit.Answer with { Cached = true };
            }
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(_timeout);
        Answer answer;
        try
        {
            await _running.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                string name = await _lookup(address, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
                // The resolver gives the address back as text when it finds no PTR record.
                answer = string.IsNullOrEmpty(name) || IPAddress.TryParse(name, out _) ? new Answer(null, "no name", false) : new Answer(name, null, false);
            }
            finally
            {
                _running.Release();
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            answer = new Answer(null, $"timed out after {_timeout.TotalSeconds:0.#} s", false);
        }
        catch (SocketException e)
        {
            answer = new Answer(null, e.SocketErrorCode == SocketError.HostNotFound ? "no name" : e.Message, false);
        }
        lock (_cacheLock)
        {
            if (_cache.Count >= MaxCached)
            {
                // Full: the oldest answer goes (a scan of 1,024 entries, once per new address).
                _cache.Remove(_cache.MinBy(e => e.Value.At).Key);
            }
            _cache[address] = (now, answer);
        }
        return answer;
    }

    /// <summary>Addresses in the cache.</summary>
    internal int Cached
    {
        get
        {
            lock (_cacheLock)
            {
                return _cache.Count;
            }
        }
    }

    public void Dispose() => _running.Dispose();
}
