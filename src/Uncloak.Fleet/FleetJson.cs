using System.Text.Json.Serialization;
using Uncloak.Fleet.Decisions;

namespace Uncloak.Fleet;

/// <summary>Source-generated JSON for what the fleet puts on the bus (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FleetDecision))]
[JsonSerializable(typeof(IReadOnlyList<FleetDecision>))]
[JsonSerializable(typeof(List<FleetDecision>))]
[JsonSerializable(typeof(Hosts.HostRecord))]
[JsonSerializable(typeof(Evidence.EvidenceRecord))]
internal sealed partial class FleetJson : JsonSerializerContext;
