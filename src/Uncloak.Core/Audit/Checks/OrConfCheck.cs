namespace Uncloak.Core.Audit.Checks;

/// <summary>
/// A `conf` setting the kernel treats as on when `all` OR the interface has it on (accept_redirects on a host,
/// send_redirects, secure_redirects, log_martians): to turn it off, `all`, `default` and every interface must be 0; to
/// turn it on, `all`=1 is enough.
/// </summary>
public abstract class OrConfCheck : AuditCheck
{
    protected abstract string Family { get; }

    protected abstract string Name { get; }

    /// <summary>The value wanted (0 or 1).</summary>
    protected abstract long Want { get; }

    protected abstract string BadDetail { get; }

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        var conf = InterfaceConf.Read(snapshot, Family, Name);
        if (!conf.Present)
        {
            yield return Skip($"net.{Family}.conf.*.{Name} is not readable.");
            yield break;
        }
        string observed = conf.Describe(Family, Name);
        if (Want == 1)
        {
            bool allOn = conf.All is 1;
            var off = conf.Interfaces.Where(i => i.Value == 0).Select(i => i.Interface).ToList();
            if (allOn || off.Count == 0 && conf.Interfaces.Count > 0)
            {
                yield return Pass(observed);
            }
            else
            {
                yield return NotMet(observed, Fix.Sysctl(
                    new SysctlChange(InterfaceConf.Key(Family, "all", Name), "1"),
                    new SysctlChange(InterfaceConf.Key(Family, "default", Name), "1")), detail: BadDetail);
            }
            yield break;
        }
        var changes = new List<SysctlChange>();
        if (conf.All is { } all && all != 0)
        {
            changes.Add(new SysctlChange(InterfaceConf.Key(Family, "all", Name), "0"));
        }
        if (conf.Default is { } def && def != 0)
        {
            changes.Add(new SysctlChange(InterfaceConf.Key(Family, "default", Name), "0"));
        }
        changes.AddRange(conf.Interfaces.Where(i => i.Value != 0).Select(i => new SysctlChange(InterfaceConf.FixKey(Family, i.Interface, Name), "0")));
        var onNow = conf.Interfaces.Where(i => i.Value != 0 || conf.All is { } a && a != 0).Select(i => i.Interface).ToList();
        if (changes.Count == 0)
        {
            yield return Pass(observed);
        }
        else
        {
            string where = onNow.Count > 0 ? $" Effective on: {string.Join(", ", onNow)}." : " Only interfaces created later would inherit it (default).";
            yield return NotMet(observed, new Fix { Sysctls = changes }, detail: BadDetail + where);
        }
    }
}
