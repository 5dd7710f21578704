namespace Uncloak.Core.Forensics.Bundles;

/// <summary>One verified file of a bundle: its name and its bytes.</summary>
public sealed record BundleFile(string Name, byte[] Data);
