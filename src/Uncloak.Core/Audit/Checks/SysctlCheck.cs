namespace Uncloak.Core.Audit.Checks;

/// <summary>A check of one host-wide numeric sysctl against an acceptable range, fixed by setting one value.</summary>
public abstract class SysctlCheck : AuditCheck
{
    /// <summary>Dotted sysctl name.</summary>
    protected abstract string Key { get; }

    protected abstract bool IsOk(long value);

    /// <summary>The value the fix sets.</summary>
    protected abstract long FixValue { get; }

    /// <summary>Extra words for a value that is not OK (what it means here); null for none.</summary>
    protected virtual string? DetailFor(long value) => null;

    /// <summary>Extra words for a value that is OK; null for none.</summary>
    protected virtual string? PassDetailFor(long value) => null;

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        if (snapshot.Int(Key) is not { } value)
        {
            yield return Skip($"{Key} is not present on this kernel (or not readable).");
            yield break;
        }
        string observed = $"{Key}={value}";
        yield return IsOk(value)
            ? Pass(observed, detail: PassDetailFor(value))
            : NotMet(observed, Fix.Sysctl(new SysctlChange(Key, FixValue.ToString(System.Globalization.CultureInfo.InvariantCulture))), detail: DetailFor(value));
    }
}
