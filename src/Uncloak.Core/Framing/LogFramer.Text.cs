using Uncloak.Core.Text;

namespace Uncloak.Core.Framing;

/// <summary>The text framings: syslog in its stamps, journalctl short-*, logread, dmesg in its options, talosctl, fragments.</summary>
public sealed partial class LogFramer
{
    // Jun 17 04:07:59[.123456] [host] kernel: [uptime] msg   (classic syslog, short, short-precise)
    private bool TryBsd(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        return SyslogTimestamp.TryParseBsd(line, Reference, ref _bsdStamp, out var time, out int i)
            && TrySyslogTail(line[i..], time, -1, LineFraming.Syslog, strict: false, out framed);
    }

    // Tue Aug 12 10:01:02 2025 kern.crit kernel: [uptime] msg      (OpenWrt/BusyBox logread)
    // Tue 2025-08-12 10:01:02 CEST host kernel: msg                 (journalctl -o short-full)
    private static bool TryWeekday(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        if (SyslogTimestamp.TryParseCtime(line, out var time))
        {
            var rest = line[24..];
            if (rest.IsEmpty || rest[0] != ' ')
            {
                return false;
            }
            rest = rest[1..];
            int priority = -1;
            if (!KernelTail.TrySkipDottedLevel(ref rest, out priority))
            {
                // Another facility's line (daemon.info dnsmasq[1]: …): its facility.level token is framing too.
                int sp = rest[..Math.Min(rest.Length, 16)].IndexOf((byte)' ');
                if (sp <= 0 || rest[..sp].IndexOf((byte)'.') <= 0)
                {
                    return false;
                }
                rest = rest[(sp + 1)..];
            }
            KernelTail.TrySkipKernelTag(ref rest);
            rest = KernelTail.SkipStamps(rest, out long uptime);
            framed = new FramedLine { Time = time, UptimeMicros = uptime, Priority = priority, Message = rest, Framing = LineFraming.Logread };
            return true;
        }
        return SyslogTimestamp.TryParseShortFull(line, out time, out int n)
            && TrySyslogTail(line[n..], time, -1, LineFraming.ShortFull, strict: false, out framed);
    }

    // 2025-06-17T04:07:59.123456+00:00 host kernel: msg   (rsyslog, journalctl short-iso[-precise])
    // 2025-06-17T04:07:59,123456+02:00 msg                 (dmesg --time-format iso, RFC 3339-prefixed dmesg)
    private static bool TryIsoStamped(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        if (line.Length < 20 || line[4] != '-' || !SyslogTimestamp.TryParseRfc3339(line, out var time, out int i) || line[i] != ' ')
        {
            return false;
        }
        if (TrySyslogTail(line[i..], time, -1, LineFraming.SyslogRfc3339, strict: true, out framed))
        {
            return true;
        }
        var rest = KernelTail.SkipStamps(line[(i + 1)..], out long uptime);
        framed = new FramedLine { Time = time, UptimeMicros = uptime, Priority = -1, Message = rest, Framing = LineFraming.DmesgIso };
        return true;
    }

    // 1723456862.123456 host kernel: msg                   (journalctl -o short-unix)
    private static bool TryShortUnix(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        long seconds = 0;
        int i = 0;
        for (; i < line.Length && i < 11 && (uint)(line[i] - '0') <= 9; i++)
        {
            seconds = seconds * 10 + (line[i] - '0');
        }
        if (i is < 9 or > 10 || i >= line.Length || line[i] != '.')
        {
            return false;
        }
        long ticks = seconds * TimeSpan.TicksPerSecond;
        long scale = TimeSpan.TicksPerSecond;
        int digits = 0;
        for (i++; i < line.Length && (uint)(line[i] - '0') <= 9; i++, digits++)
        {
            if (scale > 1)
            {
                scale /= 10;
                ticks += (line[i] - '0') * scale; // digits past the tick (0.1 µs) are dropped
            }
        }
        if (digits is < 1 or > 9)
        {
            return false;
        }
        // strict: a number, a dot and a number is no stamp unless a syslog tag follows.
        return TrySyslogTail(line[i..], DateTime.UnixEpoch.AddTicks(ticks), -1, LineFraming.ShortUnix, strict: true, out framed);
    }

