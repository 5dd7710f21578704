using System.Buffers;
using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// Turns a kernel message (the text after framing) into a <see cref="NetEvent"/> when it belongs to a
/// known family. One vectorised multi-literal search finds the anchor of any family; the family's parser
/// then reads fields from the bytes. Lines that are not network events cost that one search and allocate
/// nothing. A message that begins like a recent one skips the search, and one equal to a recent one its parse
/// (<see cref="RecentHeads"/>); one equal to a recent message of no family both (<see cref="QuietMessages"/>): the result
/// is the same either way. One instance per thread (it owns a scratch
/// buffer, the recent heads and a string pool).
/// </summary>
public sealed class MessageClassifier
{
    /// <summary>Kernel records are at most about 1 KiB; anything past this is not a kernel message we know.</summary>
    public const int MaxMessageLength = 4096;

    /// <summary>
    /// Every family's search prefixes, for the one vectorised search over the message. Each anchor starts with one, so
    /// the first place a prefix starts is the first place an anchor can start: the result is the one a search for the
    /// anchors themselves would give, at the cost of a search over fewer values (≈ 27 instead of 42: the cost of the
    /// multi-string search on every line of no family grows with its number of values).
    /// </summary>
    private static readonly string[] Prefixes =
        [.. MessageFamilies.All.SelectMany(f => f.SearchPrefixes).Distinct(StringComparer.Ordinal)];

    private static readonly SearchValues<string> Anchors = SearchValues.Create(Prefixes, StringComparison.Ordinal);

    /// <summary>Whether messages that differ only in their numbers are alike to the search (<see cref="QuietMessages"/>).</summary>
    private static readonly bool DigitsAlike = !Prefixes.Any(p => p.Any(char.IsAsciiDigit));

    /// <summary>The prefixes as bytes by their first byte, for <see cref="RecentHeads"/>.</summary>
    private static readonly byte[][][] PrefixesByFirstByte =
        [.. ByFirstByte(Prefixes, p => p).Select(row => row.Select(p => Encoding.Latin1.GetBytes(p)).ToArray())];

    /// <summary>
    /// The (anchor, family) pairs by the anchor's first byte: where the search stops, only the anchors that can
    /// start there are compared. Within a byte, the registration order of the families decides. Anchors are ASCII,
    /// so their bytes are the message's (which the search sees widened as Latin-1, one char per byte).
    /// </summary>
    private static readonly (byte[] Anchor, MessageFamily Family)[][] ByFirstChar =
        [.. ByFirstByte([.. MessageFamilies.All.SelectMany(f => f.Anchors.Select(a => (a, f)))], pair => pair.a)
            .Select(row => row.Select(pair => (Encoding.Latin1.GetBytes(pair.a), pair.f)).ToArray())];

    private readonly StringPool _pool;
    private readonly char[] _chars = new char[MaxMessageLength];
    private readonly RecentHeads _heads = new(PrefixesByFirstByte);
    private readonly QuietMessages _quiet = new(DigitsAlike);

    public MessageClassifier(StringPool? pool = null)
    {
        _pool = pool ?? new StringPool();
    }

    /// <summary>The pool this classifier interns into (share it with the framer of the same thread).</summary>
    public StringPool Pool => _pool;

    /// <summary>
    /// Classifies one message. Never throws on any input; returns false for anything that is not a
    /// well-formed message of a known family. The event's time, host and position are left for the caller.
    /// </summary>
    public bool TryParse(ReadOnlySpan<byte> message, out NetEvent ev)
    {
        if (message.Length > MaxMessageLength)
        {
            message = message[..MaxMessageLength];
        }
        int slot = _heads.Find(message);
        if (slot < 0)
        {
            if (_quiet.Contains(message))
            {
                ev = default;
                return false;
            }
            bool found = TrySearch(message, 0, out slot, out ev, out bool quiet);
            if (slot >= 0)
            {
                _heads.Keep(slot, message, found, ev);
            }
            else if (quiet)
            {
                _quiet.AddCurrent();
            }
            return found;
        }
        if (_heads.TryRecall(slot, message, out bool decoded, out ev))
        {
            return decoded;
        }
        // No prefix starts before the head's place (the head proves it), so a search would stop there first.
        int at = _heads.At(slot);
        decoded = TryAnchorsAt(message, at, out ev) || TrySearch(message, at + 1, out _, out ev, out _);
        _heads.Keep(slot, message, decoded, ev);
        return decoded;
    }

    /// <summary>
    /// The multi-string search from <paramref name="from"/> on, trying the anchors wherever it stops. A search from the
    /// start remembers the message's head (<paramref name="slot"/>, or -1 when it was not remembered);
    /// <paramref name="quiet"/> when no prefix starts anywhere from <paramref name="from"/> on.
    /// </summary>
    private bool TrySearch(ReadOnlySpan<byte> message, int from, out int slot, out NetEvent ev, out bool quiet)
    {
        ev = default;
        slot = -1;
        quiet = false;
        if (from >= message.Length)
        {
            return false;
        }
        // Latin-1 widening is one char per byte, so char indices are byte indices.
        Span<char> chars = _chars.AsSpan(0, message.Length);
        Encoding.Latin1.GetChars(message, chars);
        bool remember = from == 0;
        while (from < chars.Length)
        {
            int i = chars[from..].IndexOfAny(Anchors);
            if (i < 0)
            {
                quiet = remember; // not even the first search stopped
                return false;
            }
            int at = from + i;
            if (remember)
            {
                slot = _heads.Remember(message, at);
                remember = false;
            }
            if (TryAnchorsAt(message, at, out ev))
            {
                return true;
            }
            from = at + 1;
        }
        return false;
    }

    /// <summary>The anchors that start at <paramref name="at"/>, in order, until one's family parses the message.</summary>
    private bool TryAnchorsAt(ReadOnlySpan<byte> message, int at, out NetEvent ev)
    {
        var here = message[at..];
        foreach (var (anchor, family) in ByFirstChar[here[0]])
        {
            if (here.StartsWith(anchor) && family.TryParse(message, at, _pool, out ev))
            {
                return true;
            }
        }
        ev = default;
        return false;
    }

    private static T[][] ByFirstByte<T>(IReadOnlyList<T> items, Func<T, string> text)
    {
        var table = new T[256][];
        for (int c = 0; c < table.Length; c++)
        {
            table[c] = [.. items.Where(item => text(item)[0] == c)];
        }
        return table;
    }
}
