using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Uncloak.Core.Audit;

namespace Uncloak.Cli.Commands.Audit;

/// <summary>
/// The audit's configuration file (default ROOT/etc/uncloak/audit.yaml): checks the administrator has decided to live
/// with, each with a reason. Strict: unknown keys, a missing reason or an unknown check id are errors with file:line,
/// and every error is reported at once.
/// <code>
/// silence:
///   - id: nic.flow_control
///     subject: eth1            # optional: one interface or listener
///     reason: iSCSI fabric designed around pause frames
/// </code>
/// </summary>
public static class AuditConfigFile
{
    public static (IReadOnlyList<AuditSilence> Silences, IReadOnlyList<string> Errors) Load(string path)
    {
        var silences = new List<AuditSilence>();
        var errors = new List<string>();
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            return ([], [$"{path}:{ex.Start.Line}: {ex.Message}"]);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return ([], []);
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return ([], [$"{path}:{stream.Documents[0].RootNode.Start.Line}: expected a mapping with a 'silence' list"]);
        }
        foreach (var (key, value) in root.Children)
        {
            string k = (key as YamlScalarNode)?.Value ?? "";
            if (k != "silence")
            {
                errors.Add($"{path}:{key.Start.Line}: unknown key '{k}' (known: silence)");
                continue;
            }
            if (value is not YamlSequenceNode list)
            {
                errors.Add($"{path}:{value.Start.Line}: 'silence' must be a list of {{id, reason[, subject]}}");
                continue;
            }
            foreach (var item in list)
            {
                if (item is not YamlMappingNode entry)
                {
                    errors.Add($"{path}:{item.Start.Line}: each silence entry must be a mapping with id and reason");
                    continue;
                }
                string? id = null, reason = null, subject = null;
                foreach (var (ek, ev) in entry.Children)
                {
                    string name = (ek as YamlScalarNode)?.Value ?? "";
                    string? text = (ev as YamlScalarNode)?.Value;
                    switch (name)
                    {
                        case "id": id = text; break;
                        case "reason": reason = text; break;
                        case "subject": subject = text; break;
                        default: errors.Add($"{path}:{ek.Start.Line}: unknown key '{name}' (known: id, reason, subject)"); break;
                    }
                }
                if (string.IsNullOrWhiteSpace(id))
                {
                    errors.Add($"{path}:{entry.Start.Line}: silence entry without an id");
                }
                else if (AuditChecks.ById(id) is null)
                {
                    errors.Add($"{path}:{entry.Start.Line}: unknown check id '{id}' (see 'uncloak audit --list')");
                }
                if (string.IsNullOrWhiteSpace(reason))
                {
                    errors.Add($"{path}:{entry.Start.Line}: silencing '{id}' needs a reason");
                }
                if (!string.IsNullOrWhiteSpace(id) && !string.IsNullOrWhiteSpace(reason))
                {
                    silences.Add(new AuditSilence(id, string.IsNullOrWhiteSpace(subject) ? null : subject, reason));
                }
            }
        }
        return (silences, errors);
    }
}
