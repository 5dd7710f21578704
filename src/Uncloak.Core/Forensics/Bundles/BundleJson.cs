using System.Text.Json.Serialization;

namespace Uncloak.Core.Forensics.Bundles;

/// <summary>Source-generated JSON for the bundle manifest (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(BundleManifest))]
public sealed partial class BundleJson : JsonSerializerContext;
