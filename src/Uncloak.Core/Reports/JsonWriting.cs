using System.Text.Json;

namespace Uncloak.Core.Reports;

/// <summary>Small Utf8JsonWriter helpers shared by the JSON views.</summary>
public static class JsonWriting
{
    public static void WriteStrings(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }
}
