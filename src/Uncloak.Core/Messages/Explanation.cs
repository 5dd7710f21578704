using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

/// <summary>
/// What an expert would say about one message family: what the kernel saw, what each field means,
/// the likely causes (most likely first), what to check next, what to do, and whether today's kernels
/// print it at all. <c>uncloak explain</c> prints it; reports and the web page reuse it.
/// </summary>
public sealed record Explanation
{
    public required EventKind Kind { get; init; }

    public required string Title { get; init; }

    /// <summary>One sentence for tables and reports.</summary>
    public required string Summary { get; init; }

    public required string WhatTheKernelSaw { get; init; }

    public required IReadOnlyList<FieldMeaning> Fields { get; init; }

    public required IReadOnlyList<string> LikelyCauses { get; init; }

    public required IReadOnlyList<string> Checks { get; init; }

    public required IReadOnlyList<string> Actions { get; init; }

    /// <summary>Whether and when kernels print it, and how to make them print it.</summary>
    public required string Printing { get; init; }

    /// <summary>Source file and function in the kernel, for those who want to read it.</summary>
    public required string KernelSource { get; init; }

    /// <summary>Representative lines, one per historic form; also used to suggest the nearest family for unknown lines.</summary>
    public required IReadOnlyList<string> Examples { get; init; }
}

/// <summary>A field of a message and what it means.</summary>
public sealed record FieldMeaning(string Name, string Meaning);
