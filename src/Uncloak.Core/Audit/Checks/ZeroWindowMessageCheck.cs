namespace Uncloak.Core.Audit.Checks;

/// <summary>`kernel.zero_window_message`: can this kernel print the treason / zero-window message, and is it switched on?</summary>
public sealed class ZeroWindowMessageCheck : AuditCheck
{
    public const string EnableCommand = "echo 'file net/ipv4/tcp_timer.c +p' > /proc/dynamic_debug/control";

    public override string Id => "kernel.zero_window_message";
    public override AuditGroup Group => AuditGroup.Kernel;
    public override Severity Severity => Severity.Low;
    public override string Title => "The zero-window (\"treason\") message can be printed";
    public override string Expected => "dynamic debug available and the net/ipv4/tcp_timer.c call site enabled (=p), if you want the message";

    public override string Rationale =>
        "The message that reports a peer shrinking its window (\"TCP: Treason uncloaked!\", later \"Peer … unexpectedly shrunk " +
        "window\", since 6.6 \"Probing zero-window on …\") has been a net_dbg_ratelimited() call since ≈3.19. Unless the kernel " +
        "is built with CONFIG_DYNAMIC_DEBUG=y and that call site is enabled, it is compiled out: the condition still happens, " +
        "the log just never says so. With dynamic debug, enable it as root with `" + EnableCommand + "` (not persistent; for " +
        "boot add dyndbg=\"file net/ipv4/tcp_timer.c +p\" to the kernel command line). It prints at KERN_DEBUG, which Debian's " +
        "rsyslog keeps in kern.log and RHEL's *.info rule drops. Either way the live evidence is the socket table " +
        "(connections with snd_wnd 0 and data unacknowledged), which Uncloak reads without any message.";

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        var version = snapshot.KernelVersion;
        string text = version is null || version >= new Version(6, 6) ? "Probing zero-window on …" : "Peer … unexpectedly shrunk window … (repaired)";
        if (version is not null && version < new Version(3, 19))
        {
            yield return Pass($"kernel {snapshot.KernelRelease}", detail: "Kernels before ≈3.19 print the message by default (KERN_DEBUG, rate-limited).");
            yield break;
        }
        var dd = snapshot.DynamicDebug;
        if (!dd.Available)
        {
            if (dd.Built == true)
            {
                yield return Warn($"kernel {snapshot.KernelRelease}: CONFIG_DYNAMIC_DEBUG=y ({dd.ConfigSource}) but no control file",
                    Fix.Advice("Mount debugfs so the control file appears (mount -t debugfs none /sys/kernel/debug), then: echo 'file net/ipv4/tcp_timer.c +p' > /sys/kernel/debug/dynamic_debug/control"),
                    detail: "The kernel can print the message, but the dynamic-debug control file is not reachable: on kernels before ≈5.7 it lives only in debugfs, which is not mounted.");
                yield break;
            }
            string why = dd.Built == false
                ? $"This kernel is built without CONFIG_DYNAMIC_DEBUG ({dd.ConfigSource}), so the message is compiled out and cannot be printed at all."
                : "This kernel cannot print the message: there is no dynamic-debug control file (CONFIG_DYNAMIC_DEBUG is not set, or debugfs is not mounted where old kernels keep it).";
            yield return Info($"kernel {snapshot.KernelRelease ?? "unknown"}: no dynamic-debug control file" + (dd.Built == false ? ", CONFIG_DYNAMIC_DEBUG not set" : ""),
                why + " Nothing to switch on: rely on the socket table and the TCPAbortOnTimeout counter, or boot a kernel built with CONFIG_DYNAMIC_DEBUG=y (distribution kernels such as Debian's and Ubuntu's usually are).");
            yield break;
        }
        if (dd.TcpTimerSites.Count == 0)
        {
            yield return Info($"{dd.ControlPath} lists no net/ipv4/tcp_timer.c call site",
                "Dynamic debug exists but this kernel's tcp_timer.c has no debug call site, so the message cannot be printed.");
            yield break;
        }
        string observed = string.Join(", ", dd.TcpTimerSites.Select(s => $"tcp_timer.c:{s.Line} {s.Function} {(s.Enabled ? "=p" : "=_")}"));
        if (dd.TcpTimerSites.Any(s => s.Enabled))
        {
            yield return Pass(observed, detail: $"Enabled: the kernel logs \"{text}\" at debug level.");
            yield break;
        }
        yield return Warn(observed, new Fix
        {
            Manual = $"Run as root: echo 'file net/ipv4/tcp_timer.c +p' > {dd.ControlPath}  (persist with dyndbg=\"file net/ipv4/tcp_timer.c +p\" on the kernel command line).",
        }, detail: $"The kernel can print \"{text}\" but the call site is off.");
    }
}
