using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Core.Messages;
using Xunit;

namespace Uncloak.Core.Tests.Messages;

/// <summary>
/// fail2ban's guard: a pattern nobody has seen match is a pattern nobody has checked. Every anchor and every form
/// of every registered family must have at least one positive sample line that decodes to that family.
/// </summary>
public sealed class FamilyCoverageTests
{
    private static readonly DateTime LogEnd = new(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string> Families() => [.. MessageFamilies.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Families))]
    public void Every_anchor_of_a_family_has_a_positive_sample(string name)
    {
        var family = MessageFamilies.All.Single(f => f.Name == name);
        var positives = Positives(family);
        foreach (var anchor in family.Anchors)
        {
            Assert.True(positives.Any(p => p.Contains(anchor, StringComparison.Ordinal)),
                $"{name}: anchor '{anchor}' has no positive line in samples/{name}.log");
        }
    }

    /// <summary>
    /// The classifier searches for the prefixes only: an anchor that starts with none of them would never be found, and
    /// its lines would silently stop being recognised (the samples would show it only if that wording has one).
    /// </summary>
    [Theory]
    [MemberData(nameof(Families))]
    public void Every_anchor_of_a_family_starts_with_one_of_its_search_prefixes(string name)
    {
        var family = MessageFamilies.All.Single(f => f.Name == name);
        Assert.NotEmpty(family.SearchPrefixes);
        foreach (var anchor in family.Anchors)
        {
            Assert.True(family.SearchPrefixes.Any(p => anchor.StartsWith(p, StringComparison.Ordinal)),
                $"{name}: anchor '{anchor}' starts with none of the search prefixes [{string.Join(", ", family.SearchPrefixes)}]");
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Every_form_of_a_family_has_a_positive_sample(string name)
    {
        var family = MessageFamilies.All.Single(f => f.Name == name);
        var seen = SampleLine.Read(Path.Combine(SampleLine.SamplesDirectory, name + ".log"))
            .Select(s => LineDecoder.Decode(s.Line, LogEnd).Event)
            .Where(e => e is { } ev && ev.Kind == family.Kind)
            .Select(e => family.FormName(e!.Value.Form))
            .ToHashSet();
        foreach (var (_, form) in family.Forms)
        {
            Assert.True(seen.Contains(form), $"{name}: form '{form}' has no positive line in samples/{name}.log");
        }
    }

    [Fact]
    public void Every_log_kind_is_registered_once_and_named_by_its_family()
    {
        Assert.Equal(MessageFamilies.All.Count, MessageFamilies.All.Select(f => f.Kind).Distinct().Count());
        foreach (var family in MessageFamilies.All)
        {
            Assert.Same(family, MessageFamilies.For(family.Kind));
            Assert.Equal(family.Name, family.Kind.Name());
            Assert.Equal(family.Kind, family.Explanation.Kind);
            Assert.NotEmpty(family.Anchors);
        }
    }

    /// <summary>The lines of the family's sample file that decode to the family.</summary>
    private static List<string> Positives(MessageFamily family)
        => [.. SampleLine.Read(Path.Combine(SampleLine.SamplesDirectory, family.Name + ".log"))
            .Where(s => LineDecoder.Decode(s.Line, LogEnd).Event is { } ev && ev.Kind == family.Kind)
            .Select(s => s.Line)];
}
