namespace Uncloak.Core.Analysis;

/// <summary>An interface going down and (maybe) coming back; <see cref="Up"/> is null when the log ends while down.</summary>
public sealed record LinkFlap(string Interface, DateTime Down, DateTime? Up)
{
    public TimeSpan? Duration => Up is { } up ? up - Down : null;
}
