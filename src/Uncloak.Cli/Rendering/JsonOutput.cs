using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Uncloak.Cli.Rendering;

/// <summary>
/// Writes a JSON document to a text writer as it is produced. Reports of a big log run to megabytes; building the
/// whole document in memory first, then a string of it, held it three times at the moment memory peaks. A
/// Utf8JsonWriter over a Stream still buffers the whole document until it is flushed (in a buffer that doubles: 32 MB
/// and its 16 MB predecessor for a 22 MB report, +40 MB at the analysis's memory peak, issue 18 item 6), so it writes to
/// a <see cref="ChunkWriter"/> instead, which hands each filled chunk to the stream at once.
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        if (ReferenceEquals(output, Console.Out) && Console.OutputEncoding.CodePage == Encoding.UTF8.CodePage)
        {
            // Standard output takes the UTF-8 bytes as they are: through the TextWriter they were decoded into characters
            // and encoded back, twice the work for a report of tens of megabytes (issue 18 item 6).
            output.Flush();
            using (var stdout = Console.OpenStandardOutput())
            {
                WriteChunked(stdout, write);
            }
        }
        else
        {
            using (var stream = new TextWriterStream(output))
            {
                WriteChunked(stream, write);
            }
        }
        output.WriteLine();
    }

    private static void WriteChunked(Stream stream, Action<Utf8JsonWriter> write)
    {
        var chunks = new ChunkWriter(stream);
        using (var w = new Utf8JsonWriter(chunks, Options))
        {
            write(w);
        }
        stream.Flush();
    }

    /// <summary>
    /// One reused buffer: what the JSON writer commits (whenever its current chunk is full, and at its end) goes to
    /// the stream straight away, so memory stays at one chunk whatever the document's size.
    /// </summary>
    private sealed class ChunkWriter(Stream stream) : IBufferWriter<byte>
    {
        private const int ChunkSize = 64 * 1024;
        private byte[] _buffer = new byte[ChunkSize];

        public void Advance(int count) => stream.Write(_buffer, 0, count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (sizeHint > _buffer.Length)
            {
                _buffer = new byte[sizeHint];
            }
            return _buffer;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    /// <summary>UTF-8 bytes in, characters out; a decoder keeps characters whole across flushes.</summary>
    private sealed class TextWriterStream(TextWriter output) : Stream
    {
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
        private char[] _chars = new char[4096];

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int max = _decoder.GetCharCount(buffer, flush: false);
            if (max > _chars.Length)
            {
                _chars = new char[max];
            }
            int n = _decoder.GetChars(buffer, _chars, flush: false);
            output.Write(_chars, 0, n);
        }

        public override void Flush() => output.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
