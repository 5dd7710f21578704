namespace Uncloak.Linux.Forensics;

/// <summary>A bundle that cannot be read at all: no manifest, a manifest that is not JSON, an unknown schema.</summary>
public sealed class BundleException(string message, Exception? inner = null) : IOException(message, inner);
