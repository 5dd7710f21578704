using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Uncloak.Bench.BusWatchers;

/// <summary>Each node's consumers (<c>/jsz</c>), resident memory and connections (<c>/varz</c>) from its monitoring port.</summary>
internal static class ServerStats
{
    public static async Task<string> ReadAsync(string[] monitors)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = new StringBuilder();
        long consumers = 0, mem = 0;
        foreach (var url in monitors)
        {
            try
            {
                using var jsz = JsonDocument.Parse(await http.GetStringAsync(new Uri(url + "/jsz")));
                using var varz = JsonDocument.Parse(await http.GetStringAsync(new Uri(url + "/varz")));
                long c = jsz.RootElement.GetProperty("consumers").GetInt64();
                long m = varz.RootElement.GetProperty("mem").GetInt64();
                consumers += c;
                mem += m;
                text.Append(CultureInfo.InvariantCulture, $"[{varz.RootElement.GetProperty("server_name").GetString()}: {c} consumers, {m / 1048576.0:F0} MiB RSS, {varz.RootElement.GetProperty("connections").GetInt64()} conns, cpu {varz.RootElement.GetProperty("cpu").GetDouble():F0}%] ");
            }
            catch (HttpRequestException e)
            {
                text.Append(CultureInfo.InvariantCulture, $"[{url}: unreadable, {e.Message}] ");
            }
        }
        return text.Append(CultureInfo.InvariantCulture, $"total {consumers} consumers, {mem / 1048576.0:F0} MiB RSS").ToString();
    }
}
