using System.Buffers;
using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// Turns a kernel message (the text after framing) into a <see cref="NetEvent"/> when it belongs to a
/// known family. One vectorised multi-literal search finds the anchor of any family; the family's parser
/// then reads fields from the bytes. Lines that are not network events cost that one search and allocate
/// nothing. One instance per thread (it owns a scratch buffer and a string pool).
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
    private static readonly SearchValues<string> Anchors =
        SearchValues.Create([.. MessageFamilies.All.SelectMany(f => f.SearchPrefixes).Distinct(StringComparer.Ordinal)], StringComparison.Ordinal);

    /// <summary>
    /// The (anchor, family) pairs by the anchor's first character: where the search stops, only the anchors that can
    /// start there are compared. Within a character, the registration order of the families decides.
    /// </summary>
    private static readonly (string Anchor, MessageFamily Family)[][] ByFirstChar = BuildByFirstChar();

    private readonly StringPool _pool;
    private readonly char[] _chars = new char[MaxMessageLength];

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
        ev = default;
        if (message.Length > MaxMessageLength)
        {
            message = message[..MaxMessageLength];
        }
        // Latin-1 widening is one char per byte, so char indices are byte indices.
        Span<char> chars = _chars.AsSpan(0, message.Length);
        Encoding.Latin1.GetChars(message, chars);
        int from = 0;
        while (from < chars.Length)
        {
            int i = chars[from..].IndexOfAny(Anchors);
            if (i < 0)
            {
                return false;
            }
            int at = from + i;
            var here = chars[at..];
            foreach (var (anchor, family) in ByFirstChar[(byte)here[0]])
            {
                if (here.StartsWith(anchor, StringComparison.Ordinal) && family.TryParse(message, at, _pool, out ev))
                {
                    return true;
                }
            }
            from = at + 1;
        }
        return false;
    }

    private static (string Anchor, MessageFamily Family)[][] BuildByFirstChar()
    {
        var table = new (string, MessageFamily)[256][];
        for (int c = 0; c < table.Length; c++)
        {
            table[c] = [.. MessageFamilies.All.SelectMany(f => f.Anchors.Where(a => a[0] == c).Select(a => (a, f)))];
        }
        return table;
    }
}
