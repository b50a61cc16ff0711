using System.Text.RegularExpressions;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.TaskQueue;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Agents.Tests;

/// <summary>A worker turns an issue into a pull request through tool calls, in both wire formats, against the loopback forge.</summary>
public sealed partial class WorkerFlowTests
{
    private const string O = AgentFixture.Owner;
    private const string R = AgentFixture.Repo;
    private const string Api = "public static class Api\n{\n    public static string Get(string path) => path;\n}\n";
    private const string Limited = "public static class Api\n{\n    private static readonly RateLimiter Limiter = new(100);\n\n    public static string Get(string path) => Limiter.Allow() ? path : \"429\";\n}\n";
    private static readonly string[] WorkerScopes = ["write:issue", "write:repository", "read:user"];

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_worker_turns_an_issue_into_a_linked_pull_request_and_the_issue_goes_to_review(string wire)
    {
        GiteaClient? ci = null;
        await using AgentFixture fx = await AgentFixture.StartAsync(wire, request => request.Results.Count switch
        {
            0 => ScriptedReply.Call("read_issue", new { number = 1 }),
            1 => ScriptedReply.Call("read_file", new { path = "src/Api.cs", reference = "" }),
            2 => ScriptedReply.Call("write_file", new { branch = "hermes/worker-1/1", path = "src/Api.cs", content = Limited, sha = ShaIn(request.Results[1].Content), message = "Rate-limit Api.Get" }),
            3 => ScriptedReply.Call("open_pull_request", new { branch = "hermes/worker-1/1", title = "Add rate limiting to the API", body = "Api.Get now goes through a token bucket of 100.", issue = 1 }),
            _ => ScriptedReply.Say(PostCiStatus(ci!, "Api.Get is rate-limited (100 per window); I could not add a load test: the repository has none to extend.")),
        });
        GiteaClient worker = fx.Account("worker-1", WorkerScopes);
        ci = fx.Account("ci-bot", "write:repository");
        await worker.Api.CreateFileAsync(O, R, "src/Api.cs", new CreateFileOptions { Content = GiteaContent.Encode(Api) });
        fx.Forge.AddIssue(O, R, "wolf-1", "Add rate limiting to the API", "ready");
        var queue = new GiteaTaskQueue(worker, Options.Create(new GiteaTaskQueueOptions { Owner = O, Repo = R, Agent = "worker-1" }));
        await queue.InitializeAsync();
        TaskClaim claim = (await queue.ClaimNextAsync())!;
        await queue.StartAsync(claim);
        GiteaIssue issue = await worker.Api.GetIssueAsync(O, R, claim.Number);

        var flow = new WorkerFlow(fx.Loop(), worker, new GiteaToolOptions { Owner = O, Repo = R, Agent = "worker-1" }, WorkerScopes);
        WorkerResult result = await flow.RunAsync(issue);
        await queue.LinkPullRequestAsync(claim, result.PullRequest!.Number);
        await worker.Api.CreateCommentAsync(O, R, claim.Number, new CreateIssueCommentOption { Body = result.ToComment("worker-1") });

        // The pull request: from the worker's branch into main, closing the issue, with exactly the file change scripted.
        GiteaPullRequest pr = await worker.Api.GetPullRequestAsync(O, R, result.PullRequest.Number);
        Assert.Equal(("hermes/worker-1/1", "main", "open"), (pr.Head!.Ref, pr.Base!.Ref, pr.State));
        Assert.Contains("Closes #1", pr.Body, StringComparison.Ordinal);
        Assert.Equal(Limited, (await worker.Api.GetFileAsync(O, R, "src/Api.cs", pr.Head.Sha)).DecodeText());
        Assert.Equal(Api, (await worker.Api.GetFileAsync(O, R, "src/Api.cs", "main")).DecodeText());
        GiteaChangedFile changed = Assert.Single((await worker.Api.ListPullRequestFilesAsync(O, R, pr.Number)).Content!);
        Assert.Equal(("src/Api.cs", 3, 1), (changed.Filename, changed.Additions, changed.Deletions));

        // The issue is in review, and the worker's comment says what it did, what it could not, and what CI said.
        Assert.Contains("in-review", await LabelsAsync(worker, claim.Number));
        string comment = (await worker.Api.ListCommentsAsync(O, R, claim.Number)).Last().Body;
        Assert.Contains($"**Pull request:** #{pr.Number}", comment, StringComparison.Ordinal);
        Assert.Contains("- ci/tests: success", comment, StringComparison.Ordinal);
        Assert.Contains("could not add a load test", comment, StringComparison.Ordinal);
        Assert.Contains("`open_pull_request(", comment, StringComparison.Ordinal);
        Assert.Equal(AgentStopReason.Completed, result.Run.StopReason);
        Assert.All(result.Run.Audit.Calls, c => Assert.Equal(ToolCallOutcome.Succeeded, c.Outcome));
        Assert.Contains("write_file", fx.Model.Requests[0].Tools);
        Assert.DoesNotContain("post_review", fx.Model.Requests[0].Tools);
    }

