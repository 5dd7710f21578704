namespace Uncloak.Core.Audit.Checks;

/// <summary>`kernel.entropy`: whether entropy_avail means anything on this kernel, and if so whether it is low.</summary>
public sealed class EntropyCheck : AuditCheck
{
    public override string Id => "kernel.entropy";
    public override AuditGroup Group => AuditGroup.Kernel;
    public override Severity Severity => Severity.Low;
    public override string Title => "Entropy cannot stall the server";
    public override string Expected => "kernel ≥ 5.6 (nothing blocks after boot), or entropy_avail ≥ 1000 on older kernels";

    public override string Rationale =>
        "On kernels since 5.18 (Jason Donenfeld's rework of the random driver) /proc/sys/kernel/random/entropy_avail reads 256 " +
        "forever once the pool is seeded: it is not consumed by reads, nothing waits on it, and rngd, haveged or " +
        "\"entropy tuning\" change nothing for a running server. Since 5.6 /dev/random already blocked only until the first " +
        "seeding at boot. Only before 5.6 could a low entropy_avail make /dev/random readers (old TLS and SSH stacks) stall " +
        "mid-operation, and only there did feeding the pool with rngd help. The useful question on a modern kernel is how " +
        "long after boot \"random: crng init done\" appeared.";

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        var version = snapshot.KernelVersion;
        string avail = snapshot.EntropyAvailable is { } e ? $"entropy_avail={e}" : "entropy_avail unreadable";
        if (version is null)
        {
            yield return Skip("the kernel version is unknown.");
            yield break;
        }
        string observed = $"kernel {snapshot.KernelRelease}, {avail}";
        if (version >= new Version(5, 18))
        {
            yield return Pass(observed, detail: "On this kernel entropy_avail is constant after boot and rngd tuning does not matter. Nothing to do.");
        }
        else if (version >= new Version(5, 6))
        {
            yield return Pass(observed, detail: "On this kernel nothing blocks on entropy after the boot-time seeding; entropy_avail still moves but does not matter.");
        }
        else if (snapshot.EntropyAvailable is { } low && low < 1000)
        {
            yield return Warn(observed, Fix.Advice("Feed the pool from a hardware RNG (rng-tools: rngd) or haveged, or move readers from /dev/random to /dev/urandom."),
                detail: "On kernels before 5.6 a low pool makes /dev/random readers block mid-operation.");
        }
        else
        {
            yield return Pass(observed, detail: "Before 5.6 a low pool could block /dev/random readers; it is not low now.");
        }
    }
}
