using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Framing;
using Uncloak.Core.Ingest;
using Uncloak.Core.Messages;
using Uncloak.Core.Tests.Messages;
using Xunit;

namespace Uncloak.Core.Tests.Ingest;

/// <summary>
/// Property tests: no byte sequence crashes a parser. Random bytes alone rarely reach deep parser paths,
/// so most cases are mutations of real sample lines (bytes flipped, cut, duplicated, spliced).
/// </summary>
public sealed class ParserRobustnessTests
{
    private static readonly string[] Seeds = [.. SampleLine.All().Select(s => s.Line)];

    [Fact]
    public void No_byte_sequence_crashes_the_classifier_framers_or_decoder()
    {
        var rnd = new Random(20251125);
        var classifier = new MessageClassifier();
        var framers = Enum.GetValues<LogFormat>().Where(f => f != LogFormat.Unknown && f != LogFormat.JournalExport)
            .Select(f => new LogFramer(f, new DateTime(2025, 12, 31))).ToArray();
        int parsed = 0;
        for (int i = 0; i < 60_000; i++)
        {
            var input = Mutate(rnd, i);
            if (classifier.TryParse(input, out var ev))
            {
                parsed++;
                _ = EventFields.Of(ev);
                _ = EventDescription.Describe(ev);
            }
            foreach (var f in framers)
            {
                if (f.Frame(input, out var framed) == FrameResult.Record)
                {
                    classifier.TryParse(framed.Message, out _);
                }
            }
            NetAddress.TryParse(input.AsSpan(0, Math.Min(input.Length, 50)), out _);
        }
        // The mutations keep many lines valid: if nothing parsed, the test would prove nothing.
        Assert.True(parsed > 1000, $"only {parsed} mutated lines parsed");
    }

    [Fact]
    public void A_scan_of_garbage_counts_lines_and_never_throws()
    {
        var rnd = new Random(5);
        var bytes = new byte[2_000_000];
        rnd.NextBytes(bytes);
        foreach (var format in new[] { LogFormat.Syslog, LogFormat.Kmsg, LogFormat.JournalJson, LogFormat.JournalExport, LogFormat.Dmesg })
        {
            var scanner = new LogScanner(format, DateTime.UtcNow, 1);
            scanner.Scan(new LineReader(new MemoryStream(bytes)), new Framing.CollectingSink());
            Assert.True(scanner.Statistics.Lines > 0);
        }
    }

    [Fact]
    public void Good_lines_around_nul_bytes_and_garbage_are_still_counted()
    {
        var text = "Jun 17 04:07:59 web1 kernel: TCP: Treason uncloaked! Peer 1.2.3.4:1/80 shrinks window 1:2. Repaired.\n" +
                   "\0\0\0\u0001\u0002 binary junk \0\n" +
                   "Jun 17 04:08:00 web1 kernel: nf_conntrack: nf_conntrack: table full, dropping packet\n";
        var scanner = new LogScanner(LogFormat.Syslog, new DateTime(2025, 12, 1), 1);
        var sink = new Framing.CollectingSink();
        scanner.Scan(new LineReader(new MemoryStream(Encoding.UTF8.GetBytes(text))), sink);
        // The NUL runs are skipped as damage; the binary text between them, cut off by the second run, is malformed.
        Assert.Equal(4, scanner.Statistics.Lines);
        Assert.Equal(1, scanner.Statistics.Malformed);
        Assert.Equal(1, scanner.Statistics.Damaged);
        Assert.Equal((2L, 104L), scanner.Statistics.FirstMalformed);
        Assert.Equal([new ByteRange(101, 3), new ByteRange(119, 1)], scanner.Statistics.DamagedRanges);
        Assert.Equal([EventKind.Treason, EventKind.ConntrackFull], sink.Events.Select(e => e.Kind));
    }

    private static byte[] Mutate(Random rnd, int i)
    {
        if (i % 10 == 0)
        {
            var random = new byte[rnd.Next(0, 300)];
            rnd.NextBytes(random);
            return random;
        }
        var b = Encoding.UTF8.GetBytes(Seeds[rnd.Next(Seeds.Length)]).ToList();
        int edits = rnd.Next(0, 4);
        for (int e = 0; e < edits && b.Count > 0; e++)
        {
            int at = rnd.Next(b.Count);
            switch (rnd.Next(5))
            {
                case 0: b[at] = (byte)rnd.Next(256); break;
                case 1: b.RemoveRange(at, b.Count - at); break;
                case 2: b.InsertRange(at, b.GetRange(at, Math.Min(10, b.Count - at))); break;
                case 3: b[at] = (byte)"0123456789:./ ,"[rnd.Next(15)]; break;
                default:
                    var splice = Encoding.UTF8.GetBytes(Seeds[rnd.Next(Seeds.Length)]);
                    b.InsertRange(at, splice[..Math.Min(20, splice.Length)]);
                    break;
            }
        }
        return [.. b];
    }
}
