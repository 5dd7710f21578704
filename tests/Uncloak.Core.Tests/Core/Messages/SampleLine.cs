using System.Text.Json;

namespace Uncloak.Core.Tests.Messages;

/// <summary>One line of a samples/&lt;family&gt;.log file and what it must decode to.</summary>
public sealed record SampleLine(string File, int LineNumber, string Line, JsonElement Expect)
{
    public override string ToString() => $"{File}:{LineNumber}";

    /// <summary>Every line preceded by a <c># expect:</c> line, in every sample file.</summary>
    public static IEnumerable<SampleLine> All()
    {
        foreach (var path in Directory.EnumerateFiles(SamplesDirectory, "*.log").Order(StringComparer.Ordinal))
        {
            foreach (var s in Read(path))
            {
                yield return s;
            }
        }
    }

    public static string SamplesDirectory => Path.Combine(AppContext.BaseDirectory, "samples");

    public static IEnumerable<SampleLine> Read(string path)
    {
        var lines = System.IO.File.ReadAllLines(path);
        JsonElement? expect = null;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("# expect:", StringComparison.Ordinal))
            {
                expect = JsonDocument.Parse(line["# expect:".Length..]).RootElement.Clone();
                continue;
            }
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }
            if (expect is null)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)}:{i + 1}: sample line without a '# expect:' line before it");
            }
            yield return new SampleLine(Path.GetFileName(path), i + 1, line, expect.Value);
            expect = null;
        }
    }
}
