using System.Text.Json.Serialization;

namespace Uncloak.Daemon.Alerts;

/// <summary>
/// Source-generated JSON for the alert webhook body: reflection-based serialisation does not survive the Native AOT build
/// the daemon ships in. Property names are the record's names in snake_case (a contract with receivers).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WebhookAlertJson))]
internal sealed partial class AlertJson : JsonSerializerContext;
