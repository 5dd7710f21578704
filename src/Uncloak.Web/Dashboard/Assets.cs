using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Uncloak.Web.Dashboard;

/// <summary>
/// The dashboard's script and style, embedded in the binary (no CDN, nothing read from disk at run time) and served
/// under <c>/assets/</c> without a session: they hold no data.
/// </summary>
public static class Assets
{
    private static readonly FrozenDictionary<string, (byte[] Body, string Type)> Files = Load();

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(Assets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        // uPlot 1.6.32 (npm, MIT; vendor/uplot/README.md) draws the timeline; its licence travels with it.
        foreach (var (name, type) in new[]
        {
            ("app.js", "text/javascript; charset=utf-8"), ("app.css", "text/css; charset=utf-8"),
            ("uPlot.iife.min.js", "text/javascript; charset=utf-8"), ("uPlot.min.css", "text/css; charset=utf-8"), ("uPlot.LICENSE", "text/plain; charset=utf-8"),
        })
        {
            using var stream = assembly.GetManifestResourceStream("Uncloak.Web.Assets." + name)
                ?? throw new InvalidOperationException($"the embedded asset {name} is missing from the build");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files["/assets/" + name] = (copy.ToArray(), type);
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The asset's bytes, or null when there is none at <paramref name="path"/>.</summary>
    public static byte[]? Find(string path) => Files.TryGetValue(path, out var f) ? f.Body : null;

    /// <summary>Answers <c>GET /assets/NAME</c>.</summary>
    public static async Task ServeAsync(HttpContext http, string path)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!Files.TryGetValue(path, out var file))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        http.Response.ContentType = file.Type;
        http.Response.ContentLength = file.Body.Length;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(file.Body, http.RequestAborted).ConfigureAwait(false);
        }
    }
}