    /// <summary>
    /// What follows a syslog stamp: <c> [host] tag: [uptime] [caller] msg</c>. With <paramref name="strict"/> (an
    /// RFC 3339 stamp, which dmesg also writes) the tag must be <c>kernel:</c> or <c>prog[pid]:</c>, or it is not syslog.
    /// </summary>
    private static bool TrySyslogTail(ReadOnlySpan<byte> rest, DateTime time, int priority, LineFraming framing, bool strict, out FramedLine framed)
    {
        framed = default;
        if (rest.IsEmpty || rest[0] != ' ')
        {
            return false;
        }
        rest = rest[1..];
        ReadOnlySpan<byte> host = default;
        if (!KernelTail.TrySkipKernelTag(ref rest))
        {
            int sp = rest.IndexOf((byte)' ');
            if (sp <= 0)
            {
                return false;
            }
            var token = rest[..sp];
            if (token[^1] == ':')
            {
                // No host, another program's tag (Apr 20 22:02:55 sshd[1]: …): the message keeps its tag, as with a host.
                if (strict && !IsProgramTag(token))
                {
                    return false;
                }
            }
            else
            {
                host = token;
                rest = rest[(sp + 1)..];
                if (!KernelTail.TrySkipKernelTag(ref rest) && strict && !IsProgramTag(rest[..Math.Max(0, rest.IndexOf((byte)' '))]))
                {
                    return false;
                }
            }
        }
        rest = KernelTail.SkipStamps(rest, out long uptime);
        framed = new FramedLine { Time = time, UptimeMicros = uptime, Priority = priority, Host = host, Message = rest, Framing = framing };
        return true;
    }

    /// <summary><c>prog[1234]:</c>, the tag of a program's syslog line.</summary>
    private static bool IsProgramTag(ReadOnlySpan<byte> token)
        => token.Length > 4 && token.EndsWith("]:"u8) && token.IndexOf((byte)'[') > 0;

    /// <summary>Just past the <c>]</c> of a dmesg <c>-T</c> stamp, with or without <c>-d</c>'s <c> &lt;delta&gt;</c>; 0 if none.</summary>
    private static int CtimeEnd(ReadOnlySpan<byte> line)
    {
        if (line[25] == ']')
        {
            return 26;
        }
        if (line[25] != ' ' || line.Length < 30 || line[26] != '<')
        {
            return 0;
        }
        int close = line[26..Math.Min(line.Length, 48)].IndexOf(">]"u8);
        return close < 0 ? 0 : 26 + close + 2;
    }

    // [<    0.000004>] msg                             (dmesg --time-format delta: no clock at all)
    // [Aug12 10:01] msg, then [  +0.000004] msg         (dmesg -H / -e / --time-format reltime)
    private bool TryRelative(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        int close = line[..Math.Min(line.Length, 24)].IndexOf((byte)']');
        if (close < 3)
        {
            return false;
        }
        var inner = Tokens.Trim(line[1..close]);
        var rest = line.Length > close + 1 && line[close + 1] == ' ' ? line[(close + 2)..] : line[(close + 1)..];
        DateTime? time = null;
        if (inner.Length > 2 && inner[0] == '<' && inner[^1] == '>' && SyslogTimestamp.TryParseSeconds(Tokens.Trim(inner[1..^1]), out _))
        {
            _relative = null;
        }
        else if (inner.Length > 1 && inner[0] == '+' && SyslogTimestamp.TryParseSeconds(inner[1..], out long micros))
        {
            // The delta is to the previous message: the clock runs on from the last minute stamp (to the minute).
            time = _relative = _relative?.AddTicks(micros * 10);
        }
        else if (inner.Length == 11 && inner[5] == ' ' && inner[8] == ':' && SyslogTimestamp.TryParseShortCtime(inner, Reference, out var minute))
        {
            time = _relative = minute;
        }
        else
        {
            return false;
        }
        KernelTail.SkipCaller(ref rest);
        framed = new FramedLine { Time = time ?? default, UptimeMicros = -1, Priority = -1, Message = rest, Framing = LineFraming.DmesgRelative };
        return true;
    }

    // [  840.538439] msg, [  840.538439][  T123] msg     (dmesg, printk caller id)
    // [  840.538439] host kernel: msg                   (journalctl -o short-monotonic)
    // [Tue Jun 17 04:07:59 2025] msg                     (dmesg -T)
    private static bool TryBracketed(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        if (SyslogTimestamp.TryParseUptime(line, out long uptime, out int n))
        {
            var rest = line[n..];
            int sp = rest[..Math.Min(rest.Length, 72)].IndexOf(" kernel:"u8);
            if (sp > 0 && rest[..sp].IndexOfAny((byte)' ', (byte)':', (byte)'[') < 0)
            {
                var host = rest[..sp];
                rest = rest[(sp + 1)..];
                KernelTail.TrySkipKernelTag(ref rest);
                framed = new FramedLine { UptimeMicros = uptime, Priority = -1, Host = host, Message = rest, Framing = LineFraming.ShortMonotonic };
                return true;
            }
            KernelTail.SkipCaller(ref rest);
            framed = new FramedLine { UptimeMicros = uptime, Priority = -1, Message = rest, Framing = LineFraming.Dmesg };
            return true;
        }
        if (line.Length >= 26 && SyslogTimestamp.TryParseCtime(line[1..25], out var time) && CtimeEnd(line) is > 0 and var end)
        {
            var rest = line.Length > end && line[end] == ' ' ? line[(end + 1)..] : line[end..];
            KernelTail.SkipCaller(ref rest);
            framed = new FramedLine { Time = time, UptimeMicros = -1, Priority = -1, Message = rest, Framing = LineFraming.DmesgCtime };
            return true;
        }
        return false;
    }

