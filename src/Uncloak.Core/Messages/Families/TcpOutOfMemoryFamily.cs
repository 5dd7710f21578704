using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary>TCP memory exhausted: <c>out of memory -- consider tuning tcp_mem</c> and the older <c>Out of socket memory</c>.</summary>
public sealed class TcpOutOfMemoryFamily : MessageFamily
{
    public override EventKind Kind => EventKind.TcpOutOfMemory;

    public override string Name => "tcp_out_of_memory";

    public override IReadOnlyList<string> Anchors { get; } = ["out of memory -- consider tuning tcp_mem", "Out of socket memory"];

    public override IReadOnlyList<(byte Value, string Name)> Forms { get; } =
        [(TcpMemoryMessage.Modern, "modern"), (TcpMemoryMessage.Legacy, "legacy")];

    public override Explanation Explanation => TcpMemoryMessage.OutOfMemoryExplanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => TcpMemoryMessage.TryParseOutOfMemory(message, anchor, out ev);

    internal override void Replay(RareHistory history, in NetEvent ev, DateTime time)
        => history.AddDisruption(time, TimeSpan.FromMinutes(1), "tcp out of memory");
}
