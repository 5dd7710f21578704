using System.Text.Json.Serialization;

namespace Uncloak.Store;

/// <summary>Source-generated JSON for the few values the store passes to SQLite's json_each.</summary>
[JsonSerializable(typeof(string[]), TypeInfoPropertyName = "StringArray")]
internal sealed partial class StoreJson : JsonSerializerContext;
