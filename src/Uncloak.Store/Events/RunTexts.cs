using Uncloak.Core.Text;

namespace Uncloak.Store.Events;

/// <summary>
/// The message texts the runs of one reader keep (<see cref="EventRuns"/>, <see cref="LinkRuns"/>), decoded once per
/// distinct text instead of once per run: the repetitive kinds say the same words minute after minute ("table full,
/// dropping packet", one link-up wording per NIC), and a string per run was most of what a reader's store side
/// allocated on a dense log. A text is looked up by a hash of its bytes in a small table of sets of four (a set's
/// slots taken in turn), so a text that changes with every line costs a hash and four compares before it is decoded as
/// before. Not thread-safe: one per reader.
/// </summary>
internal sealed class RunTexts
{
    // Enough for the wordings of a flooded host's listeners and actions, conntrack, orphans and its NICs (27 on the
    // dense corpus; 16 slots taken in turn missed a fifth of the runs, one text per hashed slot still a ninth).
    private const int Sets = 32;
    private const int Ways = 4;

    private readonly byte[]?[] _bytes = new byte[Sets * Ways][];
    private readonly string[] _texts = new string[Sets * Ways];
    private readonly byte[] _nextWay = new byte[Sets];

    /// <summary>The text a row keeps for <paramref name="message"/> (<see cref="EventRuns.Text"/>), the same string as last time when the bytes are.</summary>
    public string Get(ReadOnlySpan<byte> message)
    {
        var kept = message[..Math.Min(message.Length, EventRuns.MaxText)];
        int set = SetOf(kept);
        for (int slot = set * Ways; slot < (set + 1) * Ways; slot++)
        {
            if (_bytes[slot] is { } bytes && kept.SequenceEqual(bytes))
            {
                return _texts[slot];
            }
        }
        string text = EventRuns.Text(kept);
        int taken = set * Ways + _nextWay[set];
        _nextWay[set] = (byte)((_nextWay[set] + 1) % Ways);
        _bytes[taken] = kept.ToArray();
        _texts[taken] = text;
        return text;
    }

    // The top five bits of the bytes' hash (ByteHash: the same in every run, every byte counted): 32 sets.
    private static int SetOf(ReadOnlySpan<byte> bytes) => (int)(ByteHash.Of(bytes) >> 59);
}
