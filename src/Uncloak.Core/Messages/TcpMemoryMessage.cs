using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

/// <summary>
/// TCP resource exhaustion from <c>tcp_check_oom()</c> and its predecessors:
/// <c>out of memory -- consider tuning tcp_mem</c>, <c>Out of socket memory</c> (old),
/// <c>too many orphaned sockets</c> / <c>too many of orphaned sockets</c> (old), and the
/// pre-2.6.37 <c>time wait bucket table overflow</c>.
/// </summary>
public static partial class TcpMemoryMessage
{
    /// <summary>Form values: the modern text, or the legacy one.</summary>
    public const byte Modern = 0;
    public const byte Legacy = 1;

    internal static bool TryParseOutOfMemory(ReadOnlySpan<byte> message, int anchor, out NetEvent ev)
    {
        var s = message[anchor..];
        byte? form = s.StartsWith("out of memory -- consider tuning tcp_mem"u8) ? Modern
            : s.StartsWith("Out of socket memory"u8) ? Legacy
            : null;
        ev = form is { } f ? new NetEvent { Kind = EventKind.TcpOutOfMemory, Form = f, UptimeMicros = -1 } : default;
        return form is not null;
    }

    internal static bool TryParseOrphans(ReadOnlySpan<byte> message, int anchor, out NetEvent ev)
    {
        var s = message[anchor..];
        byte? form = s.StartsWith("too many orphaned sockets"u8) ? Modern
            : s.StartsWith("too many of orphaned sockets"u8) ? Legacy
            : null;
        ev = form is { } f ? new NetEvent { Kind = EventKind.TooManyOrphans, Form = f, UptimeMicros = -1 } : default;
        return form is not null;
    }

    internal static bool TryParseTimeWait(ReadOnlySpan<byte> message, int anchor, out NetEvent ev)
    {
        bool ok = message[anchor..].StartsWith("time wait bucket table overflow"u8);
        ev = ok ? new NetEvent { Kind = EventKind.TimeWaitOverflow, Form = Legacy, UptimeMicros = -1 } : default;
        return ok;
    }
}
