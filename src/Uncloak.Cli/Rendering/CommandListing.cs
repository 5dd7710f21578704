using System.CommandLine;
using System.Text;

namespace Uncloak.Cli.Rendering;

/// <summary>What <c>uncloak</c> or <c>uncloak NOUN</c> without a verb prints: the verbs there are, one line each.</summary>
public static class CommandListing
{
    public static string For(Command noun, RootCommand root)
    {
        string path = ReferenceEquals(noun, root) ? "uncloak" : "uncloak " + noun.Name;
        var sb = new StringBuilder();
        sb.Append(path).Append(": which ").Append(ReferenceEquals(noun, root) ? "command" : "verb").Append("? One of:\n");
        int width = noun.Subcommands.Where(c => !c.Hidden).Max(c => c.Name.Length);
        foreach (var c in noun.Subcommands.Where(c => !c.Hidden))
        {
            string summary = (c.Description ?? "").Split('\n')[0];
            int stop = summary.IndexOf(". ", StringComparison.Ordinal);
            sb.Append("  ").Append(c.Name.PadRight(width + 2)).Append(stop > 0 ? summary[..stop] : summary.TrimEnd('.')).Append('\n');
        }
        string next = ReferenceEquals(noun, root) ? "COMMAND" : noun.Name + " VERB";
        sb.Append("Help: 'uncloak ").Append(next).Append(" --help' or 'uncloak help ").Append(next).Append('\'');
        return sb.ToString();
    }

    /// <summary><c>uncloak --help</c>: the overview (the root's description lists the commands) and the global options, one screen.</summary>
    public static string RootHelp(RootCommand root)
        => "Usage: uncloak COMMAND [OPTIONS]\n\n" + root.Description + "\n\nOptions:\n  --version       the version\n  -h, --help      this overview\n\n" +
           "Each command's flags and examples: 'uncloak help COMMAND' (or 'uncloak COMMAND --help'); the manual: 'man uncloak'.";
}
