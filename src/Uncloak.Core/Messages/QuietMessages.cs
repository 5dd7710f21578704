using System.Runtime.Intrinsics;
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
/// Much chatter repeats word for word but for its numbers (<c>usb 1-1: new high-speed USB device number 408 using
/// xhci_hcd</c>, <c>audit: type=1400 audit(1700000000.123:456): …</c>, <c>systemd[1]: Started Session 7 of user …</c>), so
/// with <c>digitsAlike</c> a message is kept and looked up by its shape: each digit written as <c>0</c> (numbers of as
/// many digits are alike; a run collapsed to one <c>0</c> would make more alike, but cannot be written sixteen bytes at a
/// time, and written byte by byte cost what it saved). That is exact when no search prefix holds a digit: a prefix
/// found in a message then lies within the text between two digits, which every message of the same shape has at the
/// same place, so either all messages of a shape hold a prefix or none does. The search for such lines (the widening,
/// the search, its checks of candidates) was 5 % of the read on the dense corpus, where a fifth of the lines are
/// chatter of changing numbers.
/// </para>
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
    private readonly bool _digitsAlike;
    private readonly byte[] _shape = new byte[MaxMessage];
    private int _length;
    private ulong _hash;

    /// <param name="digitsAlike">Messages that differ only in their digits are alike: only when no search prefix holds a digit.</param>
    public QuietMessages(bool digitsAlike)
    {
        _digitsAlike = digitsAlike;
    }

    /// <summary>
    /// Looks <paramref name="message"/> up; false when it is too long to keep or not kept. The message stays the current
    /// one, for <see cref="AddCurrent"/>.
    /// </summary>
    public bool Contains(ReadOnlySpan<byte> message)
    {
        _hash = 0;
        if (message.IsEmpty || message.Length > MaxMessage)
        {
            return false;
        }
        _length = message.Length;
        var shape = _shape.AsSpan(0, _length);
        if (_digitsAlike)
        {
            Shape(message, shape);
        }
        else
        {
            message.CopyTo(shape);
        }
        _hash = ByteHash.Of(shape) | 1; // never 0, which marks a message not kept
        int slot = SlotOf(_hash);
        return _hashes[slot] == _hash && _lengths[slot] == shape.Length
            && shape.SequenceEqual(_messages.AsSpan(slot * MaxMessage, shape.Length));
    }

    /// <summary>Keeps the message last looked up, in which a search found no prefix at all, in place of its slot's last.</summary>
    public void AddCurrent()
    {
        if (_hash == 0)
        {
            return;
        }
        int slot = SlotOf(_hash);
        _hashes[slot] = _hash;
        _lengths[slot] = _length;
        _shape.AsSpan(0, _length).CopyTo(_messages.AsSpan(slot * MaxMessage, MaxMessage));
    }

    /// <summary>Writes <paramref name="message"/> into <paramref name="shape"/> (as long) with each digit as <c>0</c>.</summary>
    internal static void Shape(ReadOnlySpan<byte> message, Span<byte> shape)
    {
        shape = shape[..message.Length];
        if (message.Length < Vector128<byte>.Count)
        {
            for (int i = 0; i < message.Length; i++)
            {
                shape[i] = char.IsAsciiDigit((char)message[i]) ? (byte)'0' : message[i];
            }
            return;
        }
        // Sixteen bytes at a time, the last sixteen overlapping the ones before: writing a 0 twice changes nothing.
        for (int at = 0; ; at = Math.Min(at + Vector128<byte>.Count, message.Length - Vector128<byte>.Count))
        {
            var bytes = Vector128.Create(message[at..]);
            var digits = Vector128.LessThanOrEqual(bytes - Vector128.Create((byte)'0'), Vector128.Create((byte)9));
            Vector128.ConditionalSelect(digits, Vector128.Create((byte)'0'), bytes).CopyTo(shape[at..]);
            if (at == message.Length - Vector128<byte>.Count)
            {
                return;
            }
        }
    }

    private static int SlotOf(ulong hash) => (int)(hash >> (64 - SlotBits));
}
