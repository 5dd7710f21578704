namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// Reads the lines of one dump section into <see cref="DumpEvidence"/>. A parser lives for one section (one pasted
/// output), so it may keep the state its format needs (the interface being printed, the pending header).
/// </summary>
internal abstract class DumpParser(DumpEvidence into)
{
    protected DumpEvidence Into { get; } = into;

    public abstract DumpKind Kind { get; }

    /// <summary>Reads one line (without its newline). The first line is the one the section was detected by.</summary>
    public abstract DumpLine Feed(ReadOnlySpan<byte> line);
}
