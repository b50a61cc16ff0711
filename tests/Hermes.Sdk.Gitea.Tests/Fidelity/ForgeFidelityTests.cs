using System.Text.Json;
using Hermes.Sdk.Gitea.Testing;

namespace Hermes.Sdk.Gitea.Tests.Fidelity;

/// <summary>
/// One test per row of <c>tests/specs/gitea-fidelity.md</c> section 2: the forge behaves as Gitea 1.26.1's source says
/// (go-gitea/gitea at v1.26.1; each comment names the line), checked over raw HTTP.
/// </summary>
public sealed class ForgeFidelityTests
{
    private const string Repo = RawForge.Repo;

    [Fact]
    public async Task A1_page_size_is_clamped_to_50_except_on_search()
    {
        // services/convert/utils.go:15-22 ToCorrectPageSize; routers/api/v1/repo/issue.go:240 (search: IfZero only).
        await using RawForge f = await RawForge.StartAsync();
        long ready = await f.LabelAsync("ready");
        for (int i = 0; i < 60; i++)
        {
            await f.IssueAsync($"issue {i}", ready);
        }

        Assert.Equal(50, (await f.Get($"{Repo}/issues?limit=100", f.Owner)).Json.GetArrayLength());
        Assert.Equal(30, (await f.Get($"{Repo}/issues", f.Owner)).Json.GetArrayLength());
        Assert.Equal(60, (await f.Get("/api/v1/repos/issues/search?limit=100", f.Owner)).Json.GetArrayLength());
    }

    [Fact]
    public async Task A2_link_keeps_the_callers_limit_sorts_the_query_and_is_sent_only_by_issues_pulls_and_repos()
    {
        // services/context/api.go:166-215 SetLinkHeader; labels, reviews and the timeline never call it.
        await using RawForge f = await RawForge.StartAsync();
        for (int i = 0; i < 3; i++)
        {
            await f.IssueAsync($"issue {i}");
            await f.LabelAsync($"label {i}");
        }

        Answer issues = await f.Get($"{Repo}/issues?state=open&limit=2&page=1", f.Owner);
        Assert.Equal("3", issues.TotalCount);
        Assert.Matches(@"^<http://127\.0\.0\.1:\d+/api/v1/repos/acme/work/issues\?limit=2&page=2&state=open>; rel=""next"",<[^>]+page=2[^>]*>; rel=""last""$", issues.Link);

        Answer labels = await f.Get($"{Repo}/labels?limit=2", f.Owner);
        Assert.Equal(("3", null), (labels.TotalCount, labels.Link));
    }

    [Fact]
    public async Task A3_the_timeline_counts_its_page_not_the_total_and_sends_no_link()
    {
        // routers/api/v1/repo/issue_comment.go:209 ctx.SetTotalCountHeader(int64(len(apiComments))).
        await using RawForge f = await RawForge.StartAsync();
        long number = await f.IssueAsync("chatty");
        for (int i = 0; i < 7; i++)
        {
            await f.SendAsync("POST", $"{Repo}/issues/{number}/comments", new { body = $"comment {i}" }, f.Owner);
        }

        Answer first = await f.Get($"{Repo}/issues/{number}/timeline?limit=5", f.Owner);
        Answer second = await f.Get($"{Repo}/issues/{number}/timeline?limit=5&page=2", f.Owner);
        Assert.Equal(("5", null), (first.TotalCount, first.Link));
        Assert.Equal("2", second.TotalCount);
    }

    [Fact]
    public async Task B1_B3_label_writes_take_all_ids_or_all_names_drop_unknown_ones_and_answer_every_label()
    {
        // routers/api/v1/repo/issue_label.go:344 (mixed: 400), :69-124 (answer read after commit); unknown dropped
        // (models/issues/issue_label.go:116-142); a missing "labels" binds as empty.
        await using RawForge f = await RawForge.StartAsync();
        long ready = await f.LabelAsync("ready");
        await f.LabelAsync("blocked");
        long number = await f.IssueAsync("x", ready);

        Assert.Equal(400, (await f.SendAsync("POST", $"{Repo}/issues/{number}/labels", """{"labels":[1,"ready"]}""", f.Dev)).Status);
        Answer byName = await f.SendAsync("POST", $"{Repo}/issues/{number}/labels", new { labels = new[] { "blocked", "no-such-label" } }, f.Dev);
        Assert.Equal(200, byName.Status);
        Assert.Equal(["ready", "blocked"], byName.Names);
        Answer missing = await f.SendAsync("POST", $"{Repo}/issues/{number}/labels", "{}", f.Dev);
        Assert.Equal((200, 2), (missing.Status, missing.Json.GetArrayLength()));
    }

