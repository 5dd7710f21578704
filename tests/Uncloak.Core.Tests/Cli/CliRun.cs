using System.Text.Json;
using Uncloak.Cli;

namespace Uncloak.Core.Tests.Cli;

/// <summary>Runs the real command tree in-process and captures what it prints.</summary>
internal static class CliRun
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = UncloakCli.RunAsync(args, output, error).GetAwaiter().GetResult();
        return (exit, output.ToString(), error.ToString());
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

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
