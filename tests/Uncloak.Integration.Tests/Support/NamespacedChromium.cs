using Microsoft.Playwright;
using Xunit;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (never a downloaded browser) inside a network namespace, so it reaches the
/// daemon's loopback listener there and nothing else: a two-line wrapper runs <c>ip netns exec NS chromium</c>, which
/// replaces itself with the browser, and the pipes Playwright talks over are inherited as they are. Every console error
/// and uncaught page error of the context is collected for the test to assert on.
/// </summary>
internal sealed class NamespacedChromium : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly List<string> _errors = [];

    private NamespacedChromium(IPlaywright playwright, IBrowser browser, IBrowserContext context)
    {
        _playwright = playwright;
        _browser = browser;
        Context = context;
        context.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                Add($"{m.Location}: {m.Text}");
            }
        };
        context.WebError += (_, e) => Add(e.Error);
    }

    /// <summary>The browser context the pages open in.</summary>
    public IBrowserContext Context { get; }

    /// <summary>The console and page errors seen so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Starts Chromium in <paramref name="ns"/>, its wrapper script written in <paramref name="dir"/>.</summary>
    public static async Task<NamespacedChromium> LaunchAsync(string ns, string dir, int height = 900)
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is missing: test.sh installs it");
        var wrapper = Path.Combine(dir, "chromium-in-netns");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec ip netns exec {ns} /usr/bin/chromium \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = wrapper, Headless = true, Timeout = 60_000 });
            var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = height } });
            return new NamespacedChromium(playwright, browser, context);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Fails the test when the pages reported any error.</summary>
    public void AssertNoErrors()
    {
        var errors = Errors;
        Assert.True(errors.Count == 0, "console errors: " + string.Join("\n", errors));
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    private void Add(string error)
    {
        lock (_errors)
        {
            _errors.Add(error);
        }
    }
}
