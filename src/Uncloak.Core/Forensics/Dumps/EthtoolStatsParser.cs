using Uncloak.Core.Text;
using static Uncloak.Core.Forensics.Dumps.DumpText;

namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// <c>ethtool -S IF</c> output: <c>NIC statistics:</c>, then <c>"     %.*s: %llu"</c> per statistic in the driver's own
/// names. bnxt_en prefixes per-ring names with <c>[N]: </c>, so the value is taken after the LAST <c>": "</c>. The
/// interface is not in the output; <see cref="DumpReader"/> passes the one the pasted command line named.
/// </summary>
internal sealed class EthtoolStatsParser(DumpEvidence into, string device) : DumpParser(into)
{
    private NicStatistics? _nic;

    public override DumpKind Kind => DumpKind.EthtoolStatistics;

    public static bool IsHeader(ReadOnlySpan<byte> line) => Tokens.TrimEnd(line).SequenceEqual("NIC statistics:"u8);

    public override DumpLine Feed(ReadOnlySpan<byte> line)
    {
        if (IsHeader(line))
        {
            _nic = new NicStatistics(device);
            Into.Nics[device] = _nic;
            return DumpLine.Taken;
        }
        if (_nic is null || !IsIndented(line))
        {
            return DumpLine.NotMine;
        }
        var text = Tokens.Trim(line);
        int colon = text.LastIndexOf(": "u8);
        if (colon <= 0 || !TryLong(Tokens.Trim(text[(colon + 2)..]), out long value))
        {
            return DumpLine.Malformed;
        }
        _nic._values[Name(text[..colon])] = value;
        return DumpLine.Taken;
    }
}
