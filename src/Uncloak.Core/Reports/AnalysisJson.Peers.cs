using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Uncloak.Core.Analysis;

namespace Uncloak.Core.Reports;

public static partial class AnalysisJson
{
    /// <summary>Peers are written in chunks of this many when a second thread writes every other chunk.</summary>
    internal const int PeerChunk = 128;

    /// <summary>From this many peers on, two threads write them (<see cref="WritePeers"/>).</summary>
    internal const int PeersWrittenInTwo = 4 * PeerChunk;

    /// <summary>How many chunks the second thread may have written ahead of the one the report is at.</summary>
    private const int ChunksAhead = 4;

    /// <summary>
    /// The "peers" array, the first <paramref name="count"/> of <paramref name="peers"/>. Tens of thousands of peers are
    /// most of a big report's text and were its last 35–40 ms, on one core while the other stood idle (the read and the
    /// store done; issue 18 item 6): from <paramref name="inTwoFrom"/> peers on, a second thread writes every other chunk
    /// of them into a buffer of its own, with the writer's own options, and this thread takes each chunk in in its turn.
    /// The text is byte for byte the one a single writer writes.
    /// </summary>
    internal static void WritePeers(Utf8JsonWriter w, IReadOnlyList<PeerStats> peers, int count, string clock, int inTwoFrom = PeersWrittenInTwo)
    {
        w.WriteStartArray("peers");
        if (count < inTwoFrom)
        {
            WritePeerRange(w, peers, 0, count, clock);
        }
        else
        {
            WritePeersInTwo(w, peers, count, clock);
        }
        w.WriteEndArray();
    }

    private static void WritePeersInTwo(Utf8JsonWriter w, IReadOnlyList<PeerStats> peers, int count, string clock)
    {
        int chunks = (count + PeerChunk - 1) / PeerChunk;
        var written = new byte[]?[chunks];
        using var ready = new SemaphoreSlim(0);
        using var room = new SemaphoreSlim(ChunksAhead);
        bool stop = false;
        var options = w.Options;
        var other = Task.Run(() =>
        {
            try
            {
                // Written inside an object and an array, as in the report, so that each peer is indented as it is there;
                // what comes before the first peer is cut off.
                var buffer = new ArrayBufferWriter<byte>(64 * 1024);
                using var chunk = new Utf8JsonWriter(buffer, options);
                for (int c = 1; c < chunks && !Volatile.Read(ref stop); c += 2)
                {
                    room.Wait();
                    buffer.ResetWrittenCount();
                    chunk.Reset();
                    chunk.WriteStartObject();
                    chunk.WriteStartArray("peers");
                    chunk.Flush();
                    int start = buffer.WrittenCount;
                    WritePeerRange(chunk, peers, c * PeerChunk, Math.Min(count, (c + 1) * PeerChunk), clock);
                    chunk.Flush();
                    written[c] = buffer.WrittenSpan[start..].ToArray();
                    ready.Release();
                }
            }
            finally
            {
                ready.Release(chunks); // also on a failure, which leaves its chunk unwritten: the report's thread sees that and rethrows
            }
        });
        try
        {
            for (int c = 0; c < chunks; c++)
            {
                if ((c & 1) == 0)
                {
                    WritePeerRange(w, peers, c * PeerChunk, Math.Min(count, (c + 1) * PeerChunk), clock);
                    continue;
                }
                ready.Wait();
                if (written[c] is not { } text)
                {
                    other.GetAwaiter().GetResult();
                    throw new InvalidOperationException("a chunk of peers was not written"); // not reached: the task failed
                }
                written[c] = null;
                room.Release();
                // After a peer the writer puts the separator; the chunk starts with the line break and indentation a peer
                // there starts with.
                w.WriteRawValue(text, skipInputValidation: true);
                if (w.BytesPending > 1 << 16)
                {
                    w.Flush();
                }
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            room.Release(ChunksAhead);
            other.GetAwaiter().GetResult();
        }
    }

    private static void WritePeerRange(Utf8JsonWriter w, IReadOnlyList<PeerStats> peers, int from, int to, string clock)
    {
        Span<(ushort Port, long Count)> top = stackalloc (ushort, long)[10];
        Span<byte> name = stackalloc byte[5];
        Span<byte> address = stackalloc byte[64];
        for (int i = from; i < to; i++)
        {
            var p = peers[i];
            w.WriteStartObject();
            if (p.Address.TryFormat(address, out int length))
            {
                w.WriteString(Names.Address, address[..length]);
            }
            else
            {
                w.WriteString(Names.Address, p.Address.ToString()); // 64 bytes hold any address: not reached
            }
            w.WriteNumber(Names.Total, p.Counts.Total);
            WriteCounts(w, Names.Events, p.Counts);
            WriteTime(w, Names.First, p.First == DateTime.MaxValue ? null : p.First, clock);
            WriteTime(w, Names.Last, p.Last == DateTime.MinValue ? null : p.Last, clock);
            w.WriteNumber(Names.DistinctLocalPorts, p.DistinctLocalPorts);
            w.WriteStartObject(Names.LocalPorts);
            foreach (var (port, count) in top[..p.LocalPorts.CopyTop(top)])
            {
                Utf8Formatter.TryFormat(port, name, out int written);
                w.WriteNumber(name[..written], count);
            }
            w.WriteEndObject();
            w.WriteEndObject();
            if (w.BytesPending > 1 << 16)
            {
                w.Flush(); // tens of thousands of peers: hand the text on instead of holding all of it
            }
        }
    }
}
