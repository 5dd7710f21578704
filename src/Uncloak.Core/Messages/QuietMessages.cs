using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// Messages lately read in which no search prefix starts anywhere: a kernel repeats its chatter word for word
/// (<c>sd 0:0:0:0: [sda] Write cache: enabled …</c>, <c>IPv6: ADDRCONF(NETDEV_UP): eth0: link is not ready</c>, a USB
/// device that keeps dropping off), and a message equal to one of them is no event of any family without widening it
/// and running the multi-string search again (decoding is a function of the message's bytes alone). Such lines are
/// what <see cref="RecentHeads"/> cannot help with — it remembers where a prefix starts — and on the dense benchmark
/// corpus the search for them was a tenth of the classifier's time (issue 18, item 6).
/// <para>
/// Direct-mapped by a hash of the whole message: a slot holds the last quiet message that hashed to it; no allocation
/// after construction. One instance per classifier (not thread-safe).
/// </para>
/// </summary>
internal sealed class QuietMessages
{
    /// <summary>Longest message kept (the chatter is short; longer lines rarely repeat whole).</summary>
    public const int MaxMessage = 160;

    private const int SlotBits = 6;
    private const int Slots = 1 << SlotBits;

    private readonly ulong[] _hashes = new ulong[Slots];
    private readonly int[] _lengths = new int[Slots];
    private readonly byte[] _messages = new byte[Slots * MaxMessage];

    /// <summary>The hash <see cref="Contains"/> and <see cref="Add"/> take (0 for a message too long to keep).</summary>
    public static ulong Hash(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty || message.Length > MaxMessage)
        {
            return 0;
        }
        return ByteHash.Of(message) | 1; // never 0, which marks a message not kept
    }

    /// <summary>True when <paramref name="message"/> (of hash <paramref name="hash"/>) is a quiet message kept.</summary>
    public bool Contains(ReadOnlySpan<byte> message, ulong hash)
    {
        if (hash == 0)
        {
            return false;
        }
        int slot = SlotOf(hash);
        return _hashes[slot] == hash && _lengths[slot] == message.Length
            && message.SequenceEqual(_messages.AsSpan(slot * MaxMessage, message.Length));
    }

    /// <summary>Keeps <paramref name="message"/>, in which a search found no prefix at all, in place of its slot's last.</summary>
    public void Add(ReadOnlySpan<byte> message, ulong hash)
    {
        if (hash == 0)
        {
            return;
        }
        int slot = SlotOf(hash);
        _hashes[slot] = hash;
        _lengths[slot] = message.Length;
        message.CopyTo(_messages.AsSpan(slot * MaxMessage, MaxMessage));
    }

    private static int SlotOf(ulong hash) => (int)(hash >> (64 - SlotBits));
}
