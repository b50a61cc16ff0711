using Hermes.Sdk.Fleet;
using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.CommandCenter.Tests;

/// <summary>The rules the views apply to what the sources say.</summary>
public sealed class ViewRulesTests
{
    [Theory]
    [InlineData("Closes #12", new long[] { 12 })]
    [InlineData("fixes: #3 and resolved #4, closed #5", new long[] { 3, 4, 5 })]
    [InlineData("FIX #7.", new long[] { 7 })]
    [InlineData("See #8; relates to #9", new long[0])]
    [InlineData("prefixes #10", new long[0])]
    [InlineData("(fixes #11) [closes !12]", new long[] { 11, 12 })]
    [InlineData("-fix #13, closes  #14, closes:#15, closes #16abc, fixes #17.x", new long[0])]
    [InlineData("Resolves #18\nCloses #19\n", new long[] { 18, 19 })]
    [InlineData("closes '#20' fixes #21?", new long[] { 21 })]
    // Gitea's own fixtures (modules/references/references_test.go, TestFindAllIssueReferences), the same-repository ones:
    [InlineData("Simply closes: #29 yes", new long[] { 29 })]
    [InlineData("Simply closes: !29 yes", new long[] { 29 })]
    [InlineData("This closes #20 for you yes", new long[] { 20 })]
    [InlineData("This closes #600 and reopens #599", new long[] { 600 })]
    [InlineData("This fixes #100 spent @40m and reopens #101, also fixes #102 spent @4h15m", new long[] { 100, 102 })]
    [InlineData("For #22,#23 no, neither #28:#29 or !30!31#32;33 should", new long[0])]
    public void A_pull_request_closes_the_issues_its_body_names_after_Giteas_closing_keywords(string body, long[] closed)
    {
        Assert.Equal(closed, TaskBoard.ClosedBy(new GiteaPullRequest { Body = body, Head = new GiteaBranchInfo { Ref = "feature" } }));
    }

    [Fact]
    public void A_workers_branch_names_the_issue_it_is_for()
    {
        Assert.Equal([42L], TaskBoard.ClosedBy(new GiteaPullRequest { Head = new GiteaBranchInfo { Ref = "hermes/builder/42" } }));
    }

    [Fact]
    public void Each_reviewers_latest_verdict_counts_and_changes_requested_wins()
    {
        static GiteaPullReview R(long id, string user, string state) => new() { Id = id, State = state, User = new GiteaUser { Login = user }, SubmittedAt = DateTimeOffset.UnixEpoch.AddMinutes(id) };
        Assert.Equal("awaiting review", ReviewQueue.ReviewState([]));
        Assert.Equal("approved", ReviewQueue.ReviewState([R(1, "alice", "REQUEST_CHANGES"), R(2, "alice", "APPROVED")]));
        Assert.Equal("changes requested", ReviewQueue.ReviewState([R(1, "alice", "APPROVED"), R(2, "bob", "REQUEST_CHANGES")]));
        Assert.Equal("commented", ReviewQueue.ReviewState([R(1, "alice", "COMMENT"), R(2, "bob", "PENDING")]));
    }

    [Theory]
    [InlineData("SOUL.md", true)]
    [InlineData("agents/wolf/config.yaml", true)]
    [InlineData(".gitea/workflows/ci.yaml", true)]
    [InlineData("src/soul.md", false)]
    [InlineData("docs/workflows.md", false)]
    public void Sensitive_surfaces_are_file_names_anywhere_or_folders(string path, bool sensitive)
    {
        Assert.Equal(sensitive, ReviewQueue.IsSensitive(path, new CommandCenterOptions().SensitivePaths));
    }

    [Fact]
    public void An_agent_not_yet_heard_from_is_unknown_for_one_deadman_window_then_down()
    {
        DateTimeOffset started = DateTimeOffset.UtcNow;
        var registry = new[] { new RegistryEntry { Agent = "wolf-1", Role = "wolf", Nkey = "U" } };
        var never = new AgentView("wolf-1", Sdk.Fleet.AgentHealth.Down, null, null, "expected, never seen");
        AgentRow At(DateTimeOffset now) => Assert.Single(AgentHealth.Build(FleetReading(registry, [never], started, now), [], new CommandCenterOptions(), now).Agents);

        AgentRow early = At(started.AddSeconds(2));
        AgentRow late = At(started.AddSeconds(16));

        Assert.Equal("unknown", early.State);
        Assert.Contains("no heartbeat yet", early.FailureMode, StringComparison.Ordinal);
        Assert.Equal(("down", "expected, never seen"), (late.State, late.FailureMode));
        BriefStatusView brief = BriefStatus.Build(new AgentHealthView(started, [], [early]), new ReviewQueueView(started, [], []), new CronStateView(started, [], []), new TaskBoardView(started, [], TaskBoard.Lanes, []), started);
        Assert.Equal("unknown", Assert.Single(brief.Items).Level); // never green while an agent is not known
    }

