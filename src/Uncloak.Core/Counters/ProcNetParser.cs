using System.Text;
using Uncloak.Core.Text;

namespace Uncloak.Core.Counters;

/// <summary>
/// Span parsers for the counter files under <c>/proc/net</c> and <c>/proc/sys/net/netfilter</c>. Each adds
/// <c>Prefix.Name → value</c> pairs to a dictionary and returns how many lines or values it could not read.
/// </summary>
public static class ProcNetParser
{
    /// <summary>
    /// <c>/proc/net/netstat</c> and <c>/proc/net/snmp</c>: pairs of lines with the same <c>Prefix:</c>, names then values.
    /// Values are mapped by position in the header line, never by a fixed index (kernels insert counters mid-line).
    /// </summary>
    public static int ParseHeaderValuePairs(ReadOnlySpan<byte> text, Dictionary<string, long> into)
    {
        int malformed = 0;
        var lines = new LineEnumerator(text);
        while (lines.MoveNext())
        {
            var header = lines.Current;
            if (header.IsEmpty)
            {
                continue;
            }
            int colon = header.IndexOf((byte)':');
            if (colon <= 0 || !lines.MoveNext())
            {
                malformed++;
                continue;
            }
            var values = lines.Current;
            var prefix = header[..colon];
            if (!values.StartsWith(prefix) || values.Length <= colon || values[colon] != (byte)':')
            {
                malformed++;
                continue;
            }
            string prefixText = Encoding.ASCII.GetString(prefix);
            var names = header[(colon + 1)..];
            var nums = values[(colon + 1)..];
            while (TryNextToken(ref names, out var name))
            {
                if (!TryNextToken(ref nums, out var num))
                {
                    malformed++;
                    break;
                }
                if (TryParseSigned(num, out long v))
                {
                    into[prefixText + "." + Encoding.ASCII.GetString(name)] = v;
                }
                else
                {
                    malformed++;
                }
            }
        }
        return malformed;
    }

    /// <summary>
    /// <c>/proc/net/sockstat</c> and <c>sockstat6</c>: <c>TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1</c> becomes
    /// <c>{file}.TCP.inuse</c> = 5 and so on (<paramref name="file"/> is <c>Sockstat</c> or <c>Sockstat6</c>).
    /// </summary>
    public static int ParseSockstat(ReadOnlySpan<byte> text, string file, Dictionary<string, long> into)
    {
        int malformed = 0;
        var lines = new LineEnumerator(text);
        while (lines.MoveNext())
        {
            var line = lines.Current;
            if (line.IsEmpty)
            {
                continue;
            }
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                malformed++;
                continue;
            }
            string prefix = file + "." + Encoding.ASCII.GetString(line[..colon]) + ".";
            var rest = line[(colon + 1)..];
            while (TryNextToken(ref rest, out var name))
            {
                if (!TryNextToken(ref rest, out var num) || !TryParseSigned(num, out long v))
                {
                    malformed++;
                    break;
                }
                into[prefix + Encoding.ASCII.GetString(name)] = v;
            }
        }
        return malformed;
    }

    /// <summary>A file holding one number and a newline (<c>nf_conntrack_count</c>).</summary>
    public static bool TryParseSingle(ReadOnlySpan<byte> text, out long value)
    {
        var trimmed = text.Trim("\n\r \t"u8);
        return TryParseSigned(trimmed, out value);
    }

    private static bool TryParseSigned(ReadOnlySpan<byte> token, out long value)
    {
        value = 0;
        bool negative = !token.IsEmpty && token[0] == (byte)'-';
        if (negative)
        {
            token = token[1..];
        }
        if (!AsciiNumber.TryParseUInt64(token, out ulong u) || u > long.MaxValue)
        {
            return false;
        }
        value = negative ? -(long)u : (long)u;
        return true;
    }

    private static bool TryNextToken(ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> token)
    {
        int start = 0;
        while (start < text.Length && text[start] == (byte)' ')
        {
            start++;
        }
        if (start == text.Length)
        {
            token = default;
            text = default;
            return false;
        }
        int end = text[start..].IndexOf((byte)' ');
        end = end < 0 ? text.Length : start + end;
        token = text[start..end];
        text = text[end..];
        return true;
    }

    private ref struct LineEnumerator(ReadOnlySpan<byte> text)
    {
        private ReadOnlySpan<byte> _rest = text;
        private bool _done;

        public ReadOnlySpan<byte> Current { get; private set; }

        public bool MoveNext()
        {
            if (_done || _rest.IsEmpty)
            {
                return false;
            }
            int nl = _rest.IndexOf((byte)'\n');
            if (nl < 0)
            {
                Current = _rest.TrimEnd((byte)'\r');
                _done = true;
                return true;
            }
            Current = _rest[..nl].TrimEnd((byte)'\r');
            _rest = _rest[(nl + 1)..];
            return true;
        }
    }
}
