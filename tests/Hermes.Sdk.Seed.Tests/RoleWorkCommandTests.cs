using System.Text.Json;
using System.Text.RegularExpressions;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Seed.Tests;

/// <summary>
/// <c>run</c> does the role's work through the agent loop, end to end through the planted program's entry point: a
/// scripted model answering with tool calls (OpenAI wire) behind every provider of the chain, the loopback forge.
/// </summary>
public sealed partial class RoleWorkCommandTests
{
    private const string O = SeedFixture.Owner;
    private const string R = SeedFixture.Repo;
    private const string Crisis = "I'm really sorry you're hurting. I can't help with that, but please call or text 988 right now — the Suicide & Crisis Lifeline is free and open all night. I'm here with you.";

    [Fact]
    public async Task A_worker_seed_opens_a_pull_request_for_the_issue_and_puts_the_issue_in_review()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        await using ScriptedModelServer model = await ScriptedModelServer.StartAsync(request => !request.AllText.Contains("Work issue #", StringComparison.Ordinal)
            ? ScriptedReply.Say(Crisis)
            : request.Results.Count switch
            {
                0 => ScriptedReply.Call("read_file", new { path = "src/Api.cs" }),
                1 => ScriptedReply.Call("write_file", new { branch = "hermes/timmy/1", path = "src/Api.cs", content = "// rate limited\n", sha = Sha().Match(request.Results[0].Content).Groups[1].Value }),
                2 => ScriptedReply.Call("open_pull_request", new { branch = "hermes/timmy/1", title = "Rate limiting", body = "A token bucket.", issue = 1 }),
                _ => ScriptedReply.Say("Rate-limited the API."),
            });
        await PrepareAsync(seed, model, "worker");
        using GiteaClient client = seed.Client();
        await client.Api.CreateFileAsync(O, R, "src/Api.cs", new CreateFileOptions { Content = GiteaContent.Encode("// api\n") });
        long issue = seed.Gitea.AddIssue(O, R, "root", "Add rate limiting to the API", "ready");

        (int code, JsonElement run, string error) = await seed.RunJsonAsync("run", "--once");

