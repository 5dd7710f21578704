using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Framing;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Ingest;

/// <summary>The result of decoding one pasted line: its transport, the kernel message inside, and the event if it is one.</summary>
public sealed record DecodedLine(LogFormat Format, string Message, NetEvent? Event);

/// <summary>Decodes a single line in whatever transport it was copied from (used by `explain`).</summary>
public static class LineDecoder
{
    public static DecodedLine Decode(string line, DateTime reference)
    {
        var bytes = Encoding.UTF8.GetBytes(line.TrimEnd('\r', '\n'));
        var format = LogFormatDetector.Detect(bytes, reference);
        if (format is LogFormat.Unknown or LogFormat.JournalExport)
        {
            format = LogFormat.Dmesg;
        }
        var framer = new LogFramer(format, reference);
        if (framer.Frame(bytes, out var framed) != FrameResult.Record)
        {
            framer = new LogFramer(LogFormat.Dmesg, reference);
            framer.Frame(bytes, out framed);
            format = LogFormat.Dmesg;
        }
        var classifier = new MessageClassifier();
        NetEvent? ev = null;
        if (classifier.TryParse(framed.Message, out var parsed))
        {
            ev = parsed with
            {
                Time = framed.Time,
                UptimeMicros = framed.UptimeMicros,
                Host = framed.Host.IsEmpty ? null : Encoding.UTF8.GetString(framed.Host),
            };
        }
        return new DecodedLine(format, Encoding.UTF8.GetString(framed.Message), ev);
    }
}
