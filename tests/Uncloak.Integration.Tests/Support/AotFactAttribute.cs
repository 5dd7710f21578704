using Xunit;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// A test of the shipped Native AOT binary. It runs in CI (CI=true) and wherever UNCLOAK_AOT_DIR names a published build
/// (./test.sh publishes one first); elsewhere it is skipped with a reason that says how to run it, because publishing
/// takes a minute or two. With <see cref="NeedsRoot"/>, it also needs root outside CI, like <see cref="RootFactAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AotFactAttribute : FactAttribute
{
    public AotFactAttribute()
    {
        if (!Requirements.InCi && AotBuild.ConfiguredDirectory is null)
        {
            Skip = "SKIPPED: needs the Native AOT build: run ./test.sh, or packaging/publish.sh DIR and set UNCLOAK_AOT_DIR=DIR. CI never skips this.";
        }
    }

    /// <summary>The test reads /dev/kmsg or other root-only state: skipped outside CI when not root.</summary>
    public bool NeedsRoot
    {
        get;
        init
        {
            field = value;
            if (value && Skip is null && !Environment.IsPrivilegedProcess && !Requirements.InCi)
            {
                Skip = "SKIPPED: needs root (/dev/kmsg). Run ./test.sh as root; CI never skips this.";
            }
        }
    }
}
