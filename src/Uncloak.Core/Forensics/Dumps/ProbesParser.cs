using System.Globalization;
using static Uncloak.Core.Forensics.Dumps.DumpText;

namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// An incident bundle's probe file: <c># uncloak probes</c>, then <c>TIME VANTAGE TARGET RESULT LATENCY</c> per probe:
/// <c>2026-12-03T17:00:01Z gateway 198.18.0.1 timeout 1000ms</c>; RESULT is <c>ok</c> or the failure class.
/// </summary>
internal sealed class ProbesParser(DumpEvidence into) : DumpParser(into)
{
    public const string Header = "# uncloak probes";

    public override DumpKind Kind => DumpKind.Probes;

    public static bool IsHeader(ReadOnlySpan<byte> line) => line.StartsWith("# uncloak probes"u8);

    public override DumpLine Feed(ReadOnlySpan<byte> line)
    {
        if (IsHeader(line))
        {
            return DumpLine.Taken;
        }
        var rest = line;
        if (!TryNextToken(ref rest, out var time))
        {
            return DumpLine.NotMine;
        }
        if (!DateTime.TryParse(Name(time), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
        {
            return DumpLine.NotMine;
        }
        if (!TryNextToken(ref rest, out var vantage) || !Enum.TryParse<Vantage>(Name(vantage), ignoreCase: true, out var v) || !Enum.IsDefined(v)
            || !TryNextToken(ref rest, out var target) || !TryNextToken(ref rest, out var result)
            || !TryNextToken(ref rest, out var latency) || !latency.EndsWith("ms"u8) || !TryDouble(latency[..^2], out double ms) || ms < 0)
        {
            return DumpLine.Malformed;
        }
        bool ok = result.SequenceEqual("ok"u8);
        Into.Probes.Add(new VantageProbe(DateTime.SpecifyKind(t, DateTimeKind.Utc), v, Name(target), ok, ok ? "" : Name(result), TimeSpan.FromMilliseconds(ms)));
        return DumpLine.Taken;
    }
}
