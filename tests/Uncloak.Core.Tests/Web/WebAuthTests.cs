using System.Text.Json;
using Uncloak.Core.Enforcement;
using Uncloak.Web.Auth;
using Uncloak.Web.Dashboard;
using Xunit;

namespace Uncloak.Core.Tests.Web;

/// <summary>The dashboard's gate, without a server: the token, sessions and their antiforgery tokens, Host names, action bodies.</summary>
public sealed class WebAuthTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_token_is_256_random_bits_in_base64url_and_matches_only_itself()
    {
        var a = WebToken.Create();
        var b = WebToken.Create();
        Assert.Matches("^[A-Za-z0-9_-]{43}$", a.Text);
        Assert.NotEqual(a.Text, b.Text);
        Assert.True(a.Matches(a.Text));
        Assert.False(a.Matches(b.Text));
        Assert.False(a.Matches(null));
        Assert.False(a.Matches(""));
        Assert.False(a.Matches(a.Text[..42]));
        Assert.False(a.Matches(a.Text + "A"));
        Assert.False(a.Matches(new string('é', 43)));
    }

    [Fact]
    public void The_token_file_is_written_owner_only_and_read_back()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-token-");
        try
        {
            var path = Path.Combine(dir.FullName, "run", "web.token");
            var token = WebToken.Create();
            token.WriteTo(path);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(token.Text, WebToken.Read(path));
            // A restart writes a new token over the old one; the old link stops working.
            var next = WebToken.Create();
            next.WriteTo(path);
            Assert.Equal(next.Text, WebToken.Read(path));
            Assert.False(File.Exists(path + ".tmp"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_session_lives_for_its_lifetime_and_ends_at_logout()
    {
        var time = new ManualTimeProvider(Start);
        var sessions = new WebSessions(time, TimeSpan.FromHours(1));
        string s = sessions.Start();
        Assert.True(sessions.IsValid(s));
        Assert.False(sessions.IsValid(null));
        Assert.False(sessions.IsValid(s + "x"));
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.True(sessions.IsValid(s));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(sessions.IsValid(s));
        string t = sessions.Start();
        sessions.End(t);
        Assert.False(sessions.IsValid(t));
    }

    [Fact]
    public void Logins_in_a_loop_keep_at_most_the_cap_of_sessions_dropping_the_oldest()
    {
        var time = new ManualTimeProvider(Start);
        var sessions = new WebSessions(time, TimeSpan.FromHours(1));
        string first = sessions.Start();
        var all = new List<string> { first };
        for (int i = 0; i < WebSessions.MaxSessions * 2; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            all.Add(sessions.Start());
        }
        Assert.False(sessions.IsValid(first));
        Assert.Equal(WebSessions.MaxSessions, all.Count(sessions.IsValid));
        Assert.True(sessions.IsValid(all[^1]));
    }

    [Fact]
    public void The_antiforgery_token_belongs_to_one_session_of_one_daemon()
    {
        var time = new ManualTimeProvider(Start);
        var sessions = new WebSessions(time, TimeSpan.FromHours(1));
        string a = sessions.Start(), b = sessions.Start();
        string tokenA = sessions.Antiforgery(a);
        Assert.Equal(tokenA, sessions.Antiforgery(a));
        Assert.True(sessions.CheckAntiforgery(a, tokenA));
        Assert.False(sessions.CheckAntiforgery(b, tokenA));
        Assert.False(sessions.CheckAntiforgery(a, null));
        Assert.False(sessions.CheckAntiforgery(a, ""));
        // Another daemon (another key) computes another token for the same session id.
        Assert.NotEqual(tokenA, new WebSessions(time, TimeSpan.FromHours(1)).Antiforgery(a));
    }

    [Fact]
    public void Who_names_a_session_without_revealing_it()
    {
        string who = WebSessions.Who("abc");
        Assert.Matches("^web session [0-9a-f]{8}$", who);
        Assert.Equal(who, WebSessions.Who("abc"));
        Assert.NotEqual(who, WebSessions.Who("abd"));
    }

    [Theory]
    [InlineData("127.0.0.1", 9477, "127.0.0.1:9477", true)]
    [InlineData("127.0.0.1", 9477, "localhost:9477", true)]
    [InlineData("127.0.0.1", 9477, "LOCALHOST", true)]
    [InlineData("127.0.0.1", 9477, "[::1]:9477", true)]
    [InlineData("127.0.0.1", 9477, "attacker.example:9477", false)]
    [InlineData("127.0.0.1", 9477, "127.0.0.1.nip.io:9477", false)]
    [InlineData("127.0.0.1", 9477, "127.0.0.1:9478", false)]
    [InlineData("127.0.0.1", 9477, "", false)]
    [InlineData("198.18.0.1", 8080, "198.18.0.1:8080", true)]
    [InlineData("198.18.0.1", 8080, "localhost:8080", false)]
    [InlineData("::1", 9477, "[::1]:9477", true)]
    [InlineData("0.0.0.0", 9477, "localhost:9477", true)]
    [InlineData("0.0.0.0", 9477, "203.0.113.5:9477", false)]
    [InlineData("dash.example", 443, "dash.example", true)]
    public void Only_the_names_a_listener_was_given_pass_the_host_check(string listen, int port, string host, bool allowed)
        => Assert.Equal(allowed, new HostNames(listen, port).Allows(host));

    [Fact]
    public void Action_bodies_become_enforcement_actions_or_say_what_is_wrong()
    {
        static ActionRequest Read(string json, string path)
        {
            using var doc = JsonDocument.Parse(json);
            return ActionRequest.From(doc.RootElement, path);
        }
        var ban = Read("""{"target":"198.18.0.7","duration":"90m","reason":"scanner"}""", "/api/ban");
        Assert.Null(ban.Error);
        Assert.Equal(EnforcementKind.Ban, ban.Action!.Kind);
        Assert.Equal("198.18.0.7", ban.Action.Target.ToString());
        Assert.Equal(TimeSpan.FromMinutes(90), ban.Action.Duration);
        Assert.Equal("web", ban.Action.Origin);
        Assert.Equal("scanner", ban.Action.Reason);
        Assert.True(ban.Action.Escalation.Factor > 1);

        var extend = Read("""{"target":"2001:2::7","duration":"2d"}""", "/api/extend");
        Assert.Equal("2001:2::/64", extend.Action!.Target.ToString());
        Assert.Equal(1.0, extend.Action.Escalation.Factor);
        Assert.Equal("extended from the dashboard", extend.Action.Reason);

        var unban = Read("""{"target":"198.18.4.0/24"}""", "/api/unban");
        Assert.Equal(EnforcementKind.Unban, unban.Action!.Kind);

        Assert.Contains("target", Read("""{"target":"nope","duration":"1h"}""", "/api/ban").Error, StringComparison.Ordinal);
        Assert.Contains("target", Read("""{"duration":"1h"}""", "/api/ban").Error, StringComparison.Ordinal);
        Assert.Contains("duration", Read("""{"target":"198.18.0.7"}""", "/api/ban").Error, StringComparison.Ordinal);
        Assert.Contains("duration", Read("""{"target":"198.18.0.7","duration":"0s"}""", "/api/ban").Error, StringComparison.Ordinal);
        Assert.Contains("reason", Read($$"""{"target":"198.18.0.7","duration":"1h","reason":"{{new string('r', 201)}}"}""", "/api/ban").Error, StringComparison.Ordinal);
        Assert.Contains("object", Read("""["198.18.0.7"]""", "/api/ban").Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_page_has_a_unique_path_and_the_assets_are_embedded()
    {
        Assert.Equal(Pages.All.Count, Pages.All.Select(p => p.Path).Distinct().Count());
        Assert.Equal("overview", Pages.Find("/")!.Name);
        Assert.Null(Pages.Find("/nope"));
        Assert.NotEmpty(Assets.Find("/assets/app.js")!);
        Assert.NotEmpty(Assets.Find("/assets/app.css")!);
        Assert.Null(Assets.Find("/assets/../secret"));
    }
}
