namespace Uncloak.Core.Reports;

/// <summary>
/// The href an HTML report gives a bundle: relative to the report's folder when the bundle lies under it (the report and
/// its bundles can then be copied or served together), a <c>file://</c> URL otherwise. Every path segment is
/// percent-encoded, so a hostile name (a probe called <c>javascript:…</c>, quotes, <c>#</c>) can neither become a scheme
/// nor end the attribute; the caller still HTML-encodes the result.
/// </summary>
public static class BundleLink
{
    /// <param name="bundle">The bundle's path as the store keeps it (absolute for everything the daemon writes).</param>
    /// <param name="reportDirectory">The absolute folder the report is written to; null when unknown (a file:// URL then).</param>
    public static string Href(string bundle, string? reportDirectory)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (reportDirectory is not null && Path.IsPathRooted(bundle) && Path.IsPathRooted(reportDirectory))
        {
            string relative = Path.GetRelativePath(reportDirectory, bundle);
            if (relative != "." && !Path.IsPathRooted(relative) && relative != ".." && !relative.StartsWith("../", StringComparison.Ordinal))
            {
                return Encode(relative);
            }
        }
        return Path.IsPathRooted(bundle) ? "file://" + Encode(bundle) : Encode(bundle);
    }

    private static string Encode(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
