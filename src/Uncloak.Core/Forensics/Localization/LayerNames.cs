namespace Uncloak.Core.Forensics.Localization;

/// <summary>The names of <see cref="Layer"/> used in JSON (<c>application|host|shaper|nic|lan|upstream|unknown</c>).</summary>
public static class LayerNames
{
    public static string Name(this Layer layer) => layer switch
    {
        Layer.Application => "application",
        Layer.Host => "host",
        Layer.Shaper => "shaper",
        Layer.Nic => "nic",
        Layer.Lan => "lan",
        Layer.Upstream => "upstream",
        _ => "unknown",
    };

    public static bool TryParse(string name, out Layer layer)
    {
        foreach (var l in Enum.GetValues<Layer>())
        {
            if (l.Name() == name)
            {
                layer = l;
                return true;
            }
        }
        layer = Layer.Unknown;
        return false;
    }
}
