using System.Text.Json;
using Uncloak.Cli;

namespace Uncloak.Integration.Tests.Lab;

/// <summary>Runs `uncloak` in-process on the calling thread (so inside a namespace when called from one).</summary>
public static class CliRun
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public JsonElement Json => JsonDocument.Parse(Output).RootElement;
    }

    public static Result Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = UncloakCli.RunAsync(args, output, error).GetAwaiter().GetResult();
        return new Result(code, output.ToString(), error.ToString());
    }
}
