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
}
