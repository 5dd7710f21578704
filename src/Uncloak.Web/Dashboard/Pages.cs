namespace Uncloak.Web.Dashboard;

/// <summary>The dashboard's pages: each a server-rendered shell whose <c>main</c> the page's script fills from the API.</summary>
public static class Pages
{
    /// <summary>One page: its path, its name (the script's <c>data-page</c>) and its title.</summary>
    public sealed record Page(string Path, string Name, string Title);

    /// <summary>Every page, in the navigation's order.</summary>
    public static IReadOnlyList<Page> All { get; } =
    [
        new("/", "overview", "Overview"),
        new("/timeline", "timeline", "Timeline"),
        new("/bans", "bans", "Bans"),
        new("/peers", "peers", "Peers"),
        new("/outages", "outages", "Outages"),
        new("/actions", "actions", "Actions"),
        new("/audit", "audit", "Audit"),
        new("/fleet", "fleet", "Fleet"),
    ];

    /// <summary>The page at <paramref name="path"/>, or null.</summary>
    public static Page? Find(string path) => All.FirstOrDefault(p => p.Path == path);
}