    [Fact]
    public async Task B4_duplicate_label_names_are_accepted_and_then_a_name_means_every_one_of_them()
    {
        // routers/api/v1/repo/label.go:168 → models/issues/label.go NewLabel: a bare insert (go-gitea#37192, won't fix).
        await using RawForge f = await RawForge.StartAsync();
        long first = await f.LabelAsync("ready");
        Answer again = await f.SendAsync("POST", $"{Repo}/labels", new { name = "ready", color = "#00aa00" }, f.Owner);
        Assert.Equal(201, again.Status);
        long second = again.Json.GetProperty("id").GetInt64();
        Assert.NotEqual(first, second);

        long onlyFirst = await f.IssueAsync("labelled by a person with one of them", first);
        long number = await f.IssueAsync("labelled by an agent, by name");
        Answer added = await f.SendAsync("POST", $"{Repo}/issues/{number}/labels", new { labels = new[] { "ready" } }, f.Dev);
        Assert.Equal(2, added.Json.GetArrayLength()); // both "ready" labels

        // labels=ready resolves to both ids and, ALL-of, drops the issue that carries only one.
        Answer filtered = await f.Get($"{Repo}/issues?labels=ready", f.Owner);
        Assert.Equal([number], filtered.Json.EnumerateArray().Select(i => i.GetProperty("number").GetInt64()));
        Assert.DoesNotContain(onlyFirst, filtered.Json.EnumerateArray().Select(i => i.GetProperty("number").GetInt64()));
    }

    [Fact]
    public async Task C_removing_an_absent_label_is_204_without_an_event_and_a_non_label_is_422()
    {
        // models/issues/issue_label.go:158-166 (0 rows, nil); routers/api/v1/repo/issue_label.go:184 (GetLabelByID: 422).
        await using RawForge f = await RawForge.StartAsync();
        long ready = await f.LabelAsync("ready");
        long number = await f.IssueAsync("x");
        string updated = (await f.Get($"{Repo}/issues/{number}", f.Owner)).Json.GetProperty("updated_at").GetString()!;
        int events = (await f.Get($"{Repo}/issues/{number}/timeline", f.Owner)).Json.GetArrayLength();
        await Task.Delay(1100); // updated_at has seconds' resolution

        Assert.Equal(204, (await f.SendAsync("DELETE", $"{Repo}/issues/{number}/labels/{ready}", token: f.Dev)).Status);
        Assert.Equal(422, (await f.SendAsync("DELETE", $"{Repo}/issues/{number}/labels/987654", token: f.Dev)).Status);
        Assert.Equal(events, (await f.Get($"{Repo}/issues/{number}/timeline", f.Owner)).Json.GetArrayLength());
        Assert.Equal(updated, (await f.Get($"{Repo}/issues/{number}", f.Owner)).Json.GetProperty("updated_at").GetString());
    }

    [Fact]
    public async Task D1_D2_edits_answer_201_an_unknown_assignee_is_500_and_a_non_writers_assignees_are_ignored()
    {
        // routers/api/v1/repo/issue.go:926 (201); services/issue/issue.go:140 UpdateAssignees replaces the set;
        // GetUserByName's error through APIErrorInternal: 500, after title and body were written.
        await using RawForge f = await RawForge.StartAsync();
        long number = (await f.SendAsync("POST", $"{Repo}/issues", new { title = "by guest" }, f.Guest)).Json.GetProperty("number").GetInt64();

        Answer unknown = await f.SendAsync("PATCH", $"{Repo}/issues/{number}", new { title = "renamed", assignees = new[] { "nobody-here" } }, f.Dev);
        Assert.Equal(500, unknown.Status);
        Assert.Equal("renamed", (await f.Get($"{Repo}/issues/{number}", f.Owner)).Json.GetProperty("title").GetString());

        Answer set = await f.SendAsync("PATCH", $"{Repo}/issues/{number}", new { assignees = new[] { "dev" } }, f.Dev);
        Assert.Equal(201, set.Status);
        Answer ignored = await f.SendAsync("PATCH", $"{Repo}/issues/{number}", new { assignees = new[] { "guest" } }, f.Guest); // the poster, not a writer
        Assert.Equal(201, ignored.Status);
        Assert.Equal(["dev"], ignored.Json.GetProperty("assignees").EnumerateArray().Select(a => a.GetProperty("login").GetString()));
    }

