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

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "uncloak-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
