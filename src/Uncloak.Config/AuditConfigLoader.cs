using Uncloak.Core.Audit;

namespace Uncloak.Config;

/// <summary>
/// The audit's configuration file (default ROOT/etc/uncloak/audit.yaml): checks the administrator has decided to live
/// with, each with a reason. Strict: unknown keys, a missing reason or an unknown check id are <see cref="ConfigError"/>s
/// with file:line:column, and every error is reported at once.
/// <code>
/// silence:
///   - id: nic.flow_control
///     subject: eth1            # optional: one interface or listener
///     reason: iSCSI fabric designed around pause frames
/// </code>
/// </summary>
public static class AuditConfigLoader
{
    /// <summary>The silences of <paramref name="path"/>; throws <see cref="ConfigException"/> with every error, or <see cref="IOException"/> when unreadable.</summary>
    public static IReadOnlyList<AuditSilence> LoadFile(string path) => Load(path, File.ReadAllText(path));

    /// <summary>The silences in <paramref name="text"/>, read as the file <paramref name="file"/>; throws <see cref="ConfigException"/> with every error.</summary>
    public static IReadOnlyList<AuditSilence> Load(string file, string text)
    {
        var errors = new List<ConfigError>();
        var silences = new List<AuditSilence>();
        foreach (var document in YamlFile.Documents(file, text, errors).Take(1))
        {
            if (YamlMap.Of(file, document, errors, "the audit config") is not { } root)
            {
                continue;
            }
            foreach (var entry in root.Maps("silence"))
            {
                string? id = entry.String("id");
                string? reason = entry.String("reason");
                string? subject = entry.String("subject");
                entry.Finish();
                if (string.IsNullOrWhiteSpace(id))
                {
                    entry.Errors.Add(new ConfigError(file, entry.Line, entry.Column, "silence entry without an id"));
                }
                else if (AuditChecks.ById(id) is null)
                {
                    entry.Errors.Add(new ConfigError(file, entry.Line, entry.Column, $"unknown check id '{id}' (see 'uncloak audit --list')"));
                }
                if (string.IsNullOrWhiteSpace(reason))
                {
                    entry.Errors.Add(new ConfigError(file, entry.Line, entry.Column, $"silencing '{id}' needs a reason"));
                }
                if (!string.IsNullOrWhiteSpace(id) && !string.IsNullOrWhiteSpace(reason))
                {
                    silences.Add(new AuditSilence(id, string.IsNullOrWhiteSpace(subject) ? null : subject, reason));
                }
            }
            root.Finish();
        }
        return errors.Count > 0 ? throw new ConfigException(errors) : silences;
    }
}
