using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Uncloak.Config;

/// <summary>Loads a YAML file's documents, turning syntax errors into located <see cref="ConfigError"/>s.</summary>
internal static class YamlFile
{
    public static IReadOnlyList<YamlNode> Documents(string displayName, string text, List<ConfigError> errors)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            errors.Add(new ConfigError(displayName, (int)e.Start.Line, (int)e.Start.Column, "YAML syntax: " + (e.InnerException?.Message ?? e.Message)));
            return [];
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up on some unclosed flow collections ("kinds: {treason" then a newline) with a bare
            // InvalidOperationException instead of a YamlException; the last event it parsed is where the trouble starts.
            var at = parser.Current?.Start ?? Mark.Empty;
            errors.Add(new ConfigError(displayName, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column), "YAML syntax: an unclosed flow collection ({ … } or [ … ]) or a line the scanner cannot read"));
            return [];
        }
        return [.. stream.Documents.Select(d => d.RootNode).Where(n => n is not YamlScalarNode { Value: null or "" })];
    }
}
