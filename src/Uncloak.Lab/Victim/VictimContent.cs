namespace Uncloak.Lab.Victim;

/// <summary>What every victim serves, byte for byte.</summary>
public static class VictimContent
{
    public const string SmallPath = "/";
    public const string BigPath = "/big";
    public const int BigSize = 1 << 20;

    public static readonly byte[] Small = "<!doctype html><title>uncloak lab</title><p>The victim is up.</p>\n"u8.ToArray();

    /// <summary>1 MiB of printable bytes (a file the zero-window holder asks for and never reads).</summary>
    public static readonly byte[] Big = Enumerable.Range(0, BigSize).Select(i => (byte)('a' + i % 26)).ToArray();
}
