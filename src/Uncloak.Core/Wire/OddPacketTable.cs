using Uncloak.Core.Events;

namespace Uncloak.Core.Wire;

/// <summary>Odd packets per (reason, source) in the current count window, bounded in keys.</summary>
internal sealed class OddPacketTable
{
    private readonly Dictionary<(OddPacketForm, NetAddress), int> _index;
    private readonly OddCount[] _entries;
    private int _count;

    public OddPacketTable(int capacity)
    {
        capacity = Math.Min(capacity, 4096);
        _index = new Dictionary<(OddPacketForm, NetAddress), int>(capacity);
        _entries = new OddCount[capacity];
    }

    public int Count => _count;

    public ref OddCount this[int i] => ref _entries[i];

    public bool Add(OddPacketForm form, NetAddress source, ushort port, TcpFlags flags, long now)
    {
        _ = now;
        if (!_index.TryGetValue((form, source), out int i))
        {
            if (_count == _entries.Length)
            {
                return false;
            }
            i = _count++;
            _index[(form, source)] = i;
            _entries[i] = new OddCount { Form = form, Source = source, Port = port, Flags = flags };
        }
        _entries[i].Count++;
        return true;
    }

    public void Clear()
    {
        _index.Clear();
        _count = 0;
    }
}

/// <summary>One (reason, source) count; port and flags of the first such packet.</summary>
internal struct OddCount
{
    public OddPacketForm Form;
    public NetAddress Source;
    public ushort Port;
    public TcpFlags Flags;
    public long Count;
}
