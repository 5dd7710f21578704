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

    private enum Family : byte
    {
        Treason,
        SynFlood,
        DropOpenRequest,
        Conntrack,
        OutOfMemory,
        Orphans,
        TimeWait,
        Watchdog,
        NicHang,
        NicLink,
        Firewall,
        Martian,
        Neighbour,
        RateLimit,
    }

    // Most frequent first: a match is looked up in this table in order (netfilter LOG lines can be a third of a log).
    private static readonly (string Anchor, Family Family)[] AnchorTable =
    [
        ("IN=", Family.Firewall),
        ("Treason uncloaked! Peer ", Family.Treason),
        ("shrinks window ", Family.Treason),
        ("unexpectedly shrunk window ", Family.Treason),
        ("Probing zero-window on ", Family.Treason),
        ("ossible SYN flooding on port ", Family.SynFlood),
        ("drop open request from ", Family.DropOpenRequest),
        ("conntrack: table full", Family.Conntrack),
        ("out of memory -- consider tuning tcp_mem", Family.OutOfMemory),
        ("Out of socket memory", Family.OutOfMemory),
        ("too many orphaned sockets", Family.Orphans),
        ("too many of orphaned sockets", Family.Orphans),
        ("time wait bucket table overflow", Family.TimeWait),
        ("NETDEV WATCHDOG: ", Family.Watchdog),
        ("Unit Hang", Family.NicHang),
        ("TX timeout on queue: ", Family.NicHang),
        ("Link is Up", Family.NicLink),
        ("Link is Down", Family.NicLink),
        ("Link is up", Family.NicLink),
        ("Link is down", Family.NicLink),
        ("link up", Family.NicLink),
        ("link down", Family.NicLink),
        ("link becomes ready", Family.NicLink),
        ("Autonegotiated half duplex", Family.NicLink),
        ("martian source ", Family.Martian),
        ("martian destination ", Family.Martian),
        ("neighbor table overflow", Family.Neighbour),
        ("Neighbour table overflow", Family.Neighbour),
        (" callbacks suppressed", Family.RateLimit),
        (" messages suppressed", Family.RateLimit),
    ];

    private static readonly SearchValues<string> Anchors =
        SearchValues.Create([.. AnchorTable.Select(a => a.Anchor)], StringComparison.Ordinal);

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
            foreach (var (anchor, family) in AnchorTable)
            {
                if (here[0] == anchor[0] && here.StartsWith(anchor, StringComparison.Ordinal) && TryFamily(family, message, at, out ev))
                {
                    return true;
                }
            }
            from = at + 1;
        }
        return false;
    }

    private bool TryFamily(Family family, ReadOnlySpan<byte> message, int at, out NetEvent ev) => family switch
    {
        Family.Treason => TreasonMessage.TryParse(message, at, out ev),
        Family.SynFlood => SynFloodMessage.TryParse(message, at, out ev),
        Family.DropOpenRequest => DropOpenRequestMessage.TryParse(message, at, out ev),
        Family.Conntrack => ConntrackFullMessage.TryParse(message, at, out ev),
        Family.OutOfMemory => TcpMemoryMessage.TryParseOutOfMemory(message, at, out ev),
        Family.Orphans => TcpMemoryMessage.TryParseOrphans(message, at, out ev),
        Family.TimeWait => TcpMemoryMessage.TryParseTimeWait(message, at, out ev),
        Family.Watchdog => NetdevWatchdogMessage.TryParse(message, at, _pool, out ev),
        Family.NicHang => NicHangMessage.TryParse(message, at, _pool, out ev),
        Family.NicLink => NicLinkMessage.TryParse(message, at, _pool, out ev),
        Family.Firewall => FirewallLogMessage.TryParse(message, at, _pool, out ev),
        Family.Martian => MartianMessage.TryParse(message, at, _pool, out ev),
        Family.Neighbour => NeighbourOverflowMessage.TryParse(message, at, out ev),
        Family.RateLimit => RateLimitMessage.TryParse(message, at, out ev),
        _ => Fail(out ev),
    };

    private static bool Fail(out NetEvent ev)
    {
        ev = default;
        return false;
    }
}
