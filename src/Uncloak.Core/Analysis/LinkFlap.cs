namespace Uncloak.Core.Analysis;

/// <summary>
/// An interface going down and (maybe) coming back; <see cref="Up"/> is null when the log ends while down. A value, not
/// an object: the replay makes one for every flap (hundreds of thousands on a flapping NIC) and lists only the latest.
/// </summary>
public readonly record struct LinkFlap(string Interface, DateTime Down, DateTime? Up)
{
    public TimeSpan? Duration => Up is { } up ? up - Down : null;
}
