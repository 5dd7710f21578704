using System.Text;
using System.Text.Json;

namespace Uncloak.Cli.Rendering;

/// <summary>
/// Writes a JSON document to a text writer as it is produced. Reports of a big log run to megabytes; building the
/// whole document in memory first, then a string of it, held it three times at the moment memory peaks.
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
            using (var w = new Utf8JsonWriter(stdout, Options))
            {
                write(w);
            }
        }
        else
        {
            using (var stream = new TextWriterStream(output))
            using (var w = new Utf8JsonWriter(stream, Options))
            {
                write(w);
            }
        }
        output.WriteLine();
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
