using System.CommandLine;
using Uncloak.Lab.Topology;

namespace Uncloak.Cli.Commands.Lab;

/// <summary>Options the lab verbs share, and the root check they all make first.</summary>
internal static class LabOptions
{
    public static Option<string> Prefix() => new("--prefix")
    {
        Description = "Namespace name prefix: the lab is PREFIXsrv, PREFIXatk, PREFIXcli and PREFIXnet (the hub holding the bridge). " +
                      "Tests use their own prefix so they never meet a lab you are using.",
        DefaultValueFactory = _ => LabNames.DefaultPrefix,
        HelpName = "PREFIX",
    };

    public static Option<string?> Html() => new("--html")
    {
        Description = "Also write an HTML report (table and an availability-per-second chart per cell) to FILE.",
        HelpName = "FILE",
    };

    public static Option<bool> Kestrel() => new("--kestrel")
    {
        Description = "Use the built-in Kestrel victim even when Apache httpd (apache2, prefork) is installed.",
    };

    /// <summary>Names from the prefix, or null after printing why it is not usable.</summary>
    public static LabNames? Names(string prefix, TextWriter error, string verb)
    {
        try
        {
            return new LabNames(prefix);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"uncloak lab {verb}: --prefix: {e.Message}");
            return null;
        }
    }

    /// <summary>Namespaces, raw sockets and nft need root: false (after saying so) otherwise.</summary>
    public static bool IsRoot(TextWriter error, string verb)
    {
        if (Environment.IsPrivilegedProcess)
        {
            return true;
        }
        error.WriteLine($"uncloak lab {verb}: needs root (network namespaces, raw sockets, nftables); run it with sudo.");
        return false;
    }
}
