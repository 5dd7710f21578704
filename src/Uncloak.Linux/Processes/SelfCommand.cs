namespace Uncloak.Linux.Processes;

/// <summary>
/// How to start the <c>uncloak</c> program that is running now: the Native AOT binary (or apphost) by its own path, or
/// <c>dotnet uncloak.dll</c> when it runs on the shared runtime (<c>dotnet uncloak.dll</c>, <c>dotnet run</c>, development
/// builds). A host that loads the command tree in-process (a test host) starts the <c>uncloak.dll</c> beside its own
/// assemblies with the same runtime.
/// </summary>
public static class SelfCommand
{
    /// <summary>The argument array that starts this program (file first); verbs and options are appended by the caller.</summary>
    public static IReadOnlyList<string> Arguments()
    {
        string exe = Environment.ProcessPath ?? "/usr/bin/uncloak";
        string name = Path.GetFileNameWithoutExtension(exe);
        string dll = Path.Combine(AppContext.BaseDirectory, "uncloak.dll");
        if (name == "uncloak")
        {
            return [exe];
        }
        if (name == "dotnet")
        {
            return [exe, dll];
        }
        // Another host (testhost): the dotnet CLI names its muxer in DOTNET_HOST_PATH for the processes it starts.
        return File.Exists(dll) ? [Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", dll] : [exe];
    }
}
