using System.Globalization;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary>
/// A rate limiter's count of hidden messages (see <see cref="RateLimitMessage"/>): <c>net_ratelimit:</c> counts network
/// messages only; the older <c>__ratelimit:</c> and <c>printk:</c> count every ratelimited printk of the kernel.
/// </summary>
public sealed class RateLimitFamily : MessageFamily
{
    public override EventKind Kind => EventKind.RateLimitSuppressed;

    public override string Name => "ratelimit_suppressed";

    public override IReadOnlyList<string> Anchors { get; } = [" callbacks suppressed", " messages suppressed"];

    public override IReadOnlyList<(byte Value, string Name)> Forms { get; } =
        [(RateLimitMessage.NetRatelimit, "net_ratelimit"), (RateLimitMessage.AnyRatelimit, "__ratelimit"), (RateLimitMessage.Printk, "printk")];

    public override Explanation Explanation => RateLimitMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => RateLimitMessage.TryParse(message, anchor, out ev);

    public override void WriteFields(in NetEvent ev, IDictionary<string, object> fields)
    {
        base.WriteFields(ev, fields);
        fields["count"] = ev.Count;
    }

    public override void Describe(in NetEvent ev, List<DescribedField> fields)
    {
        fields.Add(new("limiter", FormName(ev.Form) ?? "net_ratelimit", RateLimitMessage.CountsAnySubsystem(ev.Form)
            ? "one budget for every ratelimited kernel message of this era (network, block I/O, AppArmor…)"
            : "the budget all network messages share"));
        fields.Add(new("suppressed", ev.Count.ToString(CultureInfo.InvariantCulture), RateLimitMessage.CountsAnySubsystem(ev.Form)
            ? "kernel messages not printed, of any subsystem: network lines among them are a lower bound"
            : "network messages the kernel did not print"));
    }
}
