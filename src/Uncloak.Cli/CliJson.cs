using System.Text.Json;
using System.Text.Json.Serialization;
using Uncloak.Cli.Commands.Report;
using Uncloak.Cli.Commands.Watch;

namespace Uncloak.Cli;

/// <summary>
/// Source-generated JSON for the documents the CLI serialises from records (the other <c>--json</c> outputs are written
/// with <c>Utf8JsonWriter</c> by their renderers). Reflection-based serialisation does not survive the Native AOT build
/// the binary ships as; this context does. Property names are the records' names in snake_case.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CorrelationJson))]
[JsonSerializable(typeof(ReplaySummaryJson))]
internal sealed partial class CliJson : JsonSerializerContext
{
    /// <summary>The same context, indented, for documents a person may read. Built on first use: the generated
    /// <see cref="Default"/> lives in another part of this class, and static initialisers across parts run in no set order.</summary>
    public static CliJson Indented => field ??= new(new JsonSerializerOptions(Default.Options) { WriteIndented = true });
}