    // <6>[  840.538439] msg                                 (dmesg -r, /proc/kmsg)
    // <4>Jun 17 04:07:59 host kernel: msg                    (syslog as sent on the wire: a capture, a relay's raw file)
    // <4>2025-06-17T04:07:59+00:00 host kernel: msg
    // <4>1 2025-06-17T04:07:59.5Z host kernel - - - msg       (RFC 5424)
    private bool TryRawLevel(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        int close = line[..Math.Min(line.Length, 5)].IndexOf((byte)'>');
        if (close < 2 || !AsciiNumber.TryParseInt32(line[1..close], out int p) || p < 0)
        {
            return false;
        }
        var rest = line[(close + 1)..];
        if (!rest.IsEmpty && rest[0] == '[' && TryBracketed(rest, out framed) && framed.Framing != LineFraming.ShortMonotonic)
        {
            framed = new FramedLine { Time = framed.Time, UptimeMicros = framed.UptimeMicros, Priority = p & 7, Message = framed.Message, Framing = LineFraming.Dmesg };
            return true;
        }
        if (rest.Length > 2 && rest[0] == '1' && rest[1] == ' ' && TryRfc5424(rest[2..], p & 7, out framed))
        {
            return true;
        }
        // A syslog line behind its priority: the same stamps and tail as without it, the priority read from it.
        if (!rest.IsEmpty && (rest[0] is >= (byte)'A' and <= (byte)'Z' ? TryBsd(rest, out framed) : (uint)(rest[0] - '0') <= 9 && TryIsoStamped(rest, out framed))
            && framed.Framing is LineFraming.Syslog or LineFraming.SyslogRfc3339)
        {
            framed = new FramedLine { Time = framed.Time, UptimeMicros = framed.UptimeMicros, Priority = p & 7, Host = framed.Host, Message = framed.Message, Framing = framed.Framing };
            return true;
        }
        framed = new FramedLine { UptimeMicros = -1, Priority = p & 7, Message = rest, Framing = LineFraming.Dmesg };
        return true;
    }

    /// <summary>
    /// What follows <c>&lt;PRI&gt;1 </c> in RFC 5424: <c>TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]</c>,
    /// any header field <c>-</c> when absent. The kernel's message is the MSG of APP-NAME <c>kernel</c>; another
    /// program's line keeps its header from APP-NAME on, as a BSD line keeps its tag, so a daemon that quotes a kernel
    /// message in its own log is not read as the kernel.
    /// </summary>
    private static bool TryRfc5424(ReadOnlySpan<byte> rest, int priority, out FramedLine framed)
    {
        framed = default;
        DateTime time = default;
        int sp;
        if (rest.Length > 1 && rest[0] == '-' && rest[1] == ' ')
        {
            sp = 1;
        }
        else if (!SyslogTimestamp.TryParseRfc3339(rest, out time, out sp) || sp >= rest.Length || rest[sp] != ' ')
        {
            return false;
        }
        rest = rest[(sp + 1)..];
        // HOSTNAME APP-NAME PROCID MSGID, each one token (the longest, HOSTNAME, at most 255 bytes) and a space.
        int hostEnd = TokenEnd(rest);
        if (hostEnd <= 0)
        {
            return false;
        }
        var host = rest[..hostEnd];
        var app = rest[(hostEnd + 1)..];
        int appEnd = TokenEnd(app);
        if (appEnd <= 0)
        {
            return false;
        }
        bool kernel = app[..appEnd].SequenceEqual("kernel"u8);
        rest = app[(appEnd + 1)..];
        for (int field = 0; field < 2; field++)
        {
            int end = TokenEnd(rest);
            if (end <= 0)
            {
                return false;
            }
            rest = rest[(end + 1)..];
        }
        if (!TrySkipStructuredData(ref rest))
        {
            return false;
        }
        if (!rest.IsEmpty && rest[0] == ' ')
        {
            rest = rest[1..];
        }
        if (rest.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            rest = rest[3..]; // the BOM RFC 5424 puts before a UTF-8 MSG
        }
        long uptime = -1;
        rest = kernel ? KernelTail.SkipStamps(rest, out uptime) : app;
        framed = new FramedLine
        {
            Time = time,
            UptimeMicros = uptime,
            Priority = priority,
            Host = host.Length == 1 && host[0] == '-' ? default : host,
            Message = rest,
            Framing = LineFraming.Rfc5424,
        };
        return true;

        static int TokenEnd(ReadOnlySpan<byte> s) => s[..Math.Min(s.Length, 256)].IndexOf((byte)' ');
    }

