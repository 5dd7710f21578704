using Uncloak.Core.Rulesets;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

public sealed class LineDiffTests
{
    [Fact]
    public void Changed_lines_show_as_removed_then_added_and_the_rest_as_kept()
    {
        var diff = LineDiff.Compute("a\nb\nc\n", "a\nB\nc\nd\n");
        Assert.Equal(["  a", "- b", "+ B", "  c", "+ d"], diff);
        Assert.True(LineDiff.HasChanges(diff));
    }

    [Fact]
    public void Identical_texts_have_no_changes_and_an_empty_old_text_is_all_additions()
    {
        Assert.False(LineDiff.HasChanges(LineDiff.Compute("x\ny\n", "x\ny\n")));
        Assert.Equal(["+ x"], LineDiff.Compute("", "x\n"));
    }
}
