using Spectre.Console;

namespace Uncloak.Cli.Rendering;

/// <summary>A Spectre console over a given writer: colours and width when it is the real terminal, plain text otherwise (pipes, tests).</summary>
public static class Terminal
{
    public static IAnsiConsole For(TextWriter output)
    {
        bool isConsole = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = isConsole ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isConsole ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isConsole ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isConsole)
        {
            console.Profile.Width = 160; // pipes and files: wide enough that tables do not wrap mid-address
        }
        return console;
    }

    /// <summary>True when progress bars make sense (a real terminal on stderr).</summary>
    public static bool IsInteractive => !Console.IsErrorRedirected && !Console.IsOutputRedirected;
}
