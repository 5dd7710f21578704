using Uncloak.Core.Events;
using Uncloak.Core.Framing;
using Uncloak.Core.Ingest;

namespace Uncloak.Core.Forensics;

/// <summary>
/// The kernel messages of an incident's minutes, read through the same message catalog as <c>analyze</c>: per kind a
/// count, the link-down count and the first line of each kind as it was written (for the evidence list).
/// </summary>
public sealed class KernelEvidence : IEventSink
{
    private readonly Dictionary<EventKind, int> _counts = [];
    private readonly Dictionary<EventKind, string> _first = [];

    public IReadOnlyDictionary<EventKind, int> Counts => _counts;

    /// <summary>The first line of each kind, for the evidence list.</summary>
    public IReadOnlyDictionary<EventKind, string> FirstLines => _first;

    /// <summary>NIC link-down messages (a NicLink event in the Down form).</summary>
    public int LinkDowns { get; private set; }

    public long Lines { get; private set; }

    public int Count(EventKind kind) => _counts.GetValueOrDefault(kind);

    /// <summary>Reads kernel log text (kern.log, dmesg, /dev/kmsg or journal JSON: the format is detected).</summary>
    public static KernelEvidence Read(ReadOnlySpan<byte> text, DateTime reference)
    {
        var evidence = new KernelEvidence();
        var format = LogFormatDetector.Detect(text[..Math.Min(text.Length, 64 * 1024)], reference);
        var scanner = new LogScanner(format, reference, sourceId: 0);
        using var stream = new MemoryStream(text.ToArray(), writable: false);
        scanner.Scan(new LineReader(stream), evidence);
        evidence.Lines = scanner.Statistics.Lines;
        return evidence;
    }

    void IEventSink.Add(in NetEvent ev, ReadOnlySpan<byte> message)
    {
        _counts[ev.Kind] = _counts.GetValueOrDefault(ev.Kind) + 1;
        if (!_first.ContainsKey(ev.Kind))
        {
            _first[ev.Kind] = System.Text.Encoding.UTF8.GetString(message[..Math.Min(message.Length, 300)]);
        }
        if (ev.Kind == EventKind.NicLink && ev.Form == (byte)LinkState.Down)
        {
            LinkDowns++;
        }
    }
}
