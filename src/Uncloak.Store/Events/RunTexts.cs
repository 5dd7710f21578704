namespace Uncloak.Store.Events;

/// <summary>
/// The message texts the runs of one reader keep (<see cref="EventRuns"/>, <see cref="LinkRuns"/>), decoded once per
/// distinct text instead of once per run: the repetitive kinds say the same words minute after minute ("table full,
/// dropping packet", one link-up wording per NIC), and a string per run was most of what a reader's store side
/// allocated on a dense log. A text is looked up by a hash of its bytes in a small table, one text per slot (the last
/// decoded there), so a text that changes with every line costs a hash and a compare before it is decoded as before.
/// Not thread-safe: one per reader.
/// </summary>
internal sealed class RunTexts
{
    // Enough for the wordings of a flooded host's listeners and actions, conntrack, orphans and its NICs (27 on the
    // dense corpus; 16 slots taken in turn missed a fifth of the runs).
    private const int Slots = 128;

    private readonly byte[]?[] _bytes = new byte[Slots][];
    private readonly string[] _texts = new string[Slots];

    /// <summary>The text a row keeps for <paramref name="message"/> (<see cref="EventRuns.Text"/>), the same string as last time when the bytes are.</summary>
    public string Get(ReadOnlySpan<byte> message)
    {
        var kept = message[..Math.Min(message.Length, EventRuns.MaxText)];
        var hash = new HashCode();
        hash.AddBytes(kept);
        int slot = hash.ToHashCode() & (Slots - 1);
        if (_bytes[slot] is { } bytes && kept.SequenceEqual(bytes))
        {
            return _texts[slot];
        }
        string text = EventRuns.Text(kept);
        _bytes[slot] = kept.ToArray();
        _texts[slot] = text;
        return text;
    }
}
