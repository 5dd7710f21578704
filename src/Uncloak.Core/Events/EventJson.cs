using System.Globalization;
using System.Text.Json;
using Uncloak.Core.Detection;

namespace Uncloak.Core.Events;

/// <summary>
/// Reads one event written as a JSON object with <see cref="EventFields"/> names (<c>time</c>, <c>kind</c>, <c>peer</c>,
/// <c>peer_port</c>, <c>local</c>, <c>local_port</c>, <c>form</c>, <c>tcp_flags</c>, <c>count</c>, <c>stalled_ms</c>): the <c>events.jsonl</c>
/// format of replay cases and of recorded socket/counter findings. Malformed input returns false with a reason.
/// </summary>
public static class EventJson
{
    public static bool TryParse(ReadOnlySpan<byte> json, out NetEvent ev, out string? problem)
    {
        ev = default;
        problem = null;
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            return TryRead(doc.RootElement, out ev, out problem);
        }
        catch (JsonException e)
        {
            problem = e.Message;
            return false;
        }
    }

    private static bool TryRead(JsonElement o, out NetEvent ev, out string? problem)
    {
        ev = default;
        problem = null;
        if (o.ValueKind != JsonValueKind.Object)
        {
            problem = "not a JSON object";
            return false;
        }
        if (!o.TryGetProperty("kind", out var kindEl) || kindEl.GetString() is not { } kindName || !EventKinds.TryParse(kindName, out var kind))
        {
            problem = "missing or unknown 'kind'";
            return false;
        }
        var e = new NetEvent { Kind = kind, UptimeMicros = -1 };
        foreach (var p in o.EnumerateObject())
        {
            switch (p.Name)
            {
                case "kind":
                    break;
                case "time":
                    if (!DateTime.TryParse(p.Value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
                    {
                        problem = $"'time' is not a time: {p.Value}";
                        return false;
                    }
                    e = e with { Time = DateTime.SpecifyKind(t, DateTimeKind.Utc) };
                    break;
                case "uptime_us":
                    e = e with { UptimeMicros = p.Value.GetInt64() };
                    break;
                case "peer":
                case "local":
                    if (!NetAddress.TryParse(p.Value.GetString() ?? "", out var a))
                    {
                        problem = $"'{p.Name}' is not an address: {p.Value}";
                        return false;
                    }
                    e = p.Name == "peer" ? e with { Peer = a } : e with { Local = a };
                    break;
                case "peer_port":
                    e = e with { PeerPort = p.Value.GetUInt16() };
                    break;
                case "local_port":
                    e = e with { LocalPort = p.Value.GetUInt16() };
                    break;
                case "count":
                    e = e with { Count = p.Value.GetInt64() };
                    break;
                case "stalled_ms":
                    e = e with { Millis = p.Value.GetInt32() };
                    break;
                case "form":
                    if (!FormNames.TryParse([kind], p.Value.GetString() ?? "", out var form))
                    {
                        problem = $"unknown form {p.Value} for {kindName}";
                        return false;
                    }
                    e = e with { Form = form.Form };
                    break;
                case "tcp_flags":
                    var flags = TcpFlags.None;
                    foreach (var part in (p.Value.GetString() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (!Enum.TryParse<TcpFlags>(part, true, out var f))
                        {
                            problem = $"unknown TCP flag {part}";
                            return false;
                        }
                        flags |= f;
                    }
                    e = e with { TcpFlags = flags, Protocol = 6 };
                    break;
                default:
                    break; // other EventFields (bytes_in_flight, text) are informative only
            }
        }
        ev = e;
        return true;
    }
}