    [Theory]
    [InlineData(GiteaTestVersion.Gitea124, "")]
    [InlineData(GiteaTestVersion.Gitea125, "The PR is already merged")]
    [InlineData(GiteaTestVersion.Gitea126, "The PR is already merged")]
    public async Task E1_merging_a_merged_pull_request_is_405_with_each_releases_message(GiteaTestVersion version, string message)
    {
        // (The body's key is "Do", as Gitea's own web form sends it: Go's encoding/json matches keys case-insensitively.)
        // routers/api/v1/repo/pull.go:974 and services/pull/check.go:138 (1.25+); an empty message in 1.24.
        await using RawForge f = await RawForge.StartAsync(new GiteaTestServerOptions { Version = version });
        Assert.Equal(201, (await f.SendAsync("POST", $"{Repo}/branches", new { new_branch_name = "feature" }, f.Dev)).Status);
        long number = (await f.SendAsync("POST", $"{Repo}/pulls", new { head = "feature", @base = "main", title = "pr" }, f.Dev)).Json.GetProperty("number").GetInt64();
        Assert.Equal(200, (await f.SendAsync("POST", $"{Repo}/pulls/{number}/merge", new { Do = "merge" }, f.Dev)).Status);

        Answer again = await f.SendAsync("POST", $"{Repo}/pulls/{number}/merge", new { Do = "merge" }, f.Dev);
        Assert.Equal((405, message), (again.Status, again.Message ?? string.Empty));
    }

    [Fact]
    public async Task E3_E4_a_known_conflict_is_405_try_again_later_and_one_met_while_merging_is_409_with_the_go_struct()
    {
        // services/pull/check.go:164-165 (any status but mergeable); routers/api/v1/repo/pull.go:1052-1058.
        await using RawForge f = await RawForge.StartAsync();
        Assert.Equal(201, (await f.SendAsync("POST", $"{Repo}/branches", new { new_branch_name = "feature" }, f.Dev)).Status);
        long number = (await f.SendAsync("POST", $"{Repo}/pulls", new { head = "feature", @base = "main", title = "pr" }, f.Dev)).Json.GetProperty("number").GetInt64();

        f.Server.SetMergeability("acme", "work", number, TestMergeability.Conflict);
        Answer known = await f.SendAsync("POST", $"{Repo}/pulls/{number}/merge", new { Do = "merge" }, f.Dev);
        Assert.Equal((405, "Please try again later"), (known.Status, known.Message));
        Assert.False((await f.Get($"{Repo}/pulls/{number}", f.Dev)).Json.GetProperty("mergeable").GetBoolean());

        f.Server.SetMergeability("acme", "work", number, TestMergeability.ConflictWhileMerging);
        Answer met = await f.SendAsync("POST", $"{Repo}/pulls/{number}/merge", new { Do = "merge" }, f.Dev);
        Assert.Equal(409, met.Status);
        Assert.True(met.Json.TryGetProperty("StdErr", out _));
        Assert.Null(met.Message);
    }

    [Fact]
    public async Task F1_admin_user_creation_needs_a_password_and_unique_name_and_email_and_defaults_must_change_password()
    {
        // routers/api/v1/admin/user.go:85 (must_change_password defaults to true); PasswordIsRequired: 400; dup: 422;
        // a must-change user is refused everywhere with 403 (routers/api/v1/api.go:800).
        await using RawForge f = await RawForge.StartAsync();
        string admin = f.Server.AddToken("root", "write:admin");
        Assert.Equal(400, (await f.SendAsync("POST", "/api/v1/admin/users", new { username = "w1", email = "w1@x.test" }, admin)).Status);
        Assert.Equal(201, (await f.SendAsync("POST", "/api/v1/admin/users", new { username = "w1", email = "w1@x.test", password = "long-enough" }, admin)).Status);
        Assert.Equal(422, (await f.SendAsync("POST", "/api/v1/admin/users", new { username = "w2", email = "w1@x.test", password = "long-enough" }, admin)).Status);
        Assert.Equal(403, (await f.SendAsync("GET", "/api/v1/user", auth: RawForge.Basic("w1", "long-enough"))).Status);
    }

