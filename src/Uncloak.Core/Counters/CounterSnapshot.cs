namespace Uncloak.Core.Counters;

/// <summary>
/// The kernel's network counters at one instant, by qualified name: <c>TcpExt.ListenOverflows</c>, <c>Tcp.CurrEstab</c>,
/// <c>Sockstat.TCP.orphan</c>, <c>Conntrack.count</c>. Names come from the files' own header lines, so counters added
/// by newer kernels appear and counters an older kernel lacks are simply absent.
/// </summary>
public sealed class CounterSnapshot
{
    private readonly Dictionary<string, long> _values;

    public CounterSnapshot(DateTime time, Dictionary<string, long> values, int malformed)
    {
        Time = time;
        _values = values;
        Malformed = malformed;
    }

    /// <summary>When the files were read (UTC).</summary>
    public DateTime Time { get; }

    /// <summary>Lines or values that did not parse (a header without values, a non-number).</summary>
    public int Malformed { get; }

    public IReadOnlyDictionary<string, long> Values => _values;

    public bool TryGet(string name, out long value) => _values.TryGetValue(name, out value);

    public long? this[string name] => _values.TryGetValue(name, out long v) ? v : null;
}
