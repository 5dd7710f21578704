namespace Uncloak.Integration.Tests.Support;

/// <summary>The command line that runs the built `uncloak` as its own process (e.g. under `ip netns exec`).</summary>
public static class UncloakProcess
{
    public static string[] Command(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "uncloak.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return [dotnet, dll, .. args];
    }
}
