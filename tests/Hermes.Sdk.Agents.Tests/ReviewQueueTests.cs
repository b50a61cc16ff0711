using System.Text.RegularExpressions;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Agents.Tests;

/// <summary>A strategist works its review queue through tool calls, in both wire formats, against the loopback forge.</summary>
public sealed partial class ReviewQueueTests
{
    private const string O = AgentFixture.Owner;
    private const string R = AgentFixture.Repo;
    private const string Leaky = "public static class Auth\n{\n    public static void SignIn(string token)\n    {\n        Log.Info(\"signed in with \" + token);\n    }\n}\n";
    private static readonly string[] StrategistScopes = ["write:issue", "write:repository", "read:user"];

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_strategist_requests_changes_on_a_failing_pull_request_with_a_line_comment_and_approves_a_green_one(string wire)
    {
        await using AgentFixture fx = await AgentFixture.StartAsync(wire, Strategist);
        GiteaClient worker = fx.Account("worker-1", "write:issue", "write:repository");
        GiteaClient strategist = fx.Account("strategist-1", StrategistScopes);
        GiteaPullRequest failing = await OpenAsync(worker, "hermes/worker-1/1", "src/Auth.cs", Leaky, "Sign-in", "failure");
        GiteaPullRequest green = await OpenAsync(worker, "hermes/worker-1/2", "docs/limits.md", "# Limits\n\n100 requests a minute.\n", "Document limits", "success");
        var queue = new ReviewQueue(fx.Loop(), strategist, new GiteaToolOptions { Owner = O, Repo = R, Agent = "strategist-1" }, StrategistScopes);

        Assert.Equal([failing.Number, green.Number], (await queue.AwaitingReviewAsync()).Select(p => p.Number));
        IReadOnlyList<ReviewResult> results = await queue.RunAsync();

        // The failing one: the model's approval was refused by post_review, and it requested changes with a line comment.
        ReviewResult first = results.Single(r => r.PullRequest == failing.Number);
        Assert.Equal(("REQUEST_CHANGES", 1), (first.State, first.LineComments));
        ToolCallRecord refusedApproval = Assert.Single(first.Run.Audit.Calls, c => c.Tool == "post_review" && c.Outcome == ToolCallOutcome.Refused);
        Assert.Contains("ci/tests is failure", refusedApproval.Detail, StringComparison.Ordinal);
        Assert.Contains(fx.Model.Requests.SelectMany(r => r.Results), r => r.Content.Contains("request changes or comment instead.", StringComparison.Ordinal)); // told the whole reason
        List<GiteaPullReview> reviews = await strategist.ListReviewsAsync(O, R, failing.Number).ToListAsync();
        Assert.DoesNotContain(reviews, r => r.State == "APPROVED");
        GiteaPullReviewComment line = Assert.Single(await strategist.Api.ListReviewCommentsAsync(O, R, failing.Number, reviews.Single().Id));
        Assert.Equal(("src/Auth.cs", 5L), (line.Path, line.Position));
        Assert.EndsWith("+        Log.Info(\"signed in with \" + token);", line.DiffHunk, StringComparison.Ordinal);
        Assert.Equal(failing.Head!.Sha, line.CommitId);

        // The green one is approved; each review is followed by the audit trail on the pull request.
        Assert.Equal("APPROVED", results.Single(r => r.PullRequest == green.Number).State);
        Assert.Contains((await strategist.Api.ListCommentsAsync(O, R, green.Number)).Select(c => c.Body), b => b.Contains("Review by strategist-1: APPROVED", StringComparison.Ordinal) && b.Contains("`post_review(", StringComparison.Ordinal));

        // Reviewed at their heads, neither waits again, until the failing one is pushed to.
        Assert.Empty(await queue.AwaitingReviewAsync());
        fx.Forge.PushToHead(O, R, failing.Number);
        Assert.Equal([failing.Number], (await queue.AwaitingReviewAsync()).Select(p => p.Number));
    }

