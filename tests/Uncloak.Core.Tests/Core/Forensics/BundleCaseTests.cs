using System.Text.Json;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Linux.Forensics;
using Xunit;

namespace Uncloak.Core.Tests.Forensics;

/// <summary>
/// Every folder under samples/forensics/bundles is a recorded incident bundle (manifest with SHA-256s, before/during
/// snapshots in the tools' text formats, probes, kernel lines) with an <c>expected.json</c>: the layer named first, every
/// layer named in rank order, the least confidence, and the kinds of evidence the verdict must cite. Adding a folder adds
/// a case.
/// </summary>
public sealed class BundleCaseTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "samples", "forensics", "bundles");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(Folder).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }
        return data;
    }

    [Fact]
    public void Every_layer_and_unknown_has_a_case_and_one_case_mixes_two_layers()
    {
        var expected = Directory.EnumerateDirectories(Folder)
            .Select(d => JsonDocument.Parse(File.ReadAllText(Path.Combine(d, "expected.json"))).RootElement).ToList();
        var firsts = expected.Select(e => e.GetProperty("layer").GetString()).ToHashSet();
        foreach (var layer in Enum.GetValues<Layer>())
        {
            Assert.Contains(layer.Name(), firsts);
        }
        Assert.Contains(expected, e => e.GetProperty("layers").GetArrayLength() >= 2);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bundle_is_localized_as_expected(string name)
    {
        var bundle = BundleReader.Read(Path.Combine(Folder, name));
        Assert.Empty(bundle.Problems);
        Assert.Equal(bundle.Manifest.Files.Count, bundle.Files.Count);
        var verdict = Localizer.Localize(BundleEvidence.Read(bundle.Files, bundle.Manifest.Start));
        var expect = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name, "expected.json"))).RootElement;

        Assert.Equal(expect.GetProperty("layer").GetString(), verdict.Layer.Name());
        Assert.Equal(expect.GetProperty("layers").EnumerateArray().Select(l => l.GetString()).ToArray(), verdict.Layers.Select(l => l.Layer.Name()).ToArray());
        Assert.InRange(verdict.Confidence, expect.GetProperty("minConfidence").GetDouble(), 1.0);
        foreach (var kind in expect.GetProperty("evidenceKinds").EnumerateArray())
        {
            Assert.Contains(verdict.Evidence, e => e.Kind == kind.GetString());
        }
        Assert.NotEmpty(verdict.Reasoning);
        Assert.StartsWith(verdict.Layer.Name(), verdict.Summary, StringComparison.Ordinal);
        if (verdict.Layer == Layer.Unknown)
        {
            Assert.Equal(0, verdict.Confidence);
        }
        else
        {
            Assert.Equal(verdict.Layers[0].Layer, verdict.Layer);
            Assert.True(verdict.Layers.Zip(verdict.Layers.Skip(1)).All(p => p.First.Score >= p.Second.Score), "layers are ranked by score");
        }
    }

    [Fact]
    public void A_forum_post_of_dumps_is_localized_like_a_bundle()
    {
        var post = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "samples", "forensics", "dumps", "forum-post.txt"));
        var verdict = Localizer.Localize(IncidentEvidence.FromDump(post));
        Assert.Equal(Layer.Application, verdict.Layer);
        Assert.Contains(verdict.Evidence, e => e.Kind == "socket" && e.Text.Contains("accept queue 4097 of backlog 4096", StringComparison.Ordinal));
        Assert.Contains(verdict.Evidence, e => e.Kind == "counter" && e.Text.Contains("since boot", StringComparison.Ordinal));
    }

    [Fact]
    public void A_link_still_down_is_not_called_a_flap()
    {
        var bundle = BundleReader.Read(Path.Combine(Folder, "nic-link-down"));
        var verdict = Localizer.Localize(BundleEvidence.Read(bundle.Files, bundle.Manifest.Start));
        Assert.Contains(verdict.Reasoning, r => r.Contains("is still down", StringComparison.Ordinal));
        Assert.DoesNotContain(verdict.Reasoning, r => r.Contains("came back", StringComparison.Ordinal));
    }

    [Fact]
    public void No_evidence_at_all_is_unknown_with_zero_confidence()
    {
        var verdict = Localizer.Localize(new IncidentEvidence());
        Assert.Equal(Layer.Unknown, verdict.Layer);
        Assert.Equal(0, verdict.Confidence);
        Assert.Empty(verdict.Layers);
        Assert.Equal("unknown: no evidence", verdict.Summary);
    }
}
