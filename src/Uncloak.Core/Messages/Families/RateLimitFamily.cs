using System.Globalization;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary><c>net_ratelimit: N callbacks suppressed</c> and the old <c>printk: N messages suppressed.</c></summary>
public sealed class RateLimitFamily : MessageFamily
{
    public override EventKind Kind => EventKind.RateLimitSuppressed;

    public override string Name => "ratelimit_suppressed";

    public override IReadOnlyList<string> Anchors { get; } = [" callbacks suppressed", " messages suppressed"];

    public override Explanation Explanation => RateLimitMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => RateLimitMessage.TryParse(message, anchor, out ev);

    public override void WriteFields(in NetEvent ev, IDictionary<string, object> fields) => fields["count"] = ev.Count;

    public override void Describe(in NetEvent ev, List<DescribedField> fields)
        => fields.Add(new("suppressed", ev.Count.ToString(CultureInfo.InvariantCulture), "network messages the kernel did not print"));
}
