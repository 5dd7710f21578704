namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// Keeps a test's daemon off the host's own runtime paths. `uncloak watch` binds /run/uncloak/control.sock unless told
/// otherwise, and a network namespace shares the filesystem: a test daemon would take (or, killed, leave a stale file at)
/// the control socket of a daemon really running on the machine.
/// </summary>
internal static class HostPaths
{
    /// <summary>
    /// <paramref name="args"/>, with <c>--control off</c> added to a <c>watch</c> that names no control socket itself
    /// (neither <c>--control</c> nor a <c>control:</c> key in its <c>--config</c> file).
    /// </summary>
    public static string[] Isolated(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] != "watch" || args.Contains("--control"))
        {
            return [.. args];
        }
        int config = args.ToList().IndexOf("--config");
        if (config >= 0 && config + 1 < args.Count && File.Exists(args[config + 1])
            && File.ReadLines(args[config + 1]).Any(l => l.TrimStart().StartsWith("control:", StringComparison.Ordinal)))
        {
            return [.. args];
        }
        return [.. args, "--control", "off"];
    }
}
