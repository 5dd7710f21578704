using System.Buffers.Binary;
using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

/// <summary>
/// What the classifier learnt from the messages it read last, kept per head: where the anchor search stops on a message
/// that begins that way, and the last two such messages with what they decoded to.
/// <para>
/// Messages of one kind repeat their head (<c>TCP: request_sock_TCP: Possible SYN flooding …</c>, <c>e1000e
/// 0000:00:25.0 eth0: NIC Link is …</c>, a firewall rule's <c>[UFW BLOCK] IN=</c>). Once a search from the start of a
/// message has found the first place a search prefix starts, a message that starts with the same bytes — as many as it
/// takes to rule out every prefix at every earlier place, and the prefix found — has its first prefix at that place too,
/// so the classifier goes straight there instead of widening the message and running the multi-string search. And a
/// message equal to one of the last two of its head (a link that flaps, a full conntrack table, the same SYN flood)
/// decodes as that one did: decoding is a function of the message's bytes alone.
/// </para>
/// <para>
/// Sixteen sets of four heads, the set chosen by the first eight bytes; no allocation after construction. One instance
/// per classifier (not thread-safe).
/// </para>
/// </summary>
internal sealed class RecentHeads
{
    /// <summary>Bytes of head kept at most: a head longer than this is not remembered.</summary>
    public const int MaxHead = 128;

    /// <summary>Longest message whose result is kept (longer ones, firewall lines above all, rarely repeat whole).</summary>
    public const int MaxMessage = 160;

    /// <summary>The set is chosen by this many leading bytes, so shorter messages are never looked up.</summary>
    public const int KeyLength = 8;

    private const int Sets = 16;
    private const int Ways = 4;
    private const int Slots = Sets * Ways;

    private readonly byte[][][] _prefixes;
    private readonly ulong[] _keys = new ulong[Slots];
    private readonly int[] _headLengths = new int[Slots];
    private readonly int[] _at = new int[Slots];
    private readonly byte[] _heads = new byte[Slots * MaxHead];
    private readonly byte[] _victim = new byte[Sets];

    // Two messages per head (a link that goes down and up again alternates two), each with what it decoded to; whether
    // the head's messages repeat at all is counted, and a head whose messages do not (a shrunk window, a firewall line)
    // stops copying each one in.
    private const int Kept = 2;
    private readonly int[] _messageLengths = new int[Slots * Kept];
    private readonly byte[] _messages = new byte[Slots * Kept * MaxMessage];
    private readonly bool[] _decoded = new bool[Slots * Kept];
    private readonly NetEvent[] _events = new NetEvent[Slots * Kept];
    private readonly byte[] _older = new byte[Slots];
    private readonly int[] _recalled = new int[Slots];
    private readonly int[] _missed = new int[Slots];

    /// <param name="prefixesByFirstByte">The search prefixes (Latin-1 bytes), grouped by their first byte.</param>
    public RecentHeads(byte[][][] prefixesByFirstByte)
    {
        _prefixes = prefixesByFirstByte;
    }

    /// <summary>The slot of the remembered head <paramref name="message"/> starts with, or -1.</summary>
    public int Find(ReadOnlySpan<byte> message)
    {
        if (message.Length < KeyLength)
        {
            return -1;
        }
        ulong key = BinaryPrimitives.ReadUInt64LittleEndian(message);
        int first = SetOf(key) * Ways;
        for (int slot = first; slot < first + Ways; slot++)
        {
            int length = _headLengths[slot];
            if (_keys[slot] == key && length != 0 && length <= message.Length
                && message[..length].SequenceEqual(_heads.AsSpan(slot * MaxHead, length)))
            {
                return slot;
            }
        }
        return -1;
    }

    /// <summary>The first place a search prefix starts in any message of the slot's head.</summary>
    public int At(int slot) => _at[slot];

    /// <summary>When <paramref name="message"/> is one of the last messages kept for the slot's head: what it decoded to.</summary>
    public bool TryRecall(int slot, ReadOnlySpan<byte> message, out bool decoded, out NetEvent ev)
    {
        for (int k = slot * Kept; k < slot * Kept + Kept; k++)
        {
            if (_messageLengths[k] == message.Length && message.SequenceEqual(_messages.AsSpan(k * MaxMessage, message.Length)))
            {
                _recalled[slot]++;
                decoded = _decoded[k];
                if (decoded)
                {
                    ev = _events[k];
                }
                else
                {
                    ev = default;
                }
                return true;
            }
        }
        decoded = false;
        ev = default;
        return false;
    }

    /// <summary>
    /// Keeps <paramref name="message"/> (a message of the slot's head, not recalled) and what it decoded to, in place of
    /// the older of the two kept — unless it is too long, or the head's messages have not been repeating (fewer than one
    /// in eight recalled once sixteen were not: then only every 64th is kept, so that repeats are noticed again).
    /// </summary>
    public void Keep(int slot, ReadOnlySpan<byte> message, bool decoded, in NetEvent ev)
    {
        int missed = ++_missed[slot];
        if (missed >= 1 << 20)
        {
            _missed[slot] >>= 1;
            _recalled[slot] >>= 1;
        }
        if (message.Length > MaxMessage || (missed > 16 && _recalled[slot] < missed / 8 && (missed & 63) != 0))
        {
            return;
        }
        int k = slot * Kept + _older[slot];
        _older[slot] ^= 1;
        message.CopyTo(_messages.AsSpan(k * MaxMessage, MaxMessage));
        _messageLengths[k] = message.Length;
        _decoded[k] = decoded;
        if (decoded)
        {
            _events[k] = ev;
        }
    }

    /// <summary>
    /// Remembers that a search of <paramref name="message"/> from its start found the first prefix at
    /// <paramref name="at"/>; returns the slot, or -1 when it cannot be relied on. The head kept holds the prefix found and
    /// is long enough that every (earlier place, prefix) pair differs from it within it; a message whose end cuts such a
    /// comparison short, or whose head would be longer than <see cref="MaxHead"/>, is not remembered.
    /// </summary>
    public int Remember(ReadOnlySpan<byte> message, int at)
    {
        if (message.Length < KeyLength || at >= message.Length)
        {
            return -1;
        }
        int length = KeyLength;
        foreach (var prefix in _prefixes[message[at]])
        {
            if (message[at..].StartsWith(prefix))
            {
                length = Math.Max(length, at + prefix.Length);
                break;
            }
        }
        for (int s = 0; s < at; s++)
        {
            // A prefix that does not start with the byte here differs from the head right here (s < at < length).
            foreach (var prefix in _prefixes[message[s]])
            {
                int i = message[s..].CommonPrefixLength(prefix);
                if (i == prefix.Length || s + i >= message.Length)
                {
                    return -1; // the prefix is there after all, or the message ends inside it: nothing to rely on
                }
                length = Math.Max(length, s + i + 1);
            }
        }
        if (length > MaxHead || length > message.Length)
        {
            return -1;
        }
        ulong key = BinaryPrimitives.ReadUInt64LittleEndian(message);
        int set = SetOf(key);
        int slot = set * Ways + _victim[set];
        _victim[set] = (byte)((_victim[set] + 1) % Ways);
        _keys[slot] = key;
        _headLengths[slot] = length;
        _at[slot] = at;
        message[..length].CopyTo(_heads.AsSpan(slot * MaxHead, MaxHead));
        _messageLengths[slot * Kept] = -1;
        _messageLengths[slot * Kept + 1] = -1;
        _recalled[slot] = 0;
        _missed[slot] = 0;
        return slot;
    }

    private static int SetOf(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> 60);
}
