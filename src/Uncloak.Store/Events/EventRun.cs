using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>Lines of one kind, form and listener in one minute: the first (by offset) with its text, how many, the last time.</summary>
internal sealed class EventRun(NetEvent first, string? text, long count, long last)
{
    public NetEvent First { get; set; } = first;
    public string? Text { get; set; } = text;
    public long Count { get; set; } = count;
    public long Last { get; set; } = last;
}
