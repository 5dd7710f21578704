using Xunit;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// A test that needs root and the real kernel (namespaces, nftables, raw sockets). In CI (CI=true) it
/// always runs, so a missing privilege fails loudly instead of skipping; elsewhere, without root, it is
/// skipped with a reason that says so.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess && !Requirements.InCi)
        {
            Skip = "SKIPPED: needs root and the real kernel (namespaces, nftables). Run ./test.sh as root; CI never skips this.";
        }
    }
}

/// <summary>What the environment offers the integration tests.</summary>
public static class Requirements
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A root test with a host-wide side effect that is acceptable on a disposable CI machine only (it floods the kernel's log
/// ring, evicting the host's own recent kernel messages). Runs when CI=true; elsewhere it is skipped with a reason that
/// says why, even as root.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CiOnlyFactAttribute : FactAttribute
{
    public CiOnlyFactAttribute(string sideEffect)
    {
        if (!Requirements.InCi)
        {
            Skip = $"SKIPPED outside CI: {sideEffect}. Run with CI=true as root (./test.sh in CI does).";
        }
    }
}
