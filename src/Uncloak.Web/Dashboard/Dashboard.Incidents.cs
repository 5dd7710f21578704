using System.Formats.Tar;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Core.Reports;
using Uncloak.Linux.Forensics;
using Uncloak.Store.Incidents;

namespace Uncloak.Web.Dashboard;

/// <summary>
/// Incidents: the list (<c>uncloak incidents list --json</c>), one incident with its verdict worked out from its bundle
/// again (<c>uncloak incidents show --json</c>: the layer, its evidence and reasoning), and the bundle as a download.
/// </summary>
public sealed partial class Dashboard
{
    private Task IncidentsApiAsync(HttpContext http, string rest)
    {
        if (rest.Length == 0)
        {
            return IncidentListAsync(http);
        }
        bool bundle = rest.EndsWith("/bundle", StringComparison.Ordinal);
        string id = Uri.UnescapeDataString(bundle ? rest[..^"/bundle".Length] : rest);
        if (!Incident.IsSafeId(id))
        {
            return ApiErrorAsync(http, StatusCodes.Status400BadRequest, $"'{id}' is not an incident id (20261203T170001Z-site)");
        }
        return bundle ? BundleAsync(http, id) : IncidentAsync(http, id);
    }

    /// <summary><c>uncloak.incidents/1</c>, every incident oldest first, as <c>uncloak incidents list --json</c>.</summary>
    private async Task IncidentListAsync(HttpContext http)
    {
        var incidents = await ReadAsync(s => new IncidentStore(s).List(), http.RequestAborted).ConfigureAwait(false);
        await JsonAsync(http, StatusCodes.Status200OK, w => IncidentJson.WriteList(w, incidents)).ConfigureAwait(false);
    }

    /// <summary>
    /// One incident as <c>uncloak incidents show --json</c>: the stored row, and the verdict (layer, evidence,
    /// reasoning) read again from its bundle; a bundle that is gone or damaged is named in <c>problems</c>.
    /// </summary>
    private async Task IncidentAsync(HttpContext http, string id)
    {
        if (await ReadAsync(s => new IncidentStore(s).Get(id), http.RequestAborted).ConfigureAwait(false) is not { } incident)
        {
            await ApiErrorAsync(http, StatusCodes.Status404NotFound, $"no incident '{id}'").ConfigureAwait(false);
            return;
        }
        var problems = new List<string>();
        Verdict? verdict = null;
        try
        {
            // The reader bounds what it reads (file and bundle sizes, file count) and follows no link out of the bundle.
            var bundle = BundleReader.Read(incident.Bundle);
            problems.AddRange(bundle.Problems);
            var evidence = BundleEvidence.Read(bundle.Files, bundle.Manifest.Start);
            verdict = ForensicSource.Of([incident.Bundle], bundle.Manifest, evidence, bundle.Problems).Verdict;
        }
        catch (BundleException e)
        {
            problems.Add(e.Message);
        }
        await JsonAsync(http, StatusCodes.Status200OK, w => IncidentJson.WriteShow(w, incident, verdict, problems)).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /api/incidents/ID/bundle</c>: the bundle folder as a <c>.tar.gz</c>, streamed. The folder is the one the
    /// store names for the id, never a path from the request; links inside are archived as links, not followed.
    /// </summary>
    private async Task BundleAsync(HttpContext http, string id)
    {
        var incident = await ReadAsync(s => new IncidentStore(s).Get(id), http.RequestAborted).ConfigureAwait(false);
        if (incident is null || !Directory.Exists(incident.Bundle))
        {
            await ApiErrorAsync(http, StatusCodes.Status404NotFound, incident is null ? $"no incident '{id}'" : $"the bundle of '{id}' is no longer on disk (pruned?)").ConfigureAwait(false);
            return;
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/gzip";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{id}.tar.gz\"";
        if (HttpMethods.IsHead(http.Request.Method))
        {
            return;
        }
        var gzip = new GZipStream(http.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
        await using (gzip.ConfigureAwait(false))
        {
            await TarFile.CreateFromDirectoryAsync(incident.Bundle, gzip, includeBaseDirectory: true, http.RequestAborted).ConfigureAwait(false);
        }
    }
}
