namespace Uncloak.Core.Framing;

public sealed partial class LogFramer
{
    // 20:04:07 kernel rpfilter_DROP: IN=enp2s0 ...     (a viewer's or a script's copy: the time of day, the tag without its
    //                                                   colon; quoted in firewalld's issues)
    // A clock without a date dates nothing, so the line has no time; what matters is that the stamp and the tag are
    // framing, not the start of a firewall rule's prefix.
    private static bool TryClockOnly(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        if (line.Length < 10 || !SyslogTimestamp.TryParseTimeOfDay(line, out _, out _, out _) || line[8] != ' ')
        {
            return false;
        }
        var rest = line[9..];
        if (!rest.StartsWith("kernel"u8) || rest.Length < 8 || (rest[6] != ' ' && !(rest[6] == ':' && rest[7] == ' ')))
        {
            return false;
        }
        rest = rest[(rest[6] == ' ' ? 7 : 8)..];
        rest = KernelTail.SkipStamps(rest, out long uptime);
        framed = new FramedLine { UptimeMicros = uptime, Priority = -1, Message = rest, Framing = LineFraming.Fragment };
        return true;
    }
}