    /// <summary>Skips RFC 5424 STRUCTURED-DATA: <c>-</c>, or <c>[id k="v" …]</c> elements back to back (<c>\]</c> and <c>\"</c> escaped in values).</summary>
    private static bool TrySkipStructuredData(ref ReadOnlySpan<byte> s)
    {
        if (!s.IsEmpty && s[0] == '-')
        {
            s = s[1..];
            return s.IsEmpty || s[0] == ' ';
        }
        int i = 0;
        while (i < s.Length && s[i] == '[')
        {
            bool quoted = false;
            for (i++; i < s.Length; i++)
            {
                byte b = s[i];
                if (quoted && b == '\\')
                {
                    i++;
                }
                else if (b == '"')
                {
                    quoted = !quoted;
                }
                else if (b == ']' && !quoted)
                {
                    break;
                }
            }
            if (i >= s.Length)
            {
                return false; // an element not closed: not RFC 5424
            }
            i++;
        }
        if (i == 0 || (i < s.Length && s[i] != ' '))
        {
            return false;
        }
        s = s[i..];
        return true;
    }

    // kernel: [uptime] msg / kern.info kernel: msg      (pasted from the middle of a syslog line)
    // kern  :info  : [uptime] msg                        (dmesg -x)
    private static bool TryFragment(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        var rest = line;
        int priority;
        var framing = LineFraming.Fragment;
        if (KernelTail.TrySkipDottedLevel(ref rest, out priority))
        {
            KernelTail.TrySkipKernelTag(ref rest);
        }
        else if (KernelTail.TrySkipColonLevel(ref rest, out priority))
        {
            framing = LineFraming.Dmesg;
            if (!rest.IsEmpty && rest[0] == '[' && TryBracketed(rest, out var inner) && inner.Framing != LineFraming.ShortMonotonic)
            {
                framed = new FramedLine { Time = inner.Time, UptimeMicros = inner.UptimeMicros, Priority = priority, Message = inner.Message, Framing = framing };
                return true;
            }
        }
        else if (!KernelTail.TrySkipKernelTag(ref rest) && !TrySkipCutHost(ref rest))
        {
            return false;
        }
        rest = KernelTail.SkipStamps(rest, out long uptime);
        framed = new FramedLine { UptimeMicros = uptime, Priority = priority, Message = rest, Framing = framing };
        return true;
    }

    // obs kernel: [uptime] msg       (a syslog line pasted from inside its host name: the stamp and the host's start cut off)
    // The host's tail is not kept: it names no host.
    private static bool TrySkipCutHost(ref ReadOnlySpan<byte> s)
    {
        int tag = s[..Math.Min(s.Length, 72)].IndexOf(" kernel:"u8);
        if (tag <= 0)
        {
            return false;
        }
        foreach (byte b in s[..tag])
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'-' or (byte)'_'))
            {
                return false;
            }
        }
        var rest = s[(tag + 1)..];
        if (!KernelTail.TrySkipKernelTag(ref rest))
        {
            return false;
        }
        s = rest;
        return true;
    }

    // 172.20.0.2: kern:    info: [2025-08-12T10:01:02.166934509Z]: msg      (talosctl dmesg; the node is optional)
    private static bool TryTalos(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        var rest = line;
        if (!rest.StartsWith("kern"u8))
        {
            int colon = rest[..Math.Min(rest.Length, 48)].IndexOf(": kern"u8);
            if (colon <= 0 || rest[..colon].IndexOf((byte)' ') >= 0)
            {
                return false;
            }
            rest = rest[(colon + 2)..];
        }
        if (!KernelTail.TrySkipColonLevel(ref rest, out int priority) || rest.Length < 22 || rest[0] != '['
            || !SyslogTimestamp.TryParseRfc3339(rest[1..], out var time, out int n) || 1 + n + 1 >= rest.Length
            || rest[1 + n] != ']' || rest[2 + n] != ':')
        {
            return false;
        }
        rest = rest[(3 + n)..];
        if (!rest.IsEmpty && rest[0] == ' ')
        {
            rest = rest[1..];
        }
        framed = new FramedLine { Time = time, UptimeMicros = -1, Priority = priority, Message = rest, Framing = LineFraming.Talos };
        return true;
    }
}
