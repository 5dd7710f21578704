using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// Everything Uncloak knows about one kernel message family, in one place: the literal anchors the classifier
/// searches for, the parser that reads fields from the bytes, the explanation <c>explain</c> prints, the named
/// fields JSON and the samples use, how <c>explain</c> describes one line, and what the family adds to the
/// time-ordered history analysis replays. <see cref="MessageFamilies.All"/> registers each once.
/// </summary>
public abstract class MessageFamily
{
    /// <summary>The event kind this family produces (its stored number lives in <see cref="EventKind"/>).</summary>
    public abstract EventKind Kind { get; }

    /// <summary>The stable snake_case name used in JSON, the store, the CLI and <c>samples/NAME.log</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Literal texts any message of the family contains, searched for all at once; the parser is called with the
    /// position where one was found. Each must appear in at least one positive sample line.
    /// </summary>
    public abstract IReadOnlyList<string> Anchors { get; }

    /// <summary>
    /// What the classifier's one vectorised search looks for on the family's behalf: short literals that every anchor
    /// starts with (the anchors themselves by default). A family with many wordings folds them into a few prefixes, since
    /// the search's cost grows with the number of values it holds, on every line, while the full anchors are compared
    /// only where a prefix was found. Every anchor must start with one of them.
    /// </summary>
    public virtual IReadOnlyList<string> SearchPrefixes => Anchors;

    /// <summary>
    /// The variants the family's <c>form</c> field names (the byte in <see cref="NetEvent.Form"/> and its name); empty
    /// when the family has no such field. Each needs a positive sample line.
    /// </summary>
    public virtual IReadOnlyList<(byte Value, string Name)> Forms => [];

    /// <summary>The name of a form value, or null when the family does not name it.</summary>
    public string? FormName(byte value)
    {
        foreach (var (v, name) in Forms)
        {
            if (v == value)
            {
                return name;
            }
        }
        return null;
    }

    /// <summary>What an expert would say about the family.</summary>
    public abstract Explanation Explanation { get; }

    /// <summary>
    /// Parses a message in which an anchor was found at <paramref name="anchor"/>. Returns false for anything that is
    /// not a well-formed message of the family; never throws. Allocates nothing but interned strings.
    /// </summary>
    internal abstract bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev);

    /// <summary>
    /// Adds the family's own named fields (beyond kind, time, host, addresses, ports, interface, driver); the default
    /// writes <c>form</c> from <see cref="Forms"/>.
    /// </summary>
    public virtual void WriteFields(in NetEvent ev, IDictionary<string, object> fields)
    {
        if (FormName(ev.Form) is { } form)
        {
            fields["form"] = form;
        }
    }

    /// <summary>Adds the family's fields as <c>explain</c> shows them, each with what it means for this very line.</summary>
    public virtual void Describe(in NetEvent ev, List<DescribedField> fields) => EventDescription.AddEndpoints(ev, fields);

    /// <summary>
    /// Folds one event, in time order, into the analysis's history (interfaces, listeners, disruption windows).
    /// <paramref name="time"/> is <c>default</c> when the line carried no clock. Families without history do nothing.
    /// </summary>
    internal virtual void Replay(RareHistory history, in NetEvent ev, DateTime time)
    {
    }
}
