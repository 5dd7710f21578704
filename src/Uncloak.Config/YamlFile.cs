using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Uncloak.Config;

/// <summary>Loads a YAML file's documents, turning syntax errors into located <see cref="ConfigError"/>s.</summary>
internal static class YamlFile
{
    public static IReadOnlyList<YamlNode> Documents(string displayName, string text, List<ConfigError> errors)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            errors.Add(new ConfigError(displayName, (int)e.Start.Line, (int)e.Start.Column, "YAML syntax: " + (e.InnerException?.Message ?? e.Message)));
            return [];
        }
        return [.. stream.Documents.Select(d => d.RootNode).Where(n => n is not YamlScalarNode { Value: null or "" })];
    }
}
