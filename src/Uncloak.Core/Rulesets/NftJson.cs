using System.Text.Json;

namespace Uncloak.Core.Rulesets;

/// <summary>Shapes shared by the nftables JSON documents Uncloak renders (bans and the hardening policy).</summary>
internal static class NftJson
{
    /// <summary>The family and table every object Uncloak writes belongs to: Uncloak touches no other table.</summary>
    public static void Owner(Utf8JsonWriter w)
    {
        w.WriteString("family", BanSets.Family);
        w.WriteString("table", BanSets.Table);
    }

    /// <summary>One command of a batch: <c>{ "verb": { "kind": { … } } }</c>.</summary>
    public static void Command(Utf8JsonWriter w, string verb, string kind, Action body)
    {
        w.WriteStartObject();
        w.WriteStartObject(verb);
        w.WriteStartObject(kind);
        body();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
