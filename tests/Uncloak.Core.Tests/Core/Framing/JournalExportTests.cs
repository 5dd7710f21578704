using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Framing;
using Uncloak.Core.Ingest;
using Xunit;

namespace Uncloak.Core.Tests.Framing;

public sealed class JournalExportTests
{
    [Fact]
    public void Export_entries_with_text_and_binary_messages_are_reassembled()
    {
        var ms = new MemoryStream();
        void Text(string s) => ms.Write(Encoding.UTF8.GetBytes(s));
        Text("__CURSOR=s=1\n__REALTIME_TIMESTAMP=1750133279123456\n_HOSTNAME=web1\nPRIORITY=6\n");
        Text("MESSAGE=TCP: request_sock_TCP: Possible SYN flooding on port 198.18.0.10:80. Sending cookies.\n\n");
        // A binary field: name, newline, 64-bit LE length, data (with an embedded newline), newline.
        var binary = Encoding.UTF8.GetBytes("nf_conntrack: nf_conntrack: table full, dropping packet\nsecond line");
        Text("__REALTIME_TIMESTAMP=1750133280000000\nMESSAGE\n");
        ms.Write(BitConverter.GetBytes((ulong)binary.Length));
        ms.Write(binary);
        Text("\n_HOSTNAME=web1\n\n");
        ms.Position = 0;

        var scanner = new LogScanner(LogFormat.JournalExport, DateTime.UtcNow, 1);
        var sink = new CollectingSink();
        scanner.Scan(new LineReader(ms), sink);

        Assert.Equal([EventKind.SynFlood, EventKind.ConntrackFull], sink.Events.Select(e => e.Kind));
        Assert.Equal(new DateTime(2025, 6, 17, 4, 7, 59, 123, DateTimeKind.Utc).AddTicks(4560), sink.Events[0].Time);
        Assert.Equal("web1", sink.Events[1].Host);
    }
}

internal sealed class CollectingSink : IEventSink
{
    public List<NetEvent> Events { get; } = [];

    public void Add(in NetEvent ev, ReadOnlySpan<byte> message) => Events.Add(ev);
}
