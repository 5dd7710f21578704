using System.IO.Compression;
using System.Security.Cryptography;
using Uncloak.Core.Wire;
using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Files;

/// <summary>
/// A packet capture (pcap or pcapng, optionally gzipped) opened for <see cref="CaptureReader"/>. Its identity, like a
/// log's, is the hash of its first 4 KiB, so the store recognises the same capture under another name.
/// </summary>
public sealed class CaptureInput : IDisposable
{
    private const int IdentitySize = 4096;

    private CaptureInput(string name, Stream stream, CaptureReader reader, byte[] identity, bool compressed, long? length)
    {
        Name = name;
        Stream = stream;
        Reader = reader;
        Identity = identity;
        Compressed = compressed;
        Length = length;
    }

    public string Name { get; }

    public Stream Stream { get; }

    public CaptureReader Reader { get; }

    public byte[] Identity { get; }

    public bool Compressed { get; }

    /// <summary>The file's size on disk, when it is a regular file.</summary>
    public long? Length { get; }

    public string FormatName => (Reader.Format == CaptureFormat.PcapNg ? "pcapng" : "pcap") + (Compressed ? "+gzip" : "");

    /// <summary>True when <paramref name="path"/> is a regular file that starts with a capture's magic (gzipped or not).</summary>
    public static bool IsCapture(string path)
    {
        // Only a regular file is peeked at: opening a FIFO would wait for its writer, and reading its first bytes here
        // would take them from the log reader that opens it next.
        if (path == "-" || !Libc.TryFileType(path, out int type, out _) || type != Libc.S_IFREG)
        {
            return false;
        }
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
            Span<byte> head = stackalloc byte[4];
            int n = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
            {
                stream.Position = 0;
                using var gz = new GZipStream(stream, CompressionMode.Decompress);
                n = gz.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            }
            return n == 4 && CaptureReader.Detect(head) != CaptureFormat.Unknown;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Unreadable here means "not recognisably a capture": the log path then reports the real problem.
            return false;
        }
    }

    /// <summary>Opens a capture; throws <see cref="LogInputException"/> naming the file for every expected failure.</summary>
    public static CaptureInput Open(string path)
    {
        try
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
            var head = new byte[IdentitySize];
            int n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            bool compressed = n >= 2 && head[0] == 0x1f && head[1] == 0x8b;
            file.Position = 0;
            Stream stream = compressed ? new GZipStream(file, CompressionMode.Decompress) : file;
            if (compressed)
            {
                using var peek = new GZipStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), CompressionMode.Decompress);
                n = peek.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            }
            byte[] identity = SHA256.HashData(head.AsSpan(0, n));
            if (!CaptureReader.TryOpen(stream, out var reader, out string? problem))
            {
                stream.Dispose();
                throw new LogInputException(path, problem!);
            }
            return new CaptureInput(path, stream, reader!, identity, compressed, file.Length);
        }
        catch (UnauthorizedAccessException)
        {
            throw new LogInputException(path, "permission denied");
        }
        catch (Exception e) when (e is IOException or InvalidDataException && e is not LogInputException)
        {
            throw new LogInputException(path, e.Message);
        }
    }

    public void Dispose() => Stream.Dispose();
}
