namespace Uncloak.Core.Framing;

public sealed partial class LogFramer
{
    /// <summary>How far into a line a relay's name may end.</summary>
    private const int MaxRelayName = 255;

    // web1.myhost.com May 22 06:38:04 web1 kernel: msg          (a central log server's or relay's name, or its
    // 10.0.0.5 2025-08-12T10:01:02+02:00 web1 kernel: msg       address, before the syslog line it received: rsyslog
    //                                                           templates that print %FROMHOST% / %fromhost-ip% first)
    // The line's own host is kept: the relay is not where the message was printed. Tried only after the framings a line
    // can start with, so it costs nothing on a plain log.
    private bool TryRelayed(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        int space = line[..Math.Min(line.Length, MaxRelayName + 1)].IndexOf((byte)' ');
        // A tag ("kernel:", "kern.info") is not a relay's name: such a line is a pasted fragment.
        if (space <= 0 || space + 1 >= line.Length || line[space - 1] == ':')
        {
            return false;
        }
        foreach (byte b in line[..space])
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'-' or (byte)'_' or (byte)':'))
            {
                return false;
            }
        }
        var rest = line[(space + 1)..];
        byte first = rest[0];
        if (first is >= (byte)'A' and <= (byte)'Z')
        {
            return TryBsd(rest, out framed);
        }
        return (uint)(first - '0') <= 9 && TryIsoStamped(rest, out framed);
    }
}
