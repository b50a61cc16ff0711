using System.Net;
using Hermes.Sdk.Gitea.Testing;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.Gitea.Tests;

/// <summary>The client against the loopback forge: each method, paging, and every error Gitea answers.</summary>
public sealed class ContractTests
{
    private const string O = ForgeFixture.Owner;
    private const string R = ForgeFixture.Repo;

    [Fact]
    public async Task Version_settings_user_and_repositories()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();

        Assert.Equal("1.26.1", (await fx.Api.GetVersionAsync()).Version);
        Assert.Equal(50, (await fx.Api.GetApiSettingsAsync()).MaxResponseItems);
        Assert.Equal("wolf-1", (await fx.Api.GetCurrentUserAsync()).Login);
        Assert.Equal("fleet/work", (await fx.Api.GetRepoAsync(O, R)).FullName);
        GiteaRepository mine = await fx.Api.CreateMyRepoAsync(new CreateRepoOption { Name = "den" });
        Assert.Equal("wolf-1/den", mine.FullName);
        Assert.Equal(["den"], await fx.Client.ListUserReposAsync("wolf-1").Select(r => r.Name).ToListAsync());
        Assert.Equal(["work"], await fx.Client.ListOrgReposAsync(O).Select(r => r.Name).ToListAsync());

        // The test server forgets a repository on request: it is gone, with what was counted against it.
        await fx.Api.GetRepoAsync("wolf-1", "den");
        Assert.Equal(1, fx.Server.RequestCount("GET", "/api/v1/repos/wolf-1/den"));
        Assert.True(fx.Server.RemoveRepo("wolf-1", "den"));
        Assert.False(fx.Server.RemoveRepo("wolf-1", "den"));
        await Assert.ThrowsAsync<GiteaNotFoundException>(() => fx.Api.GetRepoAsync("wolf-1", "den"));
        Assert.Empty(await fx.Client.ListUserReposAsync("wolf-1").ToListAsync());
        Assert.Equal(1, fx.Server.RequestCount("GET", "/api/v1/repos/wolf-1/den")); // only the failed read since
        Assert.Equal(1, fx.Server.RequestCount("GET", $"/api/v1/repos/{O}/{R}"));
    }

    [Fact]
    public async Task Issues_have_per_repo_numbers_distinct_from_ids_and_edit_answers_201()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        GiteaIssue first = await fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "first", Body = "body" });
        GiteaIssue second = await fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "second" });

        Assert.Equal((1, 2), (first.Number, second.Number));
        Assert.NotEqual(first.Id, first.Number);
        Assert.Equal("first", (await fx.Api.GetIssueAsync(O, R, 1)).Title);

        GiteaIssue closed = await fx.Api.EditIssueAsync(O, R, 1, new EditIssueOption { State = "closed" });
        Assert.Equal("closed", closed.State);
        Assert.NotNull(closed.ClosedAt);
        GiteaIssue reopened = await fx.Api.EditIssueAsync(O, R, 1, new EditIssueOption { State = "open", Assignees = ["wolf-1"] });
        Assert.Equal("open", reopened.State);
        Assert.Equal(["wolf-1"], reopened.Assignees!.Select(a => a.Login));
        GiteaIssue cleared = await fx.Api.EditIssueAsync(O, R, 1, new EditIssueOption { Assignees = [] });
        Assert.Empty(cleared.Assignees!);
    }

    [Fact]
    public async Task Labels_by_name_and_id_unknown_ones_dropped_removal_by_id()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        GiteaLabel ready = await fx.Client.EnsureLabelAsync(O, R, "ready", "#00ff00");
        GiteaLabel blocked = await fx.Client.EnsureLabelAsync(O, R, "blocked", "#ff0000");
        Assert.Equal(ready.Id, (await fx.Client.EnsureLabelAsync(O, R, "ready")).Id); // found, not created twice
        await fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "task" });

        List<GiteaLabel> afterNames = await fx.Api.AddIssueLabelsByNameAsync(O, R, 1, new IssueLabelNamesOption { Labels = ["ready", "no-such-label"] });
        Assert.Equal(["ready"], afterNames.Select(l => l.Name)); // the unknown name was silently dropped
        List<GiteaLabel> afterIds = await fx.Api.AddIssueLabelsAsync(O, R, 1, new IssueLabelIdsOption { Labels = [blocked.Id, ready.Id] });
        Assert.Equal(["ready", "blocked"], afterIds.Select(l => l.Name)); // adding twice is a no-op
        Assert.Equal(2, (await fx.Api.GetIssueLabelsAsync(O, R, 1)).Count);

        await fx.Api.RemoveIssueLabelAsync(O, R, 1, ready.Id);
        Assert.Equal(["blocked"], (await fx.Api.GetIssueLabelsAsync(O, R, 1)).Select(l => l.Name));
        Assert.Equal(["ready"], (await fx.Api.ReplaceIssueLabelsAsync(O, R, 1, new IssueLabelIdsOption { Labels = [ready.Id] })).Select(l => l.Name));
        await fx.Api.ClearIssueLabelsAsync(O, R, 1);
        Assert.Empty(await fx.Api.GetIssueLabelsAsync(O, R, 1));
        // Removing a label the issue does not carry deletes nothing and answers 204 (models/issues/issue_label.go:158-166);
        // an id that is no label at all is 422 (routers/api/v1/repo/issue_label.go:184).
        await fx.Api.RemoveIssueLabelAsync(O, R, 1, ready.Id);
        await Assert.ThrowsAsync<GiteaValidationException>(() => fx.Api.RemoveIssueLabelAsync(O, R, 1, 999_999));
    }

    [Fact]
    public async Task Issue_filters_by_state_label_type_and_assignee()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        GiteaLabel ready = await fx.Client.EnsureLabelAsync(O, R, "ready");
        await fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "a", Labels = [ready.Id] });
        await fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "b", Assignees = ["wolf-1"] });
        await fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "c", Closed = true });
        await fx.OpenPullAsync("feature", "pr");

        Assert.Equal(["b", "a"], await fx.Client.ListIssuesAsync(O, R).Select(i => i.Title).ToListAsync());
        Assert.Equal(["a"], await fx.Client.ListIssuesAsync(O, R, labels: ["ready"]).Select(i => i.Title).ToListAsync());
        Assert.Equal(["b"], await fx.Client.ListIssuesAsync(O, R, assignedTo: "wolf-1").Select(i => i.Title).ToListAsync());
        Assert.Equal(["c"], await fx.Client.ListIssuesAsync(O, R, state: "closed").Select(i => i.Title).ToListAsync());
        Assert.Equal(["pr"], await fx.Client.ListIssuesAsync(O, R, type: "pulls").Select(i => i.Title).ToListAsync());
        Assert.Equal(["a"], await fx.Client.SearchIssuesAsync("a", labels: ["ready"]).Select(i => i.Title).ToListAsync());
    }

    [Fact]
    public async Task Paging_follows_link_headers_across_pages_at_the_servers_maximum()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        for (int i = 1; i <= 123; i++)
        {
            await fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = $"issue {i}" });
        }

        List<GiteaIssue> all = await fx.Client.ListIssuesAsync(O, R).ToListAsync();

        Assert.Equal(123, all.Count);
        Assert.Equal(123, all.Select(i => i.Number).Distinct().Count());
        string path = $"/api/v1/repos/{O}/{R}/issues";
        Assert.Equal(3, fx.Server.RequestCount("GET", path)); // 50 + 50 + 23

        // A larger limit is silently clamped to 50, as Gitea does.
        var page = await fx.Api.ListIssuesAsync(O, R, limit: 100);
        Assert.Equal(50, page.Content!.Count);
        Assert.Equal("123", page.Headers!.GetValues("X-Total-Count").Single());
        Assert.Equal(2, GiteaClient.NextPage(page.Headers!));
    }

    [Fact]
    public async Task Comments_are_listed_created_and_edited_by_global_id()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        await fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "t" });

        GiteaComment comment = await fx.Api.CreateCommentAsync(O, R, 1, new CreateIssueCommentOption { Body = "claimed" });
        GiteaComment edited = await fx.Api.EditCommentAsync(O, R, comment.Id, new EditIssueCommentOption { Body = "released" });

        Assert.Equal("released", edited.Body);
        Assert.Equal(["released"], (await fx.Api.ListCommentsAsync(O, R, 1)).Select(c => c.Body));
        await Assert.ThrowsAsync<GiteaValidationException>(() => fx.Api.CreateCommentAsync(O, R, 1, new CreateIssueCommentOption { Body = " " }));
    }

    [Theory]
    [InlineData(GiteaMergeStyle.Merge)]
    [InlineData(GiteaMergeStyle.Rebase)]
    [InlineData(GiteaMergeStyle.RebaseMerge)]
    [InlineData(GiteaMergeStyle.Squash)]
    [InlineData(GiteaMergeStyle.FastForwardOnly)]
    [InlineData(GiteaMergeStyle.ManuallyMerged)]
    public async Task Pull_requests_merge_with_each_style_and_a_second_merge_is_idempotent(GiteaMergeStyle style)
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        GiteaPullRequest pr = await fx.OpenPullAsync("feature", "pr");

        Assert.Equal(GiteaMergeOutcome.Merged, await fx.Client.MergeAsync(O, R, pr.Number, style, pr.Head!.Sha));
        Assert.True(await fx.Client.IsMergedAsync(O, R, pr.Number));
        Assert.True((await fx.Api.GetPullRequestAsync(O, R, pr.Number)).Merged);

        // Gitea 1.26 answers 405 "The PR is already merged" to merging again (pull.go:974); the client confirms it and
        // reports AlreadyMerged.
        var raw = await Assert.ThrowsAsync<GiteaNotMergeableException>(() => fx.Api.MergePullRequestAsync(O, R, pr.Number, new MergePullRequestOption { Do = "merge" }));
        Assert.True(raw.MayBeAlreadyMerged);
        Assert.Equal(GiteaMergeOutcome.AlreadyMerged, await fx.Client.MergeAsync(O, R, pr.Number, style));
        await Assert.ThrowsAsync<GiteaPreconditionFailedException>(() => fx.Api.EditPullRequestAsync(O, R, pr.Number, new EditPullRequestOption { State = "open" }));
    }

    [Fact]
    public async Task Merge_waits_out_the_mergeability_check_and_reports_conflicts_and_moved_heads()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        GiteaPullRequest pr = await fx.OpenPullAsync("feature", "pr");

        // A conflict Gitea's check already found answers 405 "Please try again later" like a check in progress
        // (services/pull/check.go:164-165): after bounded waiting it is reported as not mergeable, not retried forever.
        fx.Server.SetMergeability(O, R, pr.Number, TestMergeability.Conflict);
        var known = await Assert.ThrowsAsync<GiteaNotMergeableException>(() => fx.Client.MergeAsync(O, R, pr.Number, GiteaMergeStyle.Merge));
        Assert.Contains("conflicts with its base", known.Message, StringComparison.Ordinal);
        Assert.False((await fx.Api.GetPullRequestAsync(O, R, pr.Number)).Mergeable);

        // A conflict met while merging is 409, with Gitea's Go error struct as the body (pull.go:1052-1058).
        fx.Server.SetMergeability(O, R, pr.Number, TestMergeability.ConflictWhileMerging);
        var conflict = await Assert.ThrowsAsync<GiteaConflictException>(() => fx.Client.MergeAsync(O, R, pr.Number, GiteaMergeStyle.Merge));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains("CONFLICT", conflict.GiteaMessage, StringComparison.Ordinal);
        await Assert.ThrowsAsync<GiteaConflictException>(() => fx.Api.UpdatePullRequestBranchAsync(O, R, pr.Number, "rebase"));

        fx.Server.SetMergeability(O, R, pr.Number, TestMergeability.Mergeable);
        string reviewed = pr.Head!.Sha;
        fx.Server.PushToHead(O, R, pr.Number);
        var moved = await Assert.ThrowsAsync<GiteaConflictException>(() => fx.Client.MergeAsync(O, R, pr.Number, GiteaMergeStyle.Squash, reviewed));
        Assert.Equal("head out of date", moved.GiteaMessage);

        fx.Server.SetMergeability(O, R, pr.Number, TestMergeability.Checking);
        var later = await Assert.ThrowsAsync<GiteaNotMergeableException>(() => fx.Api.MergePullRequestAsync(O, R, pr.Number, new MergePullRequestOption { Do = "merge" }));
        Assert.True(later.IsTryAgainLater);
        _ = Task.Delay(60).ContinueWith(_ => fx.Server.SetMergeability(O, R, pr.Number, TestMergeability.Mergeable), TaskScheduler.Default);
        Assert.Equal(GiteaMergeOutcome.Merged, await fx.Client.MergeAsync(O, R, pr.Number, GiteaMergeStyle.Merge));
    }

    [Fact]
    public async Task Pull_request_list_update_close_and_reviews()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        GiteaPullRequest pr = await fx.OpenPullAsync("feature", "pr");
        await Assert.ThrowsAsync<GiteaConflictException>(() => fx.Api.CreatePullRequestAsync(O, R, new CreatePullRequestOption { Head = "feature", Base = "main", Title = "again" }));

        await fx.Api.UpdatePullRequestBranchAsync(O, R, pr.Number, "merge");
        Assert.NotEqual(pr.Head!.Sha, (await fx.Api.GetPullRequestAsync(O, R, pr.Number)).Head!.Sha);
        // Gitea refuses an author's own approval (pull_review.go preparePullReviewType); another account's counts.
        var own = await Assert.ThrowsAsync<GiteaValidationException>(() => fx.Api.CreateReviewAsync(O, R, pr.Number, new CreatePullReviewOptions { Event = "APPROVED", Body = "ship it" }));
        Assert.Equal("approve your own pull is not allowed", own.GiteaMessage);
        GiteaPullReview review = await fx.AddAgent("strategist-1").Api.CreateReviewAsync(O, R, pr.Number, new CreatePullReviewOptions { Event = "APPROVED", Body = "ship it" });
        Assert.Equal("APPROVED", review.State);
        Assert.Single(await fx.Client.ListReviewsAsync(O, R, pr.Number).ToListAsync());
        Assert.Single(await fx.Client.ListPullRequestsAsync(O, R).ToListAsync());

        GiteaPullRequest closed = await fx.Api.EditPullRequestAsync(O, R, pr.Number, new EditPullRequestOption { State = "closed" });
        Assert.Equal("closed", closed.State);
        Assert.Empty(await fx.Client.ListPullRequestsAsync(O, R).ToListAsync());
        await Assert.ThrowsAsync<GiteaNotFoundException>(() => fx.Client.MergeAsync(O, R, pr.Number, GiteaMergeStyle.Merge));
    }

    [Fact]
    public async Task Commit_statuses_combine_to_the_worst_latest_state()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        const string sha = "0123456789abcdef0123456789abcdef01234567";
        await fx.Api.CreateStatusAsync(O, R, sha, new CreateStatusOption { State = "pending", Context = "safety-tests" });
        await fx.Api.CreateStatusAsync(O, R, sha, new CreateStatusOption { State = "success", Context = "safety-tests" });
        await fx.Api.CreateStatusAsync(O, R, sha, new CreateStatusOption { State = "failure", Context = "build" });

        GiteaCombinedStatus combined = await fx.Api.GetCombinedStatusAsync(O, R, sha);

        Assert.Equal("failure", combined.State);
        Assert.Equal(2, combined.TotalCount);
        await Assert.ThrowsAsync<GiteaBadRequestException>(() => fx.Api.CreateStatusAsync(O, R, sha, new CreateStatusOption { State = "great" }));
    }

    [Fact]
    public async Task Errors_are_typed_and_carry_giteas_message_never_the_token()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();

        var notFound = await Assert.ThrowsAsync<GiteaNotFoundException>(() => fx.Api.GetIssueAsync(O, R, 999));
        Assert.Equal("The target couldn't be found.", notFound.GiteaMessage);
        Assert.Contains("404", notFound.Message, StringComparison.Ordinal);

        string badVariable = "HERMES_TEST_GITEA_BAD_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(badVariable, "not-a-real-token-SECRET");
        var logs = new CollectingLoggerProvider();
        using ILoggerFactory factory = logs.CreateFactory();
        using GiteaClient bad = fx.NewClient(badVariable, factory);
        var unauthorized = await Assert.ThrowsAsync<GiteaUnauthorizedException>(() => bad.Api.GetCurrentUserAsync());
        Assert.Equal(1, fx.Server.RequestCount("GET", "/api/v1/user")); // never retried, never with another credential
        foreach (string text in logs.Everything.Append(unauthorized.ToString()).Append(notFound.ToString()))
        {
            Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
            Assert.DoesNotContain(fx.Token, text, StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<GiteaValidationException>(() => fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "" }));
    }

    [Fact]
    public async Task A_503_then_200_is_retried_on_a_GET_but_never_on_a_POST()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        string issues = $"/api/v1/repos/{O}/{R}/issues";

        fx.Server.FailNext("GET", issues, 503, count: 1, retryAfterSeconds: 0);
        Assert.Empty(await fx.Client.ListIssuesAsync(O, R).ToListAsync());
        Assert.Equal(2, fx.Server.RequestCount("GET", issues));

        fx.Server.FailNext("POST", issues, 503, count: 1);
        var error = await Assert.ThrowsAsync<GiteaException>(() => fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "once" }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(1, fx.Server.RequestCount("POST", issues));
        Assert.Empty(await fx.Client.ListIssuesAsync(O, R).ToListAsync()); // nothing was created twice

        fx.Server.FailNext("GET", issues, 429, count: 1, retryAfterSeconds: 0);
        Assert.Empty(await fx.Client.ListIssuesAsync(O, R).ToListAsync());
        fx.Server.FailNext("GET", issues, 503, count: 10);
        var paged = await Assert.ThrowsAsync<GiteaException>(() => fx.Client.ListIssuesAsync(O, R).ToListAsync().AsTask());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, paged.StatusCode);
        Assert.Equal("injected fault", paged.GiteaMessage); // a paged call's error carries Gitea's message like any other
    }
}
