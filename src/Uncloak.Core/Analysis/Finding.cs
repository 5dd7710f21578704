namespace Uncloak.Core.Analysis;

/// <summary>How much a finding matters.</summary>
public enum Severity : byte
{
    Info = 0,
    Notice = 1,
    Warning = 2,
    Critical = 3,
}

/// <summary>
/// One conclusion of the verdict, with the evidence and the reasoning that led to it, so the reader can
/// check the argument rather than trust it.
/// </summary>
public sealed record Finding(string Id, Severity Severity, string Title, string Conclusion)
{
    public IReadOnlyList<string> Evidence { get; init; } = [];

    public IReadOnlyList<string> Reasoning { get; init; } = [];

    public IReadOnlyList<string> Advice { get; init; } = [];

    /// <summary>A short clause for the overall verdict ("eth0's NIC stopped transmitting (3 transmit hang/timeout reports over 4s)").</summary>
    public string? Headline { get; init; }
}
