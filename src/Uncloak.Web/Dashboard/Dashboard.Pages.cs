using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Uncloak.Web.Dashboard;

/// <summary>The HTML shell every page shares: navigation, the session's antiforgery token, the page's script.</summary>
public sealed partial class Dashboard
{
    private static Task PageAsync(HttpContext http, int status, string name, string title, string? antiforgery)
    {
        var html = new StringBuilder(2048);
        html.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>").Append(WebUtility.HtmlEncode(title)).Append(" · Uncloak</title>");
        html.Append("<link rel=\"stylesheet\" href=\"/assets/app.css\">");
        if (antiforgery is not null)
        {
            html.Append("<meta name=\"uncloak-antiforgery\" content=\"").Append(antiforgery).Append("\">");
            if (name == "timeline")
            {
                // The chart library (vendored, embedded): deferred scripts run in order, so it is there before app.js.
                html.Append("<link rel=\"stylesheet\" href=\"/assets/uPlot.min.css\">");
                html.Append("<script src=\"/assets/uPlot.iife.min.js\" defer></script>");
            }
            html.Append("<script src=\"/assets/app.js\" defer></script>");
        }
        html.Append("</head><body><header><strong>Uncloak</strong>");
        if (antiforgery is not null)
        {
            html.Append("<nav>");
            foreach (var p in Pages.All)
            {
                html.Append("<a href=\"").Append(p.Path).Append('"').Append(p.Name == name ? " aria-current=\"page\"" : "").Append('>').Append(p.Title).Append("</a>");
            }
            html.Append("</nav><button id=\"logout\" type=\"button\">Log out</button>");
        }
        html.Append("</header><main id=\"page\" data-page=\"").Append(name).Append("\"><h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1>");
        if (antiforgery is null)
        {
            html.Append(status == StatusCodes.Status403Forbidden
                ? "<p class=\"bad\">That login link is not (or no longer) valid: the daemon writes a new token each time it starts.</p>"
                : "<p>This dashboard needs a session.</p>");
            html.Append("<p>On the server, as root, run <code>uncloak web url</code> and open the link it prints.</p>");
        }
        else
        {
            html.Append("<p class=\"muted\" id=\"loading\">Loading…</p>");
        }
        html.Append("</main></body></html>\n");
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync(html.ToString(), http.RequestAborted);
    }
}
