namespace Uncloak.Cli;

/// <summary>Exit codes of every command (documented in `uncloak --help` and docs/uncloak.1.md).</summary>
public static class ExitCodes
{
    /// <summary>Done, nothing to report.</summary>
    public const int Ok = 0;

    /// <summary>Done, and there are findings (audit failed, line unknown, attack found with --fail-on).</summary>
    public const int Findings = 1;

    /// <summary>Bad usage or bad input (unreadable file, malformed argument).</summary>
    public const int UsageOrInput = 2;

    /// <summary>The environment failed us (no permission for a kernel interface, missing tool).</summary>
    public const int Environment = 3;
}