    [Fact]
    public async Task F2_token_creation_is_self_or_admin_then_basic_only_and_needs_a_scope()
    {
        // routers/api/v1/api.go:983-987 (reqSelfOrAdmin, then reqBasicOrRevProxyAuth); user/app.go:124.
        await using RawForge f = await RawForge.StartAsync();
        Assert.Equal(403, (await f.SendAsync("POST", "/api/v1/users/acme/tokens", new { name = "t", scopes = new[] { "all" } }, f.Dev)).Status);
        Assert.Equal(401, (await f.SendAsync("POST", "/api/v1/users/dev/tokens", new { name = "t", scopes = new[] { "all" } }, f.Dev)).Status);
        Answer noScope = await f.SendAsync("POST", "/api/v1/users/dev/tokens", new { name = "t" }, auth: RawForge.Basic("dev", "dev-password"));
        Assert.Equal((400, "access token must have a scope"), (noScope.Status, noScope.Message));
        Answer made = await f.SendAsync("POST", "/api/v1/users/dev/tokens", new { name = "t", scopes = new[] { "write:issue" } }, auth: RawForge.Basic("dev", "dev-password"));
        Assert.Equal(201, made.Status);
        Assert.Equal(400, (await f.SendAsync("POST", "/api/v1/users/dev/tokens", new { name = "t", scopes = new[] { "write:issue" } }, auth: RawForge.Basic("dev", "dev-password"))).Status);
    }

    [Fact]
    public async Task G_private_repositories_are_404_scopes_403_writes_need_permission_and_anonymous_reads_of_public_ones_pass()
    {
        // routers/api/v1/api.go:211 (no access: NotFound); tokenRequiresScopes (403, before the repository);
        // checkTokenPublicOnly; CanWriteIssuesOrPulls ("write permission is required"); reqToken (401).
        await using RawForge f = await RawForge.StartAsync();
        f.Server.AddRepo("acme", "secret", isPrivate: true);
        long ready = await f.LabelAsync("ready");
        long number = await f.IssueAsync("x");

        Assert.Equal(404, (await f.Get("/api/v1/repos/acme/secret/issues", f.Dev)).Status);
        Assert.Equal(404, (await f.Get("/api/v1/repos/acme/secret/issues")).Status);
        Assert.Equal(200, (await f.Get("/api/v1/repos/acme/secret/issues", f.Owner)).Status);
        Assert.Equal(403, (await f.Get("/api/v1/repos/acme/secret/issues", f.Server.AddToken("acme", "public-only", "read:issue"))).Status);
        Assert.Equal(403, (await f.Get($"{Repo}/issues", f.Server.AddToken("dev", "read:user"))).Status);
        Assert.Equal(403, (await f.SendAsync("POST", $"{Repo}/issues/{number}/labels", new { labels = new[] { ready } }, f.Server.AddToken("dev", "read:issue"))).Status);

        Answer guestLabel = await f.SendAsync("POST", $"{Repo}/issues/{number}/labels", new { labels = new[] { ready } }, f.Guest);
        Assert.Equal((403, "write permission is required"), (guestLabel.Status, guestLabel.Message));
        Assert.Equal(201, (await f.SendAsync("POST", $"{Repo}/issues/{number}/comments", new { body = "a reader may comment" }, f.Guest)).Status);

        Assert.Equal(200, (await f.Get($"{Repo}/issues")).Status);
        Answer anonymousWrite = await f.SendAsync("POST", $"{Repo}/issues", new { title = "y" });
        Assert.Equal((401, "token is required"), (anonymousWrite.Status, anonymousWrite.Message));
        Answer badToken = await f.Get($"{Repo}/issues", "not-a-token");
        Assert.Equal((401, "invalid username, password or token"), (badToken.Status, badToken.Message));
    }

