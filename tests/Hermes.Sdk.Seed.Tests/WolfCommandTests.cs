using System.Text.Json;
using Hermes.Sdk.Agents;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.TaskQueue;

namespace Hermes.Sdk.Seed.Tests;

/// <summary>A wolf seed's <c>run</c> and <c>run --burn</c>, end to end through the planted program's entry point.</summary>
public sealed class WolfCommandTests
{
    private const string O = SeedFixture.Owner;
    private const string R = SeedFixture.Repo;

    [Fact]
    public async Task A_wolf_seed_triages_stale_issues_with_the_rubric_and_prints_the_burn_report_as_json()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        File.WriteAllText(seed.ConfigPath, seed.Config("wolf"));
        foreach (var model in seed.Models)
        {
            Func<TestSupport.ReceivedModelRequest, string>? safe = model.Responder;
            model.Responder = request => request.Body.Contains("Triage issue #", StringComparison.Ordinal)
                ? "Evidence:\n- PR #89 changed `Api.cs` after this was filed\nRecommended action: close as fixed by #89\nConfidence: high"
                : safe!(request);
        }

        long first = seed.Gitea.AddIssue(O, R, "root", "Old crash report");
        long second = seed.Gitea.AddIssue(O, R, "root", "Old feature idea");
        Assert.Equal(0, (await seed.RunAsync("soul", "pin")).Code);
        Assert.Equal(SeedApp.Ok, (await seed.RunJsonAsync("safety", "run", "--samples", "1")).Code);

        (int code, JsonElement report, string error) = await seed.RunJsonAsync("run", "--burn", "--stale-after", "00:00:00.001");

