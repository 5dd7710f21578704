using System.Globalization;

namespace Uncloak.Core.Forensics.Capture;

/// <summary>Writes a bundle's <c>probes.txt</c>: <c># uncloak probes</c>, then <c>TIME VANTAGE TARGET ok|FAILURE LATENCYms</c> per result, oldest first.</summary>
public static class ProbesText
{
    public static void Write(TextWriter output, IEnumerable<VantageProbe> probes)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(probes);
        output.Write("# uncloak probes\n");
        foreach (var p in probes.OrderBy(p => p.Time))
        {
            // One token each: a target or failure class with spaces would shift the columns the parser reads.
            string target = Token(p.Target, "-");
            string result = p.Ok ? "ok" : Token(p.Failure, "failed");
            output.Write(string.Create(CultureInfo.InvariantCulture,
                $"{p.Time.ToUniversalTime():yyyy-MM-ddTHH:mm:ss.fffZ} {p.Vantage.ToString().ToLowerInvariant()} {target} {result} {p.Latency.TotalMilliseconds:0.###}ms\n"));
        }
    }

    private static string Token(string text, string empty)
        => text.Length == 0 ? empty : string.Join('_', text.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
}
