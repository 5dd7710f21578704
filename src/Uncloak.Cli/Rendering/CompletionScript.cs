using System.CommandLine;
using System.CommandLine.Completions;
using System.Text;

namespace Uncloak.Cli.Rendering;

/// <summary>
/// Shell completion scripts (bash, zsh, fish) rendered from the command tree itself, so they can never name a verb or flag
/// the binary does not have. System.CommandLine's own completion goes through the dotnet-suggest tool, which a Native AOT
/// binary installed from a package cannot count on; these scripts are static and need nothing but the shell.
/// </summary>
public static class CompletionScript
{
    /// <summary>The shells a script can be rendered for.</summary>
    public static readonly IReadOnlyList<string> Shells = ["bash", "zsh", "fish"];

    /// <summary>Writes the script for <paramref name="shell"/> (one of <see cref="Shells"/>).</summary>
    public static void Write(RootCommand root, string shell, TextWriter output)
    {
        var nodes = Walk(root);
        string script = shell switch
        {
            "bash" => Bash(nodes),
            "zsh" => "#compdef uncloak\n# zsh completion for uncloak (bash's script through bashcompinit).\nautoload -U +X bashcompinit && bashcompinit\n" + Bash(nodes),
            "fish" => Fish(nodes),
            _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "not one of " + string.Join(", ", Shells)),
        };
        output.Write(script);
    }

    /// <summary>One command of the tree: its path from the root ("uncloak bans add"), verbs and flags.</summary>
    private sealed record Node(string Path, IReadOnlyList<string> Verbs, IReadOnlyList<Flag> Flags);

    /// <summary>A flag: its names, whether it takes a value, and the fixed values it accepts (none: any, e.g. a file).</summary>
    private sealed record Flag(IReadOnlyList<string> Names, bool TakesValue, IReadOnlyList<string> Values, string Description);

    private static List<Node> Walk(RootCommand root)
    {
        var nodes = new List<Node>();
        Visit(root, "uncloak", [], nodes);
        return nodes;
    }

    private static void Visit(Command command, string path, IReadOnlyList<Option> inherited, List<Node> nodes)
    {
        var visible = command.Subcommands.Where(c => !c.Hidden).ToList();
        var options = command.Options.Concat(inherited).Where(o => !o.Hidden).DistinctBy(o => o.Name).ToList();
        nodes.Add(new Node(path, [.. visible.SelectMany(c => c.Aliases.Prepend(c.Name))], [.. options.Select(ToFlag)]));
        var recursive = inherited.Concat(command.Options.Where(o => o.Recursive)).ToList();
        foreach (var sub in visible)
        {
            Visit(sub, path + " " + sub.Name, recursive, nodes);
        }
    }

    private static Flag ToFlag(Option option)
    {
        bool takesValue = option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0;
        var values = takesValue ? option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList() : [];
        // "/h" and "-?" (help's Windows-style aliases) are left out: no shell user types them, and fish cannot name them.
        var names = option.Aliases.Prepend(option.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal) || (n.Length == 2 && n[0] == '-' && char.IsAsciiLetterOrDigit(n[1])));
        return new Flag([.. names.Distinct()], takesValue, values, option.Description ?? "");
    }

    private static string Bash(List<Node> nodes)
    {
        var s = new StringBuilder();
        s.Append("""
            # bash completion for uncloak, rendered from its command tree by 'uncloak completions bash'.
            _uncloak()
            {
                local cur prev path word i
                cur=${COMP_WORDS[COMP_CWORD]}
                prev=${COMP_WORDS[COMP_CWORD-1]}
                path=uncloak
                # The command path: the words before the cursor that name a verb of the path so far.
                for ((i = 1; i < COMP_CWORD; i++)); do
                    word=${COMP_WORDS[i]}
                    if [[ " $(_uncloak_verbs "$path") " == *" $word "* ]]; then path="$path $word"; fi
                done
                local values
                if values=$(_uncloak_values "$path" "$prev"); then
                    if [[ -n $values ]]; then COMPREPLY=($(compgen -W "$values" -- "$cur")); else COMPREPLY=(); compopt -o default 2>/dev/null; fi
                    return 0
                fi
                COMPREPLY=($(compgen -W "$(_uncloak_verbs "$path") $(_uncloak_flags "$path")" -- "$cur"))
                if [[ ${#COMPREPLY[@]} -eq 0 && $cur != -* ]]; then compopt -o default 2>/dev/null; fi
            }

            _uncloak_verbs()
            {
                case $1 in

            """);
        foreach (var n in nodes.Where(n => n.Verbs.Count > 0))
        {
            s.Append($"        '{n.Path}') echo '{string.Join(' ', n.Verbs)}' ;;\n");
        }
        s.Append("    esac\n}\n\n_uncloak_flags()\n{\n    case $1 in\n");
        foreach (var n in nodes)
        {
            s.Append($"        '{n.Path}') echo '{string.Join(' ', n.Flags.SelectMany(f => f.Names))}' ;;\n");
        }
        s.Append("    esac\n}\n\n");
        s.Append("# Succeeds when FLAG (in the command PATH) takes a value, printing the values it accepts (nothing: any, e.g. a file).\n");
        s.Append("_uncloak_values()\n{\n    case \"$1|$2\" in\n");
        foreach (var n in nodes)
        {
            foreach (var f in n.Flags.Where(f => f.TakesValue))
            {
                s.Append($"        {string.Join('|', f.Names.Select(name => $"'{n.Path}|{name}'"))}) echo '{string.Join(' ', f.Values)}' ;;\n");
            }
        }
        s.Append("        *) return 1 ;;\n    esac\n}\n\ncomplete -F _uncloak uncloak\n");
        return s.ToString();
    }

    private static string Fish(List<Node> nodes)
    {
        var s = new StringBuilder("# fish completion for uncloak, rendered from its command tree by 'uncloak completions fish'.\n");
        s.Append("function __uncloak_path\n    set -l path uncloak\n    for word in (commandline -opc)[2..-1]\n");
        s.Append("        if contains -- $word (__uncloak_verbs $path)\n            set path \"$path $word\"\n        end\n    end\n    echo $path\nend\n\n");
        s.Append("function __uncloak_verbs\n    switch $argv[1]\n");
        foreach (var n in nodes.Where(n => n.Verbs.Count > 0))
        {
            s.Append($"        case '{n.Path}'\n            string split ' ' -- '{string.Join(' ', n.Verbs)}'\n");
        }
        s.Append("    end\nend\n\ncomplete -c uncloak -f\n");
        foreach (var n in nodes)
        {
            string when = $"-n \"test (__uncloak_path) = '{n.Path}'\"";
            foreach (var verb in n.Verbs)
            {
                s.Append($"complete -c uncloak {when} -a '{verb}'\n");
            }
            foreach (var f in n.Flags)
            {
                var names = string.Join(' ', f.Names.Select(name => name.StartsWith("--", StringComparison.Ordinal) ? "-l " + name[2..] : "-s " + name.TrimStart('-')));
                string value = !f.TakesValue ? "" : f.Values.Count > 0 ? $" -x -a '{string.Join(' ', f.Values)}'" : " -r -F";
                s.Append($"complete -c uncloak {when} {names}{value} -d '{FishQuote(FirstSentence(f.Description))}'\n");
            }
        }
        return s.ToString();
    }

    private static string FirstSentence(string text)
    {
        int end = text.IndexOfAny(['.', '\n', ':', ';']);
        var first = end > 0 ? text[..end] : text;
        return first.Length > 70 ? first[..70] : first;
    }

    private static string FishQuote(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
}
