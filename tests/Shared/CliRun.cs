using System.Text.Json;
using Uncloak.Cli;

namespace Uncloak.Tests;

/// <summary>
/// Runs the real <c>uncloak</c> command tree in-process, on the calling thread (so inside a namespace when called from
/// one), and captures what it prints. Shared by both test projects (linked into each).
/// </summary>
public static class CliRun
{
    /// <summary>What a run returned and printed; deconstructs as <c>(exit, output, error)</c>.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public JsonElement Json => JsonDocument.Parse(Output).RootElement;
    }

    public static Result Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = UncloakCli.RunAsync(args, output, error).GetAwaiter().GetResult();
        return new Result(exit, output.ToString(), error.ToString());
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    /// <summary>A file of the repository's <c>samples/</c> folder, copied next to the tests as <c>demo-samples/</c>.</summary>
    public static string Demo(string name) => Path.Combine(AppContext.BaseDirectory, "demo-samples", name);

    /// <summary>The checkout these tests were built from (the folder holding Uncloak.slnx), for the docs they check.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Uncloak.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("no Uncloak.slnx above " + AppContext.BaseDirectory);
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "uncloak-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