    [Fact]
    public async Task A_worker_cannot_write_the_default_branch_or_review_and_a_stale_sha_is_refused()
    {
        await using AgentFixture fx = await AgentFixture.StartAsync("openai", request => request.Results.Count switch
        {
            0 => ScriptedReply.Call("read_file", new { path = "src/Api.cs" }),
            1 => ScriptedReply.Call("write_file", new { branch = "main", path = "src/Api.cs", content = "pwned", sha = ShaIn(request.Results[0].Content) }),
            2 => ScriptedReply.Call("write_file", new { branch = "hermes/someone-else/1", path = "src/Api.cs", content = "pwned", sha = ShaIn(request.Results[0].Content) }),
            3 => ScriptedReply.Call("post_review", new { number = 1, verdict = "approve", body = "lgtm" }),
            4 => ScriptedReply.Call("write_file", new { branch = "hermes/worker-1/1", path = "src/Api.cs", content = "changed elsewhere", sha = "0000000000000000000000000000000000000000" }),
            _ => ScriptedReply.Say("done"),
        });
        GiteaClient worker = fx.Account("worker-1", WorkerScopes);
        await worker.Api.CreateFileAsync(O, R, "src/Api.cs", new CreateFileOptions { Content = GiteaContent.Encode(Api) });
        fx.Forge.AddIssue(O, R, "wolf-1", "Add rate limiting to the API", "ready");

        WorkerResult result = await new WorkerFlow(fx.Loop(), worker, new GiteaToolOptions { Owner = O, Repo = R, Agent = "worker-1" }, WorkerScopes).RunAsync(await worker.Api.GetIssueAsync(O, R, 1));

        Assert.Equal(Api, (await worker.Api.GetFileAsync(O, R, "src/Api.cs", "main")).DecodeText());
        Assert.Equal(Api, (await worker.Api.GetFileAsync(O, R, "src/Api.cs", "hermes/worker-1/1")).DecodeText());
        Assert.Null(result.PullRequest); // nothing was committed: no pull request
        IReadOnlyList<ToolCallRecord> calls = result.Run.Audit.Calls;
        Assert.Equal((ToolCallOutcome.Refused, ToolCallOutcome.Refused), (calls[1].Outcome, calls[2].Outcome)); // the tool's own rule: nothing written
        Assert.Contains("not allowed for this agent", calls[1].Detail, StringComparison.Ordinal);
        Assert.Contains("not one of your branches", calls[2].Detail, StringComparison.Ordinal);
        Assert.Equal((ToolCallOutcome.Refused, "post_review"), (calls[3].Outcome, calls[3].Tool));
        Assert.Equal(ToolCallOutcome.Failed, calls[4].Outcome); // a stale sha is the model's mistake, to be read again
        Assert.Contains("changed on hermes/worker-1/1 since you read it", calls[4].Detail, StringComparison.Ordinal);
        Assert.Equal(3, result.Run.Audit.Refused);
        Assert.Contains("**No pull request:**", result.ToComment("worker-1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Work_committed_without_a_pull_request_gets_one_when_the_budget_ends()
    {
        await using AgentFixture fx = await AgentFixture.StartAsync("anthropic", request => request.Results.Count switch
        {
            0 => ScriptedReply.Call("write_file", new { branch = "hermes/worker-1/1", path = "docs/limits.md", content = "# Limits\n" }),
            _ => ScriptedReply.Call("list_files", new { reference = "hermes/worker-1/1" }),
        });
        GiteaClient worker = fx.Account("worker-1", WorkerScopes);
        fx.Forge.AddIssue(O, R, "wolf-1", "Document the limits", "ready");

        WorkerFlow flow = new(fx.Loop(), worker, new GiteaToolOptions { Owner = O, Repo = R, Agent = "worker-1" }, WorkerScopes) { Budget = new AgentBudget { MaxToolCalls = 3 } };
        WorkerResult result = await flow.RunAsync(await worker.Api.GetIssueAsync(O, R, 1));

        Assert.Equal(AgentStopReason.ToolCallBudget, result.Run.StopReason);
        ToolCallRecord listed = result.Run.Audit.Calls.First(c => c.Tool == "list_files");
        Assert.Equal(ToolCallOutcome.Succeeded, listed.Outcome); // the branch's slashes reach the forge as one ref
        Assert.Contains("docs/limits.md", listed.Detail, StringComparison.Ordinal);
        Assert.NotNull(result.PullRequest);
        Assert.Contains("Closes #1", result.PullRequest.Body, StringComparison.Ordinal);
        Assert.Contains("**Could not finish:** stopped by its budget (ToolCallBudget)", result.ToComment("worker-1"), StringComparison.Ordinal);
    }

    private static string ShaIn(string readFileResult) => ShaPattern().Match(readFileResult).Groups[1].Value;

    /// <summary>The repository's CI, reporting on the pull request's head as the worker finishes.</summary>
    private static string PostCiStatus(GiteaClient ci, string answer)
    {
        string head = ci.Api.GetBranchAsync(O, R, "hermes/worker-1/1").GetAwaiter().GetResult().Commit!.Id;
        ci.Api.CreateStatusAsync(O, R, head, new CreateStatusOption { State = "success", Context = "ci/tests" }).GetAwaiter().GetResult();
        return answer;
    }

    private static async Task<IReadOnlyList<string>> LabelsAsync(GiteaClient client, long number) =>
        [.. (await client.Api.GetIssueLabelsAsync(O, R, number)).Select(l => l.Name)];

    [GeneratedRegex("sha ([0-9a-f]{40})")]
    private static partial Regex ShaPattern();
}
