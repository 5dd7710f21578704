namespace Uncloak.Core.Forensics.Bundles;

/// <summary>One file of a bundle: its path relative to the bundle (<c>during/ss.txt</c>), lowercase hex SHA-256 and size in bytes.</summary>
public sealed record BundleFileEntry(string Name, string Sha256, long Bytes);
