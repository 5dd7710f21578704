namespace Uncloak.Core.Forensics.Dumps;

/// <summary>What a dump parser made of one line.</summary>
internal enum DumpLine : byte
{
    /// <summary>The line belongs to the dump and was read.</summary>
    Taken,

    /// <summary>The line has the dump's shape but a value did not parse: counted, never fatal.</summary>
    Malformed,

    /// <summary>The line is not part of this dump (prose between pasted outputs): the dump ends before it.</summary>
    NotMine,
}
