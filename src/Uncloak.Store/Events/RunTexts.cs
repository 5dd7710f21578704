namespace Uncloak.Store.Events;

/// <summary>
/// The message texts the runs of one reader keep (<see cref="EventRuns"/>, <see cref="LinkRuns"/>), decoded once per
/// distinct text instead of once per run: the repetitive kinds say the same words minute after minute ("table full,
/// dropping packet", one link-up wording per NIC), and a string per run was most of what a reader's store side
/// allocated on a dense log. A text is looked up by its bytes among the last few decoded, so a text that changes with
/// every line costs one compare per slot before it is decoded as before. Not thread-safe: one per reader.
/// </summary>
internal sealed class RunTexts
{
    private const int Slots = 16;

    private readonly byte[]?[] _bytes = new byte[Slots][];
    private readonly string[] _texts = new string[Slots];
    private int _next;

    /// <summary>The text a row keeps for <paramref name="message"/> (<see cref="EventRuns.Text"/>), the same string as last time when the bytes are.</summary>
    public string Get(ReadOnlySpan<byte> message)
    {
        var kept = message[..Math.Min(message.Length, EventRuns.MaxText)];
        for (int i = 0; i < Slots; i++)
        {
            if (_bytes[i] is { } bytes && kept.SequenceEqual(bytes))
            {
                return _texts[i];
            }
        }
        string text = EventRuns.Text(kept);
        _bytes[_next] = kept.ToArray();
        _texts[_next] = text;
        _next = (_next + 1) % Slots;
        return text;
    }
}
