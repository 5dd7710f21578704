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
        if (Columns(Environment.GetEnvironmentVariable("COLUMNS")) is { } columns)
        {
            console.Profile.Width = columns; // the user's word wins, on a terminal and in a pipe alike
        }
        else if (!isConsole)
        {
            console.Profile.Width = 160; // pipes and files: wide enough that tables do not wrap mid-address
        }
        return console;
    }

    /// <summary>The width <c>COLUMNS</c> asks for; null when unset or not a sane width (20 to 10,000).</summary>
    public static int? Columns(string? value)
        => int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n is >= 20 and <= 10_000 ? n : null;

    /// <summary>True when progress bars make sense (a real terminal on stderr).</summary>
    public static bool IsInteractive => !Console.IsErrorRedirected && !Console.IsOutputRedirected;
}
