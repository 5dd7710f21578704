using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary>The pre-2.6.37 <c>time wait bucket table overflow</c>.</summary>
public sealed class TimeWaitOverflowFamily : MessageFamily
{
    public override EventKind Kind => EventKind.TimeWaitOverflow;

    public override string Name => "time_wait_overflow";

    public override IReadOnlyList<string> Anchors { get; } = ["time wait bucket table overflow"];

    public override IReadOnlyList<(byte Value, string Name)> Forms { get; } = [(TcpMemoryMessage.Legacy, "legacy")];

    public override Explanation Explanation => TcpMemoryMessage.TimeWaitExplanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => TcpMemoryMessage.TryParseTimeWait(message, anchor, out ev);
}