        Assert.True(code == SeedApp.Ok, error + report);
        Assert.Equal([first, second], report.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("number").GetInt64()));
        Assert.All(report.GetProperty("entries").EnumerateArray(), e => Assert.Equal("triaged", e.GetProperty("outcome").GetString()));
        Assert.Contains("#1: triaged", error, StringComparison.Ordinal); // progress on stderr
        using GiteaClient client = seed.Client();
        GiteaComment triage = Assert.Single(await client.Api.ListCommentsAsync(O, R, first));
        Assert.Empty(TriageComment.Check(triage.Body));
        Assert.EndsWith(BurnNight.Marker, triage.Body, StringComparison.Ordinal);
        Assert.Contains("I am timmy, an agent of the timmy fleet", seed.Models[0].Requests[^1].Body, StringComparison.Ordinal); // the conscience went with it

        // A strategist seed is told burn night is not its work, naming the field.
        File.WriteAllText(seed.ConfigPath, seed.Config("strategist"));
        (int refused, _, string why) = await seed.RunAsync("run", "--burn");
        Assert.Equal(SeedApp.BadInput, refused);
        Assert.Contains("config.yaml: role: burn night is the wolf's work", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wolf_whose_model_ignores_the_rubric_tries_twice_posts_one_note_and_does_not_claim_the_issue_again()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        File.WriteAllText(seed.ConfigPath, seed.Config("wolf"));
        foreach (var model in seed.Models)
        {
            Func<TestSupport.ReceivedModelRequest, string>? safe = model.Responder;
            model.Responder = request => request.Body.Contains("Issue #", StringComparison.Ordinal) ? "Looks old to me." : safe!(request);
        }

        long issue = seed.Gitea.AddIssue(O, R, "root", "Old crash report", "ready");
        Assert.Equal(0, (await seed.RunAsync("soul", "pin")).Code);
        Assert.Equal(SeedApp.Ok, (await seed.RunJsonAsync("safety", "run", "--samples", "1")).Code);
        int before = seed.Models[0].Calls;

        (int code, JsonElement run, string error) = await seed.RunJsonAsync("run", "--once");

        Assert.True(code == SeedApp.Ok, error);
        Assert.Equal(2, seed.Models[0].Calls - before); // two tries, no more
        Assert.Contains("no triage passed the rubric in two tries", Assert.Single(run.GetProperty("handled").EnumerateArray()).GetProperty("note").GetString(), StringComparison.Ordinal);
        using GiteaClient client = seed.Client();
        GiteaComment note = Assert.Single(await client.Api.ListCommentsAsync(O, R, issue));
        Assert.Contains("could not triage this within the rubric", note.Body, StringComparison.Ordinal);

        // The next run leaves it to people: nothing claimed, no model asked, no second note.
        (int again, JsonElement next, _) = await seed.RunJsonAsync("run", "--once");
        Assert.Equal(SeedApp.Ok, again);
        Assert.Empty(next.GetProperty("handled").EnumerateArray());
        Assert.Single(await client.Api.ListCommentsAsync(O, R, issue));
        Assert.Equal(2, seed.Models[0].Calls - before);
    }

    [Fact]
    public async Task A_webhook_for_a_ready_issue_wakes_a_waiting_wolf_long_before_its_polling_interval()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        int port = TestSupport.LoopbackApp.FreePort();

        string secretVariable = "HERMES_SEED_TEST_HOOK_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(secretVariable, "s3cret");
        File.WriteAllText(seed.ConfigPath, seed.Config("wolf").Replace("  admin_token_env:", $"  webhook_listen: http://127.0.0.1:{port}/hooks/gitea\n  webhook_secret_env: {secretVariable}\n  admin_token_env:", StringComparison.Ordinal));
        foreach (var model in seed.Models)
        {
            Func<TestSupport.ReceivedModelRequest, string>? safe = model.Responder;
            model.Responder = request => request.Body.Contains("Triage issue #", StringComparison.Ordinal)
                ? "Evidence:\n- `Api.cs` has no limiter\nRecommended action: add one\nConfidence: medium"
                : safe!(request);
        }

        Assert.Equal(0, (await seed.RunAsync("soul", "pin")).Code);
        Assert.Equal(SeedApp.Ok, (await seed.RunJsonAsync("safety", "run", "--samples", "1")).Code);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var output = new StringWriter();
        using var error = new StringWriter();
        Task<int> running = SeedApp.RunAsync(["run", "--interval", "00:10:00"], new SeedAppOptions { Directory = seed.Dir.Path, Out = output, Error = error, IdentityRoot = seed.Dir.Combine(".identities") }, stop.Token);
        using var http = new HttpClient();
        using GiteaClient client = seed.Client();
        async Task<System.Net.HttpStatusCode?> DeliverAsync(string body, string secret)
        {
            using var delivery = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/hooks/gitea") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            delivery.Headers.Add("X-Gitea-Event", "issues");
            delivery.Headers.Add("X-Gitea-Signature", Gitea.Webhooks.GiteaWebhookSignature.Compute(secret, System.Text.Encoding.UTF8.GetBytes(body)));
            try
            {
                using HttpResponseMessage answer = await http.SendAsync(delivery, stop.Token);
                return answer.StatusCode;
            }
            catch (HttpRequestException)
            {
                return null; // not listening yet
            }
        }

        // The receiver listens (a delivery signed with another secret is refused, and wakes nothing), then the wolf's
        // first poll has found nothing ready: only now does the issue exist, so only the webhook can end the
        // ten-minute wait.
        while (await DeliverAsync("{}", "not the secret") != System.Net.HttpStatusCode.Unauthorized)
        {
            await Task.Delay(100, stop.Token);
        }

        while (seed.Gitea.RequestCount("GET", $"/api/v1/repos/{O}/{R}/issues") == 0)
        {
            await Task.Delay(50, stop.Token);
        }

        await Task.Delay(500, stop.Token);
        long issue = seed.Gitea.AddIssue(O, R, "root", "Add rate limiting", "ready");
        var started = System.Diagnostics.Stopwatch.StartNew();
        string wake = $$$"""{"action":"label_updated","number":{{{issue}}},"issue":{"number":{{{issue}}},"state":"open","labels":[{"name":"ready"}]},"repository":{"full_name":"{{{O}}}/{{{R}}}"}}""";
        Assert.Equal(System.Net.HttpStatusCode.NoContent, await DeliverAsync(wake, "s3cret"));

        while ((await client.Api.ListCommentsAsync(O, R, issue, stop.Token)).Count == 0 || !error.ToString().Contains("woken:", StringComparison.Ordinal))
        {
            await Task.Delay(100, stop.Token);
        }

        Assert.True(started.Elapsed < TimeSpan.FromMinutes(1), $"took {started.Elapsed}");
        await stop.CancelAsync();
        await running;
        Environment.SetEnvironmentVariable(secretVariable, null);
        Assert.Contains($"woken: IssueReady {O}/{R}#{issue}", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(TriageComment.Check(Assert.Single(await client.Api.ListCommentsAsync(O, R, issue)).Body));
    }
}
