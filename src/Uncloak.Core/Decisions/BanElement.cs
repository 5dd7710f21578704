namespace Uncloak.Core.Decisions;

/// <summary>One element of a kernel ban set: a target and when the kernel should forget it.</summary>
public readonly record struct BanElement(BanTarget Target, DateTimeOffset Expires)
{
    /// <summary>Whole seconds left at <paramref name="now"/>, at least 1 (the kernel's timeout granularity is fine enough; 0 would mean "never").</summary>
    public long TimeoutSeconds(DateTimeOffset now) => Math.Max(1, (long)Math.Ceiling((Expires - now).TotalSeconds));
}