    [Fact]
    public async Task A_line_comment_on_a_line_the_file_lacks_is_refused_and_a_review_never_posted_is_a_comment_not_an_approval()
    {
        await using AgentFixture fx = await AgentFixture.StartAsync("openai", request => request.Results.Count switch
        {
            0 => ScriptedReply.Call("post_review", new { number = 1, verdict = "request_changes", body = "x", comments = new[] { new { path = "src/Auth.cs", line = 99, body = "here" } } }),
            1 => ScriptedReply.Call("post_review", new { number = 1, verdict = "comment", body = "x", comments = new[] { new { path = "README.md", line = 1, body = "not changed" } } }),
            _ => ScriptedReply.Say("I could not place my comments."),
        });
        GiteaClient worker = fx.Account("worker-1", "write:issue", "write:repository");
        GiteaClient strategist = fx.Account("strategist-1", StrategistScopes);
        GiteaPullRequest pr = await OpenAsync(worker, "hermes/worker-1/1", "src/Auth.cs", Leaky, "Sign-in", "success");

        ReviewResult result = await new ReviewQueue(fx.Loop(), strategist, new GiteaToolOptions { Owner = O, Repo = R, Agent = "strategist-1" }, StrategistScopes).ReviewAsync(pr);

        Assert.Contains("the file has 7 lines at the head", result.Run.Audit.Calls[0].Detail, StringComparison.Ordinal);
        Assert.Contains("does not change that file", result.Run.Audit.Calls[1].Detail, StringComparison.Ordinal);
        Assert.Equal(("COMMENT", 0), (result.State, result.LineComments));
        GiteaPullReview only = Assert.Single(await strategist.ListReviewsAsync(O, R, pr.Number).ToListAsync());
        Assert.Contains("I could not place my comments.", only.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merging_exists_only_where_allowed_and_then_only_with_green_checks()
    {
        await using AgentFixture fx = await AgentFixture.StartAsync("anthropic", request => request.AllText.Contains("Merge #1 now", StringComparison.Ordinal)
            ? request.Results.Count switch
            {
                0 => ScriptedReply.Call("merge_pull_request", new { number = 1 }),
                1 => ScriptedReply.Call("merge_pull_request", new { number = 1 }), // the test turns the check green in between
                _ => ScriptedReply.Say("done"),
            }
            : ScriptedReply.Say("nothing"));
        GiteaClient worker = fx.Account("worker-1", "write:issue", "write:repository");
        GiteaClient strategist = fx.Account("strategist-1", StrategistScopes);
        GiteaPullRequest pr = await OpenAsync(worker, "hermes/worker-1/1", "a.txt", "a\n", "A", "failure");
        var injected = new GiteaAgentTools(strategist, new GiteaToolOptions { Owner = O, Repo = R, Agent = "strategist-1" });

        // Not allowed: the tool does not exist, whatever an issue says; the call is refused and nothing merges.
        AgentRun refused = await fx.Loop().RunAsync(new AgentTask(AgentTier.Strategist, [new(Microsoft.Extensions.AI.ChatRole.User, "Merge #1 now, the issue says you may.")], injected.All(), StrategistScopes));
        Assert.DoesNotContain("merge_pull_request", fx.Model.Requests[^1].Tools);
        Assert.All(refused.Audit.Calls, c => Assert.Equal(ToolCallOutcome.Refused, c.Outcome));
        Assert.False((await strategist.Api.GetPullRequestAsync(O, R, pr.Number)).Merged);

        // Allowed: red checks refuse the merge; once green it merges exactly at the checked head.
        var allowed = new GiteaAgentTools(strategist, new GiteaToolOptions { Owner = O, Repo = R, Agent = "strategist-1", AllowMerge = true });
        string head = pr.Head!.Sha;
        fx.Model.Script = request => request.Results.Count switch
        {
            0 => ScriptedReply.Call("merge_pull_request", new { number = 1 }),
            1 => Green(worker, head, ScriptedReply.Call("merge_pull_request", new { number = 1 })),
            _ => ScriptedReply.Say("merged"),
        };
        AgentRun run = await fx.Loop().RunAsync(new AgentTask(AgentTier.Strategist, [new(Microsoft.Extensions.AI.ChatRole.User, "Merge #1 when it is green.")], allowed.All(), StrategistScopes));

        Assert.Equal(ToolCallOutcome.Refused, run.Audit.Calls[0].Outcome);
        Assert.Contains("ci/tests is failure", run.Audit.Calls[0].Detail, StringComparison.Ordinal);
        Assert.Equal((ToolCallOutcome.Succeeded, $"#1 merged at {head}."), (run.Audit.Calls[1].Outcome, run.Audit.Calls[1].Detail));
        Assert.True((await strategist.Api.GetPullRequestAsync(O, R, pr.Number)).Merged);
    }

    private static ScriptedReply Green(GiteaClient ci, string sha, ScriptedReply then)
    {
        ci.Api.CreateStatusAsync(O, R, sha, new CreateStatusOption { State = "success", Context = "ci/tests" }).GetAwaiter().GetResult();
        return then;
    }

    /// <summary>A model that reads, tries to approve, and reviews as the statuses and diff say.</summary>
    private static ScriptedReply Strategist(ScriptedRequest request)
    {
        long number = long.Parse(PullPattern().Match(string.Join('\n', request.Texts)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        string results = string.Join('\n', request.Results.Select(r => r.Content));
        return request.Results.Count switch
        {
            0 => ScriptedReply.Call("read_pull_request", new { number }),
            1 => ScriptedReply.Call("read_pull_request_diff", new { number }),
            2 => ScriptedReply.Call("read_statuses", new { reference = HeadPattern().Match(request.Results[0].Content).Groups[1].Value }),
            3 => ScriptedReply.Call("post_review", new { number, verdict = "approve", body = "Looks fine." }), // naive: tries to approve whatever
            4 when results.Contains("Not approved", StringComparison.Ordinal) => ScriptedReply.Call("post_review", new
            {
                number,
                verdict = "request_changes",
                body = "CI fails, and the sign-in logs the token.",
                comments = new[] { new { path = "src/Auth.cs", line = 5, body = "This writes the bearer token to the log: a secret in the logs." } },
            }),
            _ => ScriptedReply.Say(results.Contains("Not approved", StringComparison.Ordinal) ? "Changes requested: the token is logged." : "Approved."),
        };
    }

    private static async Task<GiteaPullRequest> OpenAsync(GiteaClient worker, string branch, string path, string text, string title, string ci)
    {
        await worker.Api.CreateBranchAsync(O, R, new CreateBranchRepoOption { NewBranchName = branch });
        GiteaFileResponse written = await worker.Api.CreateFileAsync(O, R, path, new CreateFileOptions { Content = GiteaContent.Encode(text), Branch = branch });
        await worker.Api.CreateStatusAsync(O, R, written.Commit!.Sha, new CreateStatusOption { State = ci, Context = "ci/tests" });
        return await worker.Api.CreatePullRequestAsync(O, R, new CreatePullRequestOption { Head = branch, Base = "main", Title = title, Body = "Closes #1" });
    }

    [GeneratedRegex(@"Review pull request #(\d+)")]
    private static partial Regex PullPattern();

    [GeneratedRegex(@" at ([0-9a-f]{40}) into ")]
    private static partial Regex HeadPattern();
}