        Assert.True(code == SeedApp.Ok, error);
        JsonElement handled = Assert.Single(run.GetProperty("handled").EnumerateArray());
        Assert.Equal("in review (#2)", handled.GetProperty("outcome").GetString());
        GiteaPullRequest pr = await client.Api.GetPullRequestAsync(O, R, 2);
        Assert.Equal(("hermes/timmy/1", "main"), (pr.Head!.Ref, pr.Base!.Ref));
        Assert.Contains($"Closes #{issue}", pr.Body, StringComparison.Ordinal);
        Assert.Equal("// rate limited\n", (await client.Api.GetFileAsync(O, R, "src/Api.cs", pr.Head.Sha)).DecodeText());
        Assert.Contains("in-review", (await client.Api.GetIssueLabelsAsync(O, R, issue)).Select(l => l.Name));
        Assert.Contains((await client.Api.ListCommentsAsync(O, R, issue)).Select(c => c.Body), b => b.StartsWith("**Pull request:** #2", StringComparison.Ordinal));
        Assert.Contains("I am timmy, an agent of the timmy fleet", model.Requests[^1].AllText, StringComparison.Ordinal); // the conscience went with every request
    }

    [Fact]
    public async Task The_work_section_of_config_yaml_is_the_budget_each_task_runs_on()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        await using ScriptedModelServer model = await ScriptedModelServer.StartAsync(request => !request.AllText.Contains("Work issue #", StringComparison.Ordinal)
            ? ScriptedReply.Say(Crisis)
            : request.Results.Count switch
            {
                0 => ScriptedReply.Call("write_file", new { branch = "hermes/timmy/1", path = "docs/limits.md", content = "# Limits\n" }),
                _ => ScriptedReply.Call("list_files", new { reference = "hermes/timmy/1" }), // on and on, past the budget
            });
        await PrepareAsync(seed, model, "worker", "work:\n  max_tool_calls: 3\n");
        long issue = seed.Gitea.AddIssue(O, R, "root", "Document the limits", "ready");

        (int code, JsonElement run, string error) = await seed.RunJsonAsync("run", "--once");

        Assert.True(code == SeedApp.Ok, error);
        Assert.Equal(4, model.Requests.Count(r => r.AllText.Contains("Work issue #", StringComparison.Ordinal))); // three calls ran, the fourth was refused
        Assert.Equal("in review (#2)", Assert.Single(run.GetProperty("handled").EnumerateArray()).GetProperty("outcome").GetString());
        using GiteaClient client = seed.Client();
        string comment = (await client.Api.ListCommentsAsync(O, R, issue)).Select(c => c.Body).Single(b => b.StartsWith("**Pull request:** #2", StringComparison.Ordinal));
        Assert.Contains("**Could not finish:** stopped by its budget (ToolCallBudget)", comment, StringComparison.Ordinal);
        Assert.Contains("the task's budget of 3 tool calls is spent", comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_strategist_seed_reviews_open_pull_requests_before_planning_and_never_approves_a_failing_one()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        await using ScriptedModelServer model = await ScriptedModelServer.StartAsync(request => !request.AllText.Contains("Review pull request #", StringComparison.Ordinal)
            ? ScriptedReply.Say(request.AllText.Contains("needs a plan", StringComparison.Ordinal) ? "Plan: one step." : Crisis)
            : request.Results.Count switch
            {
                0 => ScriptedReply.Call("post_review", new { number = 1, verdict = "approve", body = "ok" }),
                1 => ScriptedReply.Call("post_review", new { number = 1, verdict = "request_changes", body = "CI fails.", comments = new[] { new { path = "a.txt", line = 1, body = "This line breaks the build." } } }),
                _ => ScriptedReply.Say("Changes requested."),
            });
        await PrepareAsync(seed, model, "strategist");
        seed.Gitea.AddUser("worker-1", "worker-1-password");
        seed.Gitea.AddCollaborator(O, R, "worker-1");
        string variable = "HERMES_SEED_TEST_WORKER_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, seed.Gitea.AddToken("worker-1", "write:repository"));
        using GiteaClient worker = GiteaClient.Create(new GiteaClientOptions { BaseUrl = seed.Gitea.BaseUrl, TokenEnvironmentVariable = variable });
        await worker.Api.CreateBranchAsync(O, R, new CreateBranchRepoOption { NewBranchName = "hermes/worker-1/9" });
        GiteaFileResponse file = await worker.Api.CreateFileAsync(O, R, "a.txt", new CreateFileOptions { Content = GiteaContent.Encode("broken\n"), Branch = "hermes/worker-1/9" });
        await worker.Api.CreateStatusAsync(O, R, file.Commit!.Sha, new CreateStatusOption { State = "failure", Context = "ci/build" });
        await worker.Api.CreatePullRequestAsync(O, R, new CreatePullRequestOption { Head = "hermes/worker-1/9", Base = "main", Title = "Add a.txt" });
        long issue = seed.Gitea.AddIssue(O, R, "root", "Plan the week", "ready");

        (int code, JsonElement run, string error) = await seed.RunJsonAsync("run", "--once");
        Environment.SetEnvironmentVariable(variable, null);

        Assert.True(code == SeedApp.Ok, error);
        JsonElement review = Assert.Single(run.GetProperty("reviewed").EnumerateArray());
        Assert.Equal(("REQUEST_CHANGES", 1), (review.GetProperty("review").GetString(), review.GetProperty("lineComments").GetInt32()));
        using GiteaClient client = seed.Client();
        Assert.DoesNotContain(await client.ListReviewsAsync(O, R, 1).ToListAsync(), r => r.State == "APPROVED");
        Assert.StartsWith("Plan: one step.", Assert.Single(await client.Api.ListCommentsAsync(O, R, issue)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_config_mcp_servers_and_a_skills_mcp_server_become_tools_of_the_loop()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        await using ScriptedModelServer model = await ScriptedModelServer.StartAsync(request => !request.AllText.Contains("Work issue #", StringComparison.Ordinal)
            ? ScriptedReply.Say(Crisis)
            : request.Results.Count == 0 ? ScriptedReply.Call("echo", new { message = "from the config's server" }) : ScriptedReply.Say(request.Results[0].Content));
        string everything = Path.Combine(RepoPaths.Interop, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
        string skill = seed.Dir.Combine("skills", "workspace", "sums");
        Directory.CreateDirectory(Path.Combine(skill, "scripts"));
        File.WriteAllText(Path.Combine(skill, "SKILL.md"), "---\nname: sums\ndescription: Adds numbers with the skill's own MCP server.\n---\n\n## Trigger\nSums.\n\n## Steps\n1. Call add.\n\n## Pitfalls\nNone.\n\n## Verification\nThe sum is right.\n");
        File.WriteAllText(Path.Combine(skill, "scripts", "mcp_server.sh"), $"exec node '{everything}' stdio\n");
        await PrepareAsync(seed, model, "worker", $"""
            mcp_servers:
              - name: everything
                command: node
                args: ["{everything}", stdio]
                tiers: [worker]
                tools: [echo]
            """);
        seed.Gitea.AddIssue(O, R, "root", "Say hello", "ready");

        (int code, _, string error) = await seed.RunJsonAsync("run", "--once");

        Assert.True(code == SeedApp.Ok, error);
        IReadOnlyList<string> offered = model.Requests.First(r => r.AllText.Contains("Work issue #", StringComparison.Ordinal)).Tools;
        Assert.Contains("echo", offered);          // the config's server, only the tool it allows
        Assert.Contains("get-sum", offered);       // the skill's own server, started from scripts/mcp_server.sh
        Assert.Contains("skill_view", offered);    // and the skills themselves
        Assert.Contains("Echo: from the config's server", model.Requests[^1].Results.Single().Content, StringComparison.Ordinal);
        Assert.Contains("warning: MCP server 'skill-sums': its tool 'echo'", error, StringComparison.Ordinal); // shadowed by the config's echo
    }

    /// <summary>Points every provider of the chain at the scripted model, pins the soul and clears the ship gate.</summary>
    private static async Task PrepareAsync(SeedFixture seed, ScriptedModelServer model, string role, string extra = "")
    {
        string config = seed.Config(role);
        foreach (FakeModelServer fake in seed.Models)
        {
            config = config.Replace(fake.OpenAIBaseUrl.ToString(), model.OpenAIBaseUrl.ToString(), StringComparison.Ordinal);
        }

        File.WriteAllText(seed.ConfigPath, config + "\n" + extra);
        Assert.Equal(0, (await seed.RunAsync("soul", "pin")).Code);
        (int safety, _, string error) = await seed.RunJsonAsync("safety", "run", "--samples", "1");
        Assert.True(safety == SeedApp.Ok, error);
    }

    [GeneratedRegex("sha ([0-9a-f]{40})")]
    private static partial Regex Sha();
}
