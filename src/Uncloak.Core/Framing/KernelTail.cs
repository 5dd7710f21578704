using System.Buffers.Binary;

namespace Uncloak.Core.Framing;

/// <summary>
/// The pieces that sit between a transport's header and the kernel's message in every text framing: the syslog
/// tag <c>kernel:</c>, a <c>facility.level</c> or <c>facility:level:</c> pair, the printk uptime stamp and the
/// caller id CONFIG_PRINTK_CALLER adds after it (<c>[ T123]</c>, <c>[    C0]</c>). Each reader takes its piece
/// off the front of the span only when it is there whole, so no field downstream ever starts with framing.
/// </summary>
internal static class KernelTail
{
    private static ReadOnlySpan<byte> Levels => "emerg\0alert\0crit\0err\0warn\0notice\0info\0debug\0"u8;

    /// <summary>Takes <c>kernel: </c> (or a bare <c>kernel:</c> ending the line) off the front.</summary>
    public static bool TrySkipKernelTag(ref ReadOnlySpan<byte> s)
    {
        // "kern" and "nel:" as two overlapping words: on nearly every syslog line, and Native AOT calls SequenceEqual for
        // a StartsWith on a literal instead of expanding it.
        if (s.Length < 7 || BinaryPrimitives.ReadUInt32LittleEndian(s) != 0x6E72656B || BinaryPrimitives.ReadUInt32LittleEndian(s[3..]) != 0x3A6C656E)
        {
            return false;
        }
        s = s.Length > 7 && s[7] == ' ' ? s[8..] : s[7..];
        return true;
    }

    /// <summary>The uptime stamp and the caller id that may follow it; both optional.</summary>
    public static ReadOnlySpan<byte> SkipStamps(ReadOnlySpan<byte> s, out long uptime)
    {
        uptime = -1;
        if (!s.IsEmpty && s[0] == '[' && SyslogTimestamp.TryParseUptime(s, out uptime, out int n))
        {
            s = s[n..];
            SkipCaller(ref s);
        }
        return s;
    }

    /// <summary>printk's caller id: <c>[</c>, padding, <c>T</c> (task) or <c>C</c> (CPU), digits, <c>]</c>.</summary>
    public static bool SkipCaller(ref ReadOnlySpan<byte> s)
    {
        if (s.Length < 4 || s[0] != '[')
        {
            return false;
        }
        int i = 1;
        while (i < s.Length && i < 12 && s[i] == ' ')
        {
            i++;
        }
        if (i >= s.Length || (s[i] != 'T' && s[i] != 'C'))
        {
            return false;
        }
        int digits = ++i;
        while (i < s.Length && (uint)(s[i] - '0') <= 9)
        {
            i++;
        }
        if (i == digits || i >= s.Length || s[i] != ']' || i > 14)
        {
            return false;
        }
        i++;
        s = i < s.Length && s[i] == ' ' ? s[(i + 1)..] : s[i..];
        return true;
    }

    /// <summary>
    /// <c>kern.info</c> (logread, pasted rsyslog templates) followed by a space: sets the level and moves past it.
    /// Only the kernel facility is taken: any other is not a kernel line's framing.
    /// </summary>
    public static bool TrySkipDottedLevel(ref ReadOnlySpan<byte> s, out int priority)
    {
        priority = -1;
        if (!s.StartsWith("kern."u8))
        {
            return false;
        }
        int sp = s[..Math.Min(s.Length, 12)].IndexOf((byte)' ');
        if (sp < 6 || (priority = LevelOf(s[5..sp])) < 0)
        {
            priority = -1;
            return false;
        }
        s = s[(sp + 1)..];
        return true;
    }

    /// <summary>
    /// <c>kern  :info  : </c> (dmesg -x) or <c>kern:    info: </c> (talosctl): facility, colon, level, colon, with
    /// padding anywhere in between. Sets the level and moves past it.
    /// </summary>
    public static bool TrySkipColonLevel(ref ReadOnlySpan<byte> s, out int priority)
    {
        priority = -1;
        if (!s.StartsWith("kern"u8))
        {
            return false;
        }
        int i = 4;
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }
        if (i >= s.Length || s[i] != ':')
        {
            return false;
        }
        i++;
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }
        int start = i;
        while (i < s.Length && s[i] >= 'a' && s[i] <= 'z')
        {
            i++;
        }
        int level = LevelOf(s[start..i]);
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }
        if (level < 0 || i >= s.Length || s[i] != ':')
        {
            return false;
        }
        i++;
        if (i < s.Length && s[i] == ' ')
        {
            i++;
        }
        priority = level;
        s = s[i..];
        return true;
    }

    /// <summary>0–7 for a syslog level name (<c>warning</c> and <c>error</c> too), or -1.</summary>
    public static int LevelOf(ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual("warning"u8))
        {
            return 4;
        }
        if (name.SequenceEqual("error"u8))
        {
            return 3;
        }
        var levels = Levels;
        for (int level = 0; !levels.IsEmpty; level++)
        {
            int end = levels.IndexOf((byte)0);
            if (levels[..end].SequenceEqual(name))
            {
                return level;
            }
            levels = levels[(end + 1)..];
        }
        return -1;
    }
}
