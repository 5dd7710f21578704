using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary><c>too many orphaned sockets</c> and the older <c>too many of orphaned sockets</c>.</summary>
public sealed class TooManyOrphansFamily : MessageFamily
{
    public override EventKind Kind => EventKind.TooManyOrphans;

    public override string Name => "too_many_orphans";

    public override IReadOnlyList<string> Anchors { get; } = ["too many orphaned sockets", "too many of orphaned sockets"];

    /// <summary>Both wordings share one prefix.</summary>
    public override IReadOnlyList<string> SearchPrefixes { get; } = ["too many o"];

    public override IReadOnlyList<(byte Value, string Name)> Forms { get; } =
        [(TcpMemoryMessage.Modern, "modern"), (TcpMemoryMessage.Legacy, "legacy")];

    public override Explanation Explanation => TcpMemoryMessage.OrphansExplanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => TcpMemoryMessage.TryParseOrphans(message, anchor, out ev);

    internal override void Replay(RareHistory history, in NetEvent ev, DateTime time)
        => history.AddDisruption(time, TimeSpan.FromMinutes(1), "too many orphans");
}
