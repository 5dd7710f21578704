using Uncloak.Core.Events;

namespace Uncloak.Core.Wire;

/// <summary>Per-peer counts in the current count window (resets sent, retransmissions received), bounded in keys.</summary>
internal sealed class PeerCountTable
{
    private readonly Dictionary<NetAddress, int> _index;
    private readonly PeerCount[] _entries;
    private int _count;

    public PeerCountTable(int capacity)
    {
        _index = new Dictionary<NetAddress, int>(capacity);
        _entries = new PeerCount[capacity];
    }

    public int Count => _count;

    public ref PeerCount this[int i] => ref _entries[i];

    /// <summary>Adds to <paramref name="peer"/>'s counts; false when the table is full and the peer is new.</summary>
    public bool Add(NetAddress peer, NetAddress other, ushort otherPort, long now, int count, int secondary)
    {
        _ = now;
        if (!_index.TryGetValue(peer, out int i))
        {
            if (_count == _entries.Length)
            {
                return false;
            }
            i = _count++;
            _index[peer] = i;
            _entries[i] = new PeerCount { Peer = peer };
        }
        ref var e = ref _entries[i];
        e.Count += count;
        e.Secondary += secondary;
        e.Other = other;
        e.OtherPort = otherPort;
        return true;
    }

    /// <summary>Adds to a peer already counted this window; a peer not yet in the table is left out.</summary>
    public void Bump(NetAddress peer, int count, int secondary)
    {
        if (_index.TryGetValue(peer, out int i))
        {
            _entries[i].Count += count;
            _entries[i].Secondary += secondary;
        }
    }

    public void Clear()
    {
        _index.Clear();
        _count = 0;
    }
}

/// <summary>One peer's counts: <see cref="Count"/> the main one, <see cref="Secondary"/> its context, the last address it involved.</summary>
internal struct PeerCount
{
    public NetAddress Peer;
    public NetAddress Other;
    public ushort OtherPort;
    public long Count;
    public long Secondary;
}