    [Fact]
    public async Task I1_with_ids_allocated_before_the_lock_the_timeline_lists_a_later_commit_first()
    {
        // models/issues/issue_label.go:116-155 and comment.go:821-927: the comment row (id) is inserted before the issue
        // row is locked; the timeline orders by created_unix, id (comment.go:1134-1137).
        var arrived = new SemaphoreSlim(0);
        var first = new TaskCompletionSource();
        bool holdNext = false;
        var options = new GiteaTestServerOptions
        {
            TimelineIds = TimelineIdOrder.AllocatedBeforeLock,
            BeforeCommitAsync = async (request, ct) =>
            {
                if (holdNext && request.Method == "POST" && request.Path.EndsWith("/labels", StringComparison.Ordinal))
                {
                    holdNext = false;
                    arrived.Release();
                    await first.Task.WaitAsync(ct);
                }
            },
        };
        await using RawForge f = await RawForge.StartAsync(options);
        await f.LabelAsync("assigned:a");
        await f.LabelAsync("assigned:b");
        long number = await f.IssueAsync("contested");

        holdNext = true;
        Task<Answer> a = f.SendAsync("POST", $"{Repo}/issues/{number}/labels", new { labels = new[] { "assigned:a" } }, f.Dev);
        await arrived.WaitAsync(); // a has its id and waits for the lock
        Answer b = await f.SendAsync("POST", $"{Repo}/issues/{number}/labels", new { labels = new[] { "assigned:b" } }, f.Owner);
        Assert.Equal(["assigned:b"], b.Names); // b committed first and saw only itself
        first.SetResult();
        Assert.Equal(["assigned:b", "assigned:a"], (await a).Names);

        JsonElement[] adds = [.. (await f.Get($"{Repo}/issues/{number}/timeline", f.Owner)).Json.EnumerateArray().Where(e => e.GetProperty("type").GetString() == "label")];
        Assert.Equal(["assigned:a", "assigned:b"], adds.Select(e => e.GetProperty("label").GetProperty("name").GetString())); // a's lower id lists first
    }

    [Theory]
    [InlineData(GiteaTestVersion.Gitea126, 409)]
    [InlineData(GiteaTestVersion.Gitea125, 201)]
    public async Task I2_content_version_is_a_compare_and_swap_from_1_26(GiteaTestVersion version, int staleAnswer)
    {
        // models/issues/issue_update.go:306 UPDATE … WHERE content_version = ? → ErrIssueAlreadyChanged (go-gitea#37035).
        await using RawForge f = await RawForge.StartAsync(new GiteaTestServerOptions { Version = version });
        long number = await f.IssueAsync("x");
        Answer read = await f.Get($"{Repo}/issues/{number}", f.Dev);
        int seen = read.Json.TryGetProperty("content_version", out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;

        Assert.Equal(201, (await f.SendAsync("PATCH", $"{Repo}/issues/{number}", new { body = "first", content_version = seen }, f.Dev)).Status);
        Assert.Equal(staleAnswer, (await f.SendAsync("PATCH", $"{Repo}/issues/{number}", new { body = "second", content_version = seen }, f.Owner)).Status);
    }

    [Fact]
    public async Task J_the_issue_list_filter_is_all_of_unknown_names_mean_no_filter_and_search_is_any_of()
    {
        // routers/api/v1/repo/issue.go:398,496 and models/issues/issue_search.go:159-165 (count = N); issue.go:252 (search).
        await using RawForge f = await RawForge.StartAsync();
        long ready = await f.LabelAsync("ready");
        long claimA = await f.LabelAsync("assigned:a");
        long onlyReady = await f.IssueAsync("ready", ready);
        long both = await f.IssueAsync("ready and claimed", ready, claimA);
        long neither = await f.IssueAsync("unlabelled");

        static long[] Numbers(Answer a) => [.. a.Json.EnumerateArray().Select(i => i.GetProperty("number").GetInt64()).Order()];
        Assert.Equal([both], Numbers(await f.Get($"{Repo}/issues?labels=ready,assigned:a", f.Owner)));
        Assert.Equal([onlyReady, both, neither], Numbers(await f.Get($"{Repo}/issues?labels=no-such,nor-this", f.Owner)));
        Assert.Equal([onlyReady, both], Numbers(await f.Get("/api/v1/repos/issues/search?labels=ready,assigned:a", f.Owner)));
    }
}
