using System.Text.Json;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Xunit;

namespace Uncloak.Core.Tests.Messages;

/// <summary>
/// The catalog's contract, fail2ban-style: every sample line decodes to exactly what its <c># expect:</c>
/// line says (negatives included), and every family has a sample file.
/// </summary>
public sealed class SampleFileTests
{
    /// <summary>Syslog lines carry no year; the samples are read as if the log ended on this day.</summary>
    private static readonly DateTime LogEnd = new(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Sample ids (file:line) so each line is its own test case in the runner.</summary>
    public static TheoryData<string> Samples() => [.. SampleLine.All().Select(s => s.ToString())];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_line_decodes_to_its_expectation(string id)
        => AssertDecodes(SampleLine.All().Single(s => s.ToString() == id), LogEnd);

    /// <summary>The line decodes to every field its expectation names (or, for <c>"match": false</c>, to no event).</summary>
    internal static void AssertDecodes(SampleLine sample, DateTime logEnd)
    {
        var decoded = LineDecoder.Decode(sample.Line, logEnd);
        if (sample.Expect.TryGetProperty("match", out var match) && !match.GetBoolean())
        {
            Assert.True(decoded.Event is null, $"{sample}: expected no match but got {decoded.Event?.Kind.Name()}");
            return;
        }
        Assert.True(decoded.Event is not null, $"{sample}: expected a match, got none for message '{decoded.Message}'");
        var actual = EventFields.Of(decoded.Event!.Value);
        foreach (var expected in sample.Expect.EnumerateObject())
        {
            Assert.True(actual.TryGetValue(expected.Name, out var value), $"{sample}: field '{expected.Name}' missing; have {string.Join(", ", actual.Keys)}");
            string want = expected.Value.ValueKind == JsonValueKind.String ? expected.Value.GetString()! : expected.Value.GetRawText();
            string have = value switch { string s => s, long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => value.ToString()! };
            Assert.True(want == have, $"{sample}: field '{expected.Name}' is '{have}', expected '{want}'");
        }
    }

    [Fact]
    public void Every_log_family_has_a_sample_file_with_positives_and_negatives()
    {
        var files = Directory.EnumerateFiles(SampleLine.SamplesDirectory, "*.log").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        foreach (var kind in EventKinds.LogKinds)
        {
            Assert.Contains(kind.Name(), files);
            var lines = SampleLine.Read(Path.Combine(SampleLine.SamplesDirectory, kind.Name() + ".log")).ToList();
            Assert.Contains(lines, l => !l.Expect.TryGetProperty("match", out _));
            Assert.Contains(lines, l => l.Expect.TryGetProperty("match", out var m) && !m.GetBoolean());
        }
    }

    [Fact]
    public void Every_sample_of_a_family_file_is_of_that_family()
    {
        foreach (var sample in SampleLine.All().Where(s => s.Expect.TryGetProperty("kind", out _)))
        {
            Assert.Equal(Path.GetFileNameWithoutExtension(sample.File), sample.Expect.GetProperty("kind").GetString());
        }
    }
}
