using Uncloak.Core.Text;

namespace Uncloak.Core.Framing;

/// <summary>The <c>/dev/kmsg</c> record header <c>"%u,%llu,%llu,%c[,caller=…];"</c> (kernel/printk/printk.c).</summary>
public static class KmsgHeader
{
    /// <summary>Reads the header; unknown extra comma fields before <c>;</c> are ignored, as the kernel reserves them.</summary>
    public static bool TryParse(ReadOnlySpan<byte> record, out int priority, out ulong sequence, out long usec, out int headerLength)
    {
        priority = -1;
        sequence = 0;
        usec = -1;
        headerLength = 0;
        int semi = record[..Math.Min(record.Length, 128)].IndexOf((byte)';');
        if (semi < 5)
        {
            return false;
        }
        var h = record[..semi];
        int c1 = h.IndexOf((byte)',');
        if (c1 <= 0 || !AsciiNumber.TryParseUInt32(h[..c1], out uint prio))
        {
            return false;
        }
        h = h[(c1 + 1)..];
        int c2 = h.IndexOf((byte)',');
        if (c2 <= 0 || !AsciiNumber.TryParseUInt64(h[..c2], out sequence))
        {
            return false;
        }
        h = h[(c2 + 1)..];
        int c3 = h.IndexOf((byte)',');
        var usecText = c3 < 0 ? h : h[..c3];
        if (!AsciiNumber.TryParseUInt64(usecText, out ulong us) || us > long.MaxValue)
        {
            return false;
        }
        priority = (int)(prio & 7);
        usec = (long)us;
        headerLength = semi + 1;
        return true;
    }

    /// <summary>Undoes the kernel's <c>\xNN</c> escaping into <paramref name="buffer"/>.</summary>
    public static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> message, Span<byte> buffer)
    {
        int o = 0;
        for (int i = 0; i < message.Length && o < buffer.Length; i++)
        {
            if (message[i] == '\\' && i + 3 < message.Length && message[i + 1] == 'x'
                && AsciiNumber.TryParseHex(message.Slice(i + 2, 2), out ulong v))
            {
                buffer[o++] = (byte)v;
                i += 3;
            }
            else
            {
                buffer[o++] = message[i];
            }
        }
        return buffer[..o];
    }
}
