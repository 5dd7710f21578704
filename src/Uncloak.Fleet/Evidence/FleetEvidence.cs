using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Uncloak.Config;
using Uncloak.Core.Forensics.Fleet;

namespace Uncloak.Fleet.Evidence;

/// <summary>
/// The fleet's evidence stream: every host publishes its outages and per-peer alert summaries under
/// <c>uncloak.evidence.&lt;host&gt;.&lt;kind&gt;.&lt;id&gt;</c>; the stream keeps the last record per subject, for a
/// bounded age and size, so <c>uncloak fleet report</c> reads the whole fleet's recent history in one pass.
/// </summary>
public static class FleetEvidence
{
    public const string Stream = "uncloak-evidence";

    public const string SubjectRoot = "uncloak.evidence";

    /// <summary>Evidence older than this is dropped by the server.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    /// <summary>The stream's size cap: about a million small records, whatever the fleet's size.</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    /// <summary>
    /// The subject of one record: tokens are the host, the kind and the record's own id, with the characters NATS gives
    /// a meaning ('.', '*', '>', spaces) written as '-' or '_' so an address (<c>198.18.1.2</c>, <c>2001:2::1</c>) is one token.
    /// </summary>
    public static string Subject(string host, string kind, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return $"{SubjectRoot}.{host}.{kind}.{Token(id)}";
    }

    private static string Token(string s)
    {
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            b.Append(c switch { '.' => '-', ':' or '*' or '>' or ' ' or '\t' => '_', _ => c });
        }
        return b.ToString();
    }

    /// <summary>The stream, created (the configured replicas, last record per subject, bounded by age and bytes) when missing.</summary>
    internal static async Task OpenAsync(NatsJSContext js, int replicas, CancellationToken cancel)
    {
        try
        {
            await js.GetStreamAsync(Stream, cancellationToken: cancel).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            await js.CreateStreamAsync(new StreamConfig(Stream, [SubjectRoot + ".>"])
            {
                Description = "Uncloak: outages and per-peer alert summaries of every fleet host",
                NumReplicas = replicas,
                Storage = StreamConfigStorage.File,
                MaxAge = MaxAge,
                MaxBytes = MaxBytes,
                MaxMsgsPerSubject = 1,
                Discard = StreamConfigDiscard.Old,
            }, cancel).ConfigureAwait(false);
        }
    }

    internal static async Task PublishAsync(NatsJSContext js, string subject, EvidenceRecord record, CancellationToken cancel)
    {
        var ack = await js.PublishAsync(subject, JsonSerializer.SerializeToUtf8Bytes(record, FleetJson.Default.EvidenceRecord), NatsRawSerializer<byte[]>.Default, cancellationToken: cancel).ConfigureAwait(false);
        ack.EnsureSuccess();
    }

    /// <summary>
    /// Every record on the stream now, read with this host's fleet credentials. A record that is not JSON, or whose host
    /// is not the one in its subject (written by another host's credentials), is counted as skipped.
    /// Throws <see cref="NatsException"/> (or <see cref="TimeoutException"/>) when the cluster cannot be read.
    /// </summary>
    public static async Task<(IReadOnlyList<EvidenceRecord> Records, int Skipped)> ReadAsync(FleetConfig config, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(config);
        await using var nats = new NatsConnection(FleetConnection.Options(config) with { MaxReconnectRetry = 0 });
        await nats.ConnectAsync().ConfigureAwait(false);
        var js = new NatsJSContext(nats);
        INatsJSStream stream;
        try
        {
            stream = await js.GetStreamAsync(Stream, cancellationToken: cancel).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return ([], 0);
        }
        var records = new List<EvidenceRecord>();
        int skipped = 0;
        if (stream.Info.State.Messages == 0)
        {
            return (records, 0);
        }
        var consumer = await js.CreateOrderedConsumerAsync(Stream, cancellationToken: cancel).ConfigureAwait(false);
        await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, cancellationToken: cancel).ConfigureAwait(false))
        {
            if (TryRead(msg.Subject, msg.Data) is { } r)
            {
                records.Add(r);
            }
            else
            {
                skipped++;
            }
            if (msg.Metadata is not { NumPending: > 0 })
            {
                break;
            }
        }
        return (records, skipped);
    }

    private static EvidenceRecord? TryRead(string subject, byte[]? data)
    {
        var parts = subject.Split('.');
        if (parts.Length < 5 || data is null)
        {
            return null;
        }
        try
        {
            var r = JsonSerializer.Deserialize(data, FleetJson.Default.EvidenceRecord);
            return r is not null && r.Host == parts[2] && r.Kind == parts[3] ? r : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The records as the timeline's inputs (a record missing a field it needs is left out).</summary>
    public static FleetTimelineReport Timeline(IEnumerable<EvidenceRecord> records, DateTime now)
    {
        var list = records.ToList();
        var outages = list.Where(r => r is { Kind: EvidenceRecord.Outage, Probe: not null, Start: not null })
            .Select(r => new FleetOutage(r.Host, r.Probe!, r.Start!.Value, r.End, r.Cause ?? "", r.Of));
        var alerts = list.Where(r => r is { Kind: EvidenceRecord.Peer, PeerAddress: not null, Scenario: not null, First: not null, Last: not null })
            .Select(r => new FleetPeerAlert(r.Host, r.PeerAddress!, r.Scenario!, r.Alerts, r.First!.Value, r.Last!.Value));
        // Hosts probe on their own intervals (10 s by default): one upstream failure starts up to a round apart.
        var incidents = list.Where(r => r is { Kind: EvidenceRecord.Incident, IncidentId: not null, Start: not null })
            .Select(r => new FleetIncident(r.Host, r.IncidentId!, r.Probe ?? "", r.Start!.Value, r.End, r.Layer ?? "unknown", r.Confidence, r.Summary ?? ""))
            .OrderBy(i => i.Start).ThenBy(i => i.Host, StringComparer.Ordinal).ToList();
        return FleetTimeline.Build(outages, alerts, now, TimeSpan.FromSeconds(30)) with { Incidents = incidents };
    }
}
