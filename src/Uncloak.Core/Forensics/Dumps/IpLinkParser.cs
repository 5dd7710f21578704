using Uncloak.Core.Text;
using static Uncloak.Core.Forensics.Dumps.DumpText;

namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// <c>ip -s link</c> / <c>ip -s -s link</c> output (iproute2 <c>ip/ipaddress.c</c>): <c>2: eth0: &lt;FLAGS&gt; mtu … state UP
/// …</c>, then indented lines; a statistics header (<c>RX: bytes packets errors dropped missed mcast</c>, or <c>overrun</c>
/// before iproute2 5.10; <c>RX errors: length crc frame fifo overrun</c>; <c>TX: … carrier collsns</c>; <c>TX errors:
/// aborted fifo window heartbt transns</c>) names the columns of the values line under it, so every era reads the same way.
/// </summary>
internal sealed class IpLinkParser(DumpEvidence into) : DumpParser(into)
{
    private LinkStats? _current;
    private List<string>? _pendingColumns;

    public override DumpKind Kind => DumpKind.IpLink;

    /// <summary><c>2: eth0: &lt;BROADCAST,…&gt;</c> or <c>5: veth0@if4: &lt;…&gt;</c>.</summary>
    public static bool IsHeader(ReadOnlySpan<byte> line)
    {
        if (!AsciiNumber.TryReadUInt32(line, out _, out int n) || !line[n..].StartsWith(": "u8))
        {
            return false;
        }
        var rest = line[(n + 2)..];
        int colon = rest.IndexOf(": <"u8);
        return colon > 0 && rest[..colon].IndexOf((byte)' ') < 0;
    }

    public override DumpLine Feed(ReadOnlySpan<byte> line)
    {
        if (IsHeader(line))
        {
            return ReadHeader(line);
        }
        if (_current is null || !IsIndented(line))
        {
            return DumpLine.NotMine;
        }
        var text = Tokens.Trim(line);
        if (_pendingColumns is { } columns)
        {
            _pendingColumns = null;
            var rest = text;
            int i = 0;
            while (i < columns.Count && TryNextToken(ref rest, out var token))
            {
                if (!TryLong(token, out long value))
                {
                    return DumpLine.Malformed;
                }
                _current._counters[columns[i++]] = value;
            }
            return DumpLine.Taken;
        }
        string? prefix = text.StartsWith("RX errors:"u8) ? "rx_" : text.StartsWith("TX errors:"u8) ? "tx_"
            : text.StartsWith("RX:"u8) ? "rx_" : text.StartsWith("TX:"u8) ? "tx_" : null;
        if (prefix is not null)
        {
            var rest = text[(text.IndexOf((byte)':') + 1)..];
            var names = new List<string>();
            while (TryNextToken(ref rest, out var token))
            {
                names.Add(prefix + Name(token));
            }
            _pendingColumns = names;
        }
        return DumpLine.Taken; // link/ether, altname, alias, vf lines
    }

    private DumpLine ReadHeader(ReadOnlySpan<byte> line)
    {
        AsciiNumber.TryReadUInt32(line, out uint index, out int n);
        var rest = line[(n + 2)..];
        int colon = rest.IndexOf(": <"u8);
        var name = rest[..colon];
        int at = name.IndexOf((byte)'@');
        if (at > 0)
        {
            name = name[..at];
        }
        rest = rest[(colon + 3)..];
        int close = rest.IndexOf((byte)'>');
        if (close < 0)
        {
            _current = null;
            return DumpLine.Malformed;
        }
        var flags = Name(rest[..close]).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var link = new LinkStats { Index = (int)index, Name = Name(name), Flags = flags };
        rest = rest[(close + 1)..];
        while (TryNextToken(ref rest, out var token))
        {
            if (token.SequenceEqual("state"u8) && TryNextToken(ref rest, out var state))
            {
                link.OperState = Name(state);
            }
        }
        Into.Links.Add(link);
        _current = link;
        _pendingColumns = null;
        return DumpLine.Taken;
    }
}