    [Fact]
    public void An_agent_busy_on_an_issue_gitea_does_not_show_it_holding_is_working_the_wrong_thing()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var registry = new[] { new RegistryEntry { Agent = "timmy", Role = "worker", Nkey = "U" } };
        static GiteaIssue Issue(long n, params string[] labels) => new() { Number = n, Title = $"#{n}", Labels = [.. labels.Select(l => new GiteaLabel { Name = l })] };
        var repo = new SourceReading<RepoSnapshot>("gitea o/r", new RepoSnapshot("o/r", [Issue(2, "in-progress", "assigned:timmy"), Issue(9), Issue(10)], []), now, now, null, now, TimeSpan.FromMinutes(2));
        string StateWhenBusyOn(string task) => Assert.Single(AgentHealth.Build(
            FleetReading(registry, [new AgentView("timmy", Sdk.Fleet.AgentHealth.Busy, now, task, null)], now.AddHours(-1), now), [repo], new CommandCenterOptions(), now).Agents) is var row ? $"{row.State}: {row.FailureMode}" : string.Empty;

        Assert.Equal("busy: ", StateWhenBusyOn("o/r#2 held by timmy"));
        Assert.Equal("degraded: working the wrong thing? its heartbeat says o/r#9, Gitea shows it holding #2", StateWhenBusyOn("o/r#9 held by timmy"));
        Assert.Equal("busy: ", StateWhenBusyOn("o/r#7 (review)")); // a pull request under review is no claim
        Assert.Equal("busy: ", StateWhenBusyOn("x/y#9 held by timmy")); // a repository not read: no evidence
        Assert.Equal("busy: ", StateWhenBusyOn("schedule:reaper:2026-12-01T02:00Z"));
    }

    [Fact]
    public async Task Gitea_not_configured_or_without_its_token_is_unknown_with_the_reason_never_green()
    {
        var bare = new CommandCenterOptions();
        CommandCenterViews none = await CommandCenterData.Create(bare, null, null, TimeProvider.System).ReadAsync(CancellationToken.None);
        SourceStamp gitea = Assert.Single(none.Reviews.Sources);
        Assert.Equal(("unknown", "not configured: the command center was given no Gitea URL and repositories to read"), (gitea.Freshness, gitea.Error));
        Assert.NotEqual("green", none.Brief.Overall);

        var options = new CommandCenterOptions { GiteaUrl = new Uri("http://127.0.0.1:9/"), GiteaTokenEnvironmentVariable = $"HERMES_CC_UNSET_{Guid.NewGuid():N}" };
        options.Repositories.Add("o/r");
        using GiteaClient client = GiteaClient.Create(new GiteaClientOptions { BaseUrl = options.GiteaUrl, TokenEnvironmentVariable = options.GiteaTokenEnvironmentVariable });
        CommandCenterViews unset = await CommandCenterData.Create(options, client, null, TimeProvider.System).ReadAsync(CancellationToken.None);
        Assert.Equal($"the token variable {options.GiteaTokenEnvironmentVariable} is not set: Gitea is read with the token the seed's config names, and no other", Assert.Single(unset.Tasks.Sources).Error);
    }

    private static SourceReading<FleetSnapshot> FleetReading(RegistryEntry[] registry, AgentView[] views, DateTimeOffset watchingSince, DateTimeOffset now) =>
        new("fleet", new FleetSnapshot(registry, views, new Dictionary<string, Heartbeat>(), new Dictionary<string, DateTimeOffset>(), [], watchingSince, TimeSpan.FromSeconds(15)), now, now, null, now, TimeSpan.FromMinutes(1));

    [Fact]
    public void With_nothing_read_the_brief_is_unknown_never_green()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var options = new CommandCenterOptions();
        var fleet = new SourceReading<FleetSnapshot>("fleet", null, null, now, "no fleet bus is configured", null, TimeSpan.FromMinutes(1));
        var schedules = new SourceReading<ScheduleSnapshot>("schedules", null, null, now, "no fleet bus is configured", null, TimeSpan.FromMinutes(1));
        CommandCenterViews views = CommandCenterData.Build([], fleet, schedules, options, now);
        Assert.Equal("unknown", views.Brief.Overall);
        Assert.All(views.Brief.Items, i => Assert.Equal("unknown", i.Level));

        BriefStatusView empty = BriefStatus.Build(new AgentHealthView(now, [], []), new ReviewQueueView(now, [], []), new CronStateView(now, [], []), new TaskBoardView(now, [], TaskBoard.Lanes, []), now);
        Assert.Equal("unknown", empty.Overall);
    }
}
