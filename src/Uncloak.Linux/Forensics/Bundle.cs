using Uncloak.Core.Forensics.Bundles;

namespace Uncloak.Linux.Forensics;

/// <summary>A bundle as read from disk: its manifest, the files that passed every check, and what was refused and why.</summary>
public sealed record Bundle(string Path, BundleManifest Manifest, IReadOnlyList<BundleFile> Files, IReadOnlyList<string> Problems);
