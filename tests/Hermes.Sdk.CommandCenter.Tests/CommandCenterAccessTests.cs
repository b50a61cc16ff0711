using System.Net;
using System.Text.Json;

namespace Hermes.Sdk.CommandCenter.Tests;

/// <summary>Who may reach the command center and what it answers: loopback or Tailscale only, its own Host only, reads only, no secret out.</summary>
public sealed class CommandCenterAccessTests
{
    private static readonly string[] Paths = ["/", "/agents", "/reviews", "/cron", "/tasks", "/api/brief", "/api/agents", "/api/reviews", "/api/cron", "/api/tasks"];

    [Theory]
    [InlineData("http://0.0.0.0:8780")]
    [InlineData("http://192.168.1.10:8780")]
    [InlineData("http://[::]:8780")]
    [InlineData("http://100.128.0.1:8780")] // just outside Tailscale's 100.64.0.0/10
    [InlineData("http://command-center.example:8780")]
    public async Task A_bind_that_is_neither_loopback_nor_Tailscale_is_refused_saying_why(string listen)
    {
        var options = new CommandCenterOptions { Listen = new Uri(listen) };
        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(() => CommandCenter.StartAsync(options));
        Assert.Contains("is not a loopback or Tailscale address", refused.Message, StringComparison.Ordinal);
        Assert.Contains("100.64.0.0/10", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_GET_and_HEAD_from_its_own_Host_and_no_token_in_any_page_or_JSON()
    {
        await using CommandCenterFixture fx = await CommandCenterFixture.StartAsync();
        using var http = new HttpClient { BaseAddress = fx.Center.Url };
        foreach (string path in Paths)
        {
            foreach (HttpMethod method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
            {
                using HttpResponseMessage refused = await http.SendAsync(new HttpRequestMessage(method, path));
                Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
                Assert.Equal("GET, HEAD", string.Join(", ", refused.Content.Headers.Allow));
            }

            using var rebinding = new HttpRequestMessage(HttpMethod.Get, path);
            rebinding.Headers.Host = "attacker.example";
            using HttpResponseMessage foreign = await http.SendAsync(rebinding);
            Assert.Equal(HttpStatusCode.MisdirectedRequest, foreign.StatusCode);

            using HttpResponseMessage head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);

            using HttpResponseMessage page = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            string text = await page.Content.ReadAsStringAsync();
            Assert.DoesNotContain(fx.Token, text, StringComparison.Ordinal);
            Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                using JsonDocument json = JsonDocument.Parse(text); // always valid JSON, with where it came from
                Assert.All(json.RootElement.GetProperty("sources").EnumerateArray(), s => Assert.Contains(s.GetProperty("freshness").GetString(), new[] { "live", "stale", "unknown" }));
            }
        }

        using var localhost = new HttpRequestMessage(HttpMethod.Get, "/");
        localhost.Headers.Host = $"localhost:{fx.Center.Url.Port}";
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(localhost)).StatusCode);
    }

    [Fact]
    public async Task Reading_changes_nothing_in_Gitea()
    {
        await using CommandCenterFixture fx = await CommandCenterFixture.StartAsync();
        using var http = new HttpClient { BaseAddress = fx.Center.Url };
        IReadOnlyDictionary<string, int> before = fx.Gitea.RequestCountsByRoute();
        foreach (string path in Paths)
        {
            (await http.GetAsync(path)).EnsureSuccessStatusCode();
        }

        Assert.DoesNotContain(fx.Gitea.RequestCountsByRoute().Where(r => r.Value > before.GetValueOrDefault(r.Key)), r => !r.Key.StartsWith("GET ", StringComparison.Ordinal));
    }
}
