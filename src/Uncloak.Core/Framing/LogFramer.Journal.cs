using System.Text.Json;
using Uncloak.Core.Text;

namespace Uncloak.Core.Framing;

public sealed partial class LogFramer
{
    private FrameResult FrameJournalJson(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        if (line[0] != '{')
        {
            return FrameResult.Malformed;
        }
        try
        {
            return ReadJournalObject(line, out framed);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: CopyString refuses a string value that is not valid UTF-8.
            return FrameResult.Malformed;
        }
    }

    private FrameResult ReadJournalObject(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 4 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return FrameResult.Malformed;
        }
        long realtime = -1, monotonic = -1, sourceMonotonic = -1;
        int priority = -1;
        int messageLength = -1;
        int hostLength = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            bool isMessage = name.SequenceEqual("MESSAGE"u8);
            bool isRealtime = !isMessage && name.SequenceEqual("__REALTIME_TIMESTAMP"u8);
            bool isSourceMono = !isMessage && name.SequenceEqual("_SOURCE_MONOTONIC_TIMESTAMP"u8);
            bool isMono = !isMessage && name.SequenceEqual("__MONOTONIC_TIMESTAMP"u8);
            bool isHost = !isMessage && name.SequenceEqual("_HOSTNAME"u8);
            bool isPriority = !isMessage && name.SequenceEqual("PRIORITY"u8);
            if (!reader.Read())
            {
                return FrameResult.Malformed;
            }
            if (isMessage && reader.TokenType == JsonTokenType.StartArray)
            {
                // journald writes a MESSAGE that is not valid UTF-8 as an array of byte values.
                messageLength = 0;
                while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                {
                    if (reader.TryGetByte(out byte b) && messageLength < _scratch.Length)
                    {
                        _scratch[messageLength++] = b;
                    }
                }
                continue;
            }
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            if (reader.TokenType != JsonTokenType.String)
            {
                continue;
            }
            if (isMessage)
            {
                int len = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
                if (len > _scratch.Length)
                {
                    return FrameResult.Malformed;
                }
                messageLength = reader.CopyString(_scratch);
            }
            else if (isHost)
            {
                if (reader.ValueSpan.Length <= _host.Length && !reader.ValueIsEscaped)
                {
                    reader.ValueSpan.CopyTo(_host);
                    hostLength = reader.ValueSpan.Length;
                }
            }
            else if (isRealtime || isSourceMono || isMono || isPriority)
            {
                if (AsciiNumber.TryParseUInt64(reader.ValueSpan, out ulong v) && v <= long.MaxValue)
                {
                    if (isRealtime)
                    {
                        realtime = (long)v;
                    }
                    else if (isSourceMono)
                    {
                        sourceMonotonic = (long)v;
                    }
                    else if (isMono)
                    {
                        monotonic = (long)v;
                    }
                    else
                    {
                        priority = (int)Math.Min(v, 7);
                    }
                }
            }
        }
        if (messageLength < 0)
        {
            return FrameResult.Malformed;
        }
        DateTime time = default;
        if (realtime > 0 && realtime < 253_402_300_799_000_000L)
        {
            time = DateTime.UnixEpoch.AddTicks(realtime * 10);
        }
        framed = new FramedLine
        {
            Time = time,
            UptimeMicros = sourceMonotonic >= 0 ? sourceMonotonic : monotonic,
            Priority = priority,
            Host = _host.AsSpan(0, hostLength),
            Message = _scratch.AsSpan(0, messageLength),
            Framing = LineFraming.JournalJson,
        };
        return FrameResult.Record;
    }
}
