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
