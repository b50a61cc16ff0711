using Microsoft.Playwright;

namespace Hermes.Sdk.CommandCenter.Tests;

/// <summary>The five views in a real browser, against the loopback forge and a real nats-server: the seeded truth, then sources stopped.</summary>
public sealed class CommandCenterBrowserTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact]
    public async Task Each_view_shows_the_seeded_truth_with_its_sources_and_drill_through_links()
    {
        await using CommandCenterFixture fx = await CommandCenterFixture.StartAsync();
        IPage page = await chromium.Browser.NewPageAsync();
        string gitea = fx.Gitea.BaseUrl.ToString().TrimEnd('/');

        // Task board: every lane from Gitea's own signals, the ambiguous card saying so, links to the issues.
        await GoAsync(page, fx, "/tasks", "task-board");
        foreach ((string key, string lane) in new[] { ("unassigned", "unassigned"), ("assigned", "assigned"), ("in-progress", "in progress"), ("blocked", "blocked"), ("in-review", "in review") })
        {
            ILocator card = page.Locator($"section[data-lane='{lane}'] div[data-issue='timmy/timmy-workspace#{fx.Issues[key]}']");
            Assert.Equal(1, await card.CountAsync());
            Assert.Equal($"{gitea}/timmy/timmy-workspace/issues/{fx.Issues[key]}", await card.Locator("a").First.GetAttributeAsync("href"));
        }

        Assert.Contains("labels disagree: blocked, in-progress", await page.Locator($"div[data-issue='timmy/timmy-workspace#{fx.Issues["ambiguous"]}']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal($"{gitea}/timmy/timmy-workspace/pulls/{fx.Pulls["soul"]}", await page.Locator($"div[data-issue='timmy/timmy-workspace#{fx.Issues["in-review"]}'] a").Nth(1).GetAttributeAsync("href"));

        // Review queue: the soul change needs judgment and is blocked by its failing check; the typo fix is ready.
        await GoAsync(page, fx, "/reviews", "review-queue");
        string soul = await page.Locator($"tr[data-pull='timmy/timmy-workspace#{fx.Pulls["soul"]}']").InnerTextAsync();
        Assert.Contains("needs judgment: SOUL.md", soul, StringComparison.Ordinal);
        Assert.Contains("checks failing: ci/tests", soul, StringComparison.Ordinal);
        string typo = await page.Locator($"tr[data-pull='timmy/timmy-workspace#{fx.Pulls["typo"]}']").InnerTextAsync();
        Assert.Contains("approved", typo, StringComparison.Ordinal);
        Assert.Contains("ready to merge", typo, StringComparison.Ordinal);
        Assert.Contains("routine", typo, StringComparison.Ordinal);
        Assert.Equal($"{gitea}/timmy/timmy-workspace/pulls/{fx.Pulls["typo"]}", await page.Locator($"tr[data-pull='timmy/timmy-workspace#{fx.Pulls["typo"]}'] a").GetAttributeAsync("href"));

        // Agent health: busy with its claim and model; rate-limited; registered but never seen is down.
        await GoAsync(page, fx, "/agents", "agent-health");
        Assert.Equal("busy", await page.Locator("#agent-timmy").GetAttributeAsync("data-state"));
        string timmy = await page.Locator("#agent-timmy").InnerTextAsync();
        Assert.Contains("anthropic/claude-sonnet-4-5", timmy, StringComparison.Ordinal);
        Assert.Contains($"timmy/timmy-workspace#{fx.Issues["in-progress"]}", timmy, StringComparison.Ordinal);
        Assert.Equal($"{gitea}/timmy", await page.Locator("#agent-timmy a").First.GetAttributeAsync("href"));
        Assert.Equal($"{gitea}/timmy/timmy-workspace/issues/{fx.Issues["in-progress"]}", await page.Locator("#agent-timmy a").Nth(1).GetAttributeAsync("href"));
        Assert.Equal("rate-limited", await page.Locator("#agent-wolf-1").GetAttributeAsync("data-state"));
        Assert.NotEqual("—", await page.Locator("#agent-timmy td").Nth(4).InnerTextAsync()); // last well: its busy beats
        Assert.Equal("—", await page.Locator("#agent-wolf-1 td").Nth(4).InnerTextAsync()); // never well since the watch began
        Assert.Equal("down", await page.Locator("#agent-ghost").GetAttributeAsync("data-state"));

        // Cron state: the paused job with its reason; the runner that stopped looking; the source itself stale.
        await GoAsync(page, fx, "/cron", "cron-state");
        Assert.Contains("paused: gitea maintenance until Friday", await page.Locator("#schedule-reaper").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("runner absent", await page.Locator("#schedule-burn-night").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("stale", await page.Locator("tr[data-source='fleet bus: schedules'] td").Nth(1).InnerTextAsync());

        // Brief status: red first, each item pointing at its object; never green with a stale source.
        await GoAsync(page, fx, "/", "brief-status");
        Assert.Equal("red", await page.Locator("#overall").GetAttributeAsync("data-overall"));
        Assert.Equal("red", await page.Locator("#items tr[data-level]").First.GetAttributeAsync("data-level"));
        Assert.Contains("ghost is down", await page.Locator("#items").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal($"{gitea}/timmy/timmy-workspace/pulls/{fx.Pulls["soul"]}", await page.Locator("#items a", new() { HasTextString = "touches SOUL.md" }).GetAttributeAsync("href"));
        Assert.Equal(5, await page.Locator("header a:not([href^='/api'])").CountAsync());
    }

    [Fact]
    public async Task A_stopped_source_turns_its_tiles_unknown_with_the_reason_never_green()
    {
        await using CommandCenterFixture fx = await CommandCenterFixture.StartAsync(o =>
        {
            o.Gitea.CacheFor = TimeSpan.FromMilliseconds(100);
            o.Gitea.Timeout = TimeSpan.FromSeconds(2);
            o.Fleet.CacheFor = TimeSpan.FromMilliseconds(100);
            o.Fleet.Timeout = TimeSpan.FromSeconds(2);
            o.Schedules.CacheFor = TimeSpan.FromMilliseconds(100);
            o.Schedules.Timeout = TimeSpan.FromSeconds(2);
        });
        IPage page = await chromium.Browser.NewPageAsync();
        await GoAsync(page, fx, "/agents", "agents-before");
        Assert.Equal("busy", await page.Locator("#agent-timmy").GetAttributeAsync("data-state"));

        await fx.Gitea.DisposeAsync();
        await fx.Nats.KillAsync();
        await Task.Delay(300);

        await GoAsync(page, fx, "/agents", "agents-unknown");
        Assert.Contains("Agent health unknown", await page.Locator("#fleet-unknown").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#agents tr[data-state]").CountAsync()); // no agent shown down (or up) on no evidence
        Assert.Equal("unknown", await page.Locator("tr[data-source='fleet bus: registry and heartbeats'] td").Nth(1).InnerTextAsync());
        Assert.NotEqual("—", await page.Locator("tr[data-source='fleet bus: registry and heartbeats'] td").Nth(5).InnerTextAsync()); // the last good read

        await GoAsync(page, fx, "/tasks", "tasks-unknown");
        Assert.Contains("unknown", await page.Locator("p[data-unknown='gitea timmy/timmy-workspace']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("div.card").CountAsync());

        await GoAsync(page, fx, "/", "brief-unknown");
        Assert.NotEqual("green", await page.Locator("#overall").GetAttributeAsync("data-overall"));
        Assert.Equal(3, await page.Locator("#items tr[data-level='unknown']").CountAsync());
        Assert.Equal(0, await page.Locator(".green").CountAsync());
    }

    private static async Task GoAsync(IPage page, CommandCenterFixture fx, string path, string screenshot)
    {
        IResponse? response = await page.GotoAsync(new Uri(fx.Center.Url, path).ToString());
        Assert.Equal(200, response!.Status);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.Screenshots, screenshot + ".png"), FullPage = true });
    }
}
