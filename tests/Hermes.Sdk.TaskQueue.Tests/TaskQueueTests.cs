using Hermes.Sdk.Gitea.Testing;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.Gitea.Tests;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.TaskQueue.Tests;

/// <summary>The label task queue against the loopback forge: claims, lanes, lost claims, the reaper and the board.</summary>
public sealed class TaskQueueTests
{
    private const string O = ForgeFixture.Owner;
    private const string R = ForgeFixture.Repo;

    [Fact]
    public async Task A_claim_is_one_label_write_plus_the_assignee_ready_goes_when_work_starts_and_it_survives_a_restart()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        List<long> numbers = await fx.SeedReadyAsync(3);
        await fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "not ready" });
        GiteaTaskQueue queue = Queues.Queue(fx.Client, "wolf-1", o => o.SpreadClaims = false);

        TaskClaim? claim = await queue.ClaimNextAsync();

        Assert.NotNull(claim);
        Assert.Equal((numbers[0], "wolf-1"), (claim.Number, claim.Agent));
        Assert.Equal(["assigned:wolf-1", "ready"], await fx.LabelsOfAsync(claim.Number));
        Assert.Empty((await fx.Api.GetIssueAsync(O, R, claim.Number)).Assignees ?? []); // the claim is the one label write
        Assert.Equal(numbers[1..], await queue.ListReadyAsync().Select(i => i.Number).Order().ToListAsync());
        await queue.StartAsync(claim);
        Assert.Equal(["assigned:wolf-1", "in-progress"], await fx.LabelsOfAsync(claim.Number));
        Assert.Equal(["wolf-1"], (await fx.Api.GetIssueAsync(O, R, claim.Number)).Assignees!.Select(a => a.Login)); // assigned when work starts

        // A restarted agent finds its work again.
        GiteaTaskQueue restarted = Queues.Queue(fx.Client, "wolf-1");
        Assert.Equal([claim], await restarted.ListMineAsync().ToListAsync());
    }

    [Fact]
    public async Task Initialising_creates_the_lane_labels_and_refuses_a_token_of_another_user()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        await Queues.Queue(fx.Client, "wolf-1").InitializeAsync();
        Assert.Equal(
            ["assigned:wolf-1", "blocked", "in-progress", "in-review", "ready"],
            await fx.Client.ListLabelsAsync(O, R).Select(l => l.Name).Order(StringComparer.Ordinal).ToListAsync());

        GiteaTaskQueue impostor = Queues.Queue(fx.Client, "wolf-2");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => impostor.ClaimNextAsync());
        Assert.Contains("authenticates as 'wolf-1'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fx.Token, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_are_validated_when_the_queue_is_created()
    {
        var options = Options.Create(new GiteaTaskQueueOptions { Owner = O, Repo = R, Agent = "wolf 1", BlockedLabel = "ready", StaleAfter = TimeSpan.Zero });
        using GiteaClient client = GiteaClient.Create(new GiteaClientOptions { BaseUrl = new Uri("http://127.0.0.1:9/") });

        var ex = Assert.Throws<OptionsValidationException>(() => new GiteaTaskQueue(client, options));

        Assert.Contains(ex.Failures, f => f.StartsWith("Agent: 'wolf 1'", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("four different labels", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("StaleAfter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dependency_injection_registers_the_queue_and_validates_its_options_at_start_up()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        var services = new ServiceCollection();
        services.AddHermesGitea(o => { o.BaseUrl = fx.Server.BaseUrl; o.TokenEnvironmentVariable = fx.TokenVariable; });
        services.AddHermesTaskQueue(o => { o.Owner = O; o.Repo = R; o.Agent = "wolf-1"; });
        await using ServiceProvider provider = services.BuildServiceProvider();
        await fx.SeedReadyAsync(1);

        Assert.NotNull(await provider.GetRequiredService<GiteaTaskQueue>().ClaimNextAsync());

        var bad = new ServiceCollection();
        bad.AddHermesTaskQueue(o => { o.Owner = O; o.Repo = R; });
        await using ServiceProvider badProvider = bad.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => badProvider.GetRequiredService<IOptions<GiteaTaskQueueOptions>>().Value);
    }

    [Fact]
    public async Task The_second_agent_sees_the_first_claim_and_backs_off()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        List<long> numbers = await fx.SeedReadyAsync(1);
        GiteaTaskQueue first = Queues.Queue(fx.Client, "wolf-1");
        GiteaTaskQueue second = Queues.Queue(fx.AddAgent("wolf-2"), "wolf-2");

        Assert.NotNull(await first.TryClaimAsync(numbers[0]));
        Assert.Null(await second.TryClaimAsync(numbers[0]));
        Assert.Null(await second.ClaimNextAsync());
        Assert.Equal(["assigned:wolf-1", "ready"], await fx.LabelsOfAsync(numbers[0])); // a claim is one label write
    }

    [Fact]
    public async Task A_claim_written_second_loses_to_the_earlier_one_on_the_timeline_and_removes_its_label()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        List<long> numbers = await fx.SeedReadyAsync(1);
        GiteaTaskQueue rival = Queues.Queue(fx.AddAgent("wolf-2"), "wolf-2");
        await rival.InitializeAsync();

        // wolf-2's claim lands between wolf-1's read of the queue and wolf-1's own label write.
        var interleave = new InterleavingHandler(
            IsIssueLabelWrite,
            () => fx.Api.AddIssueLabelsByNameAsync(O, R, numbers[0], new IssueLabelNamesOption { Labels = ["assigned:wolf-2"] }));
        using GiteaClient hooked = fx.NewClient(fx.TokenVariable, primaryHandler: interleave);
        GiteaTaskQueue queue = Queues.Queue(hooked, "wolf-1");

        Assert.Null(await queue.ClaimNextAsync());

        Assert.Equal(["assigned:wolf-2", "ready"], await fx.LabelsOfAsync(numbers[0]));
        List<GiteaTimelineEvent> timeline = await fx.Client.ListTimelineAsync(O, R, numbers[0]).ToListAsync();
        Assert.Equal(
            ["+assigned:wolf-2", "+assigned:wolf-1", "-assigned:wolf-1"],
            timeline.Where(e => e.Type == "label" && e.Label!.Name.StartsWith("assigned:", StringComparison.Ordinal)).Select(e => (e.IsLabelAdded ? "+" : "-") + e.Label!.Name));
    }

    [Fact]
    public async Task An_agent_with_a_stale_candidate_list_backs_off_an_issue_claimed_meanwhile()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        List<long> numbers = await fx.SeedReadyAsync(1);
        GiteaTaskQueue winner = Queues.Queue(fx.AddAgent("wolf-2"), "wolf-2");
        TaskClaim? won = null;
        var interleave = new InterleavingHandler(
            IsIssueLabelWrite,
            async () => won = await winner.TryClaimAsync(numbers[0]));
        using GiteaClient hooked = fx.NewClient(fx.TokenVariable, primaryHandler: interleave);

        Assert.Null(await Queues.Queue(hooked, "wolf-1").ClaimNextAsync());

        Assert.NotNull(won);
        Assert.Equal(["assigned:wolf-2", "ready"], await fx.LabelsOfAsync(numbers[0]));
    }

    [Theory]
    [InlineData(GiteaTestVersion.Gitea124)]
    [InlineData(GiteaTestVersion.Gitea125)]
    [InlineData(GiteaTestVersion.Gitea126)]
    public async Task The_lifecycle_moves_the_card_through_the_lanes_and_completion_closes_the_issue(GiteaTestVersion version)
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync(new GiteaTestServerOptions { Version = version });
        await fx.SeedReadyAsync(1);
        GiteaTaskQueue queue = Queues.Queue(fx.Client, "wolf-1");
        TaskClaim claim = (await queue.ClaimNextAsync())!;
        async Task<TaskLane> LaneAsync() => (await queue.GetBoardAsync()).Cards.Single(c => c.Number == claim.Number).Lane;

        Assert.Equal(TaskLane.Assigned, await LaneAsync());
        await queue.StartAsync(claim);
        Assert.Equal(TaskLane.InProgress, await LaneAsync());
        await queue.ReportProgressAsync(claim, "Reproduced the failure in `GiteaClient.cs`.");
        await queue.BlockAsync(claim, "waiting for the owner to rotate the deploy key");
        Assert.Equal(TaskLane.Blocked, await LaneAsync());
        await queue.StartAsync(claim);
        Assert.Equal(["assigned:wolf-1", "in-progress"], await fx.LabelsOfAsync(claim.Number));

        GiteaPullRequest closedPr = await fx.OpenPullAsync("old", "old attempt");
        await fx.Api.EditPullRequestAsync(O, R, closedPr.Number, new EditPullRequestOption { State = "closed" });
        var notOpen = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.LinkPullRequestAsync(claim, closedPr.Number));
        Assert.Contains("is closed", notOpen.Message, StringComparison.Ordinal);

        GiteaPullRequest pr = await fx.OpenPullAsync("fix", "fix");
        await queue.LinkPullRequestAsync(claim, pr.Number);
        Assert.Equal(TaskLane.InReview, await LaneAsync());
        Assert.Equal(["assigned:wolf-1", "in-review"], await fx.LabelsOfAsync(claim.Number));

        await queue.CompleteAsync(claim, "Merged the fix.");
        GiteaIssue done = await fx.Api.GetIssueAsync(O, R, claim.Number);
        Assert.Equal("closed", done.State);
        Assert.Equal(["assigned:wolf-1"], done.Labels.Select(l => l.Name)); // the record of who did it stays
        Assert.Equal(
            ["Reproduced the failure in `GiteaClient.cs`.", "Blocked: waiting for the owner to rotate the deploy key", $"In review: #{pr.Number}", "Merged the fix."],
            (await fx.Api.ListCommentsAsync(O, R, claim.Number)).Select(c => c.Body));
        Assert.Empty(await queue.ListMineAsync().ToListAsync());
    }

    [Fact]
    public async Task Releasing_returns_the_issue_to_ready_unassigned()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        await fx.SeedReadyAsync(1);
        GiteaTaskQueue queue = Queues.Queue(fx.Client, "wolf-1");
        TaskClaim claim = (await queue.ClaimNextAsync())!;
        await queue.StartAsync(claim);

        await queue.ReleaseAsync(claim, "needs a human decision first");

        GiteaIssue issue = await fx.Api.GetIssueAsync(O, R, claim.Number);
        Assert.Equal(["ready"], issue.Labels.Select(l => l.Name));
        Assert.Empty(issue.Assignees!);
        Assert.Equal(TaskLane.Unassigned, (await queue.GetBoardAsync()).Cards.Single().Lane);
        Assert.Equal("Released by wolf-1: needs a human decision first", (await fx.Api.ListCommentsAsync(O, R, claim.Number)).Single().Body);
        Assert.NotNull(await queue.TryClaimAsync(claim.Number));
    }

    [Fact]
    public async Task A_lost_claim_is_reported_instead_of_acted_on()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        await fx.SeedReadyAsync(1);
        GiteaTaskQueue queue = Queues.Queue(fx.Client, "wolf-1");
        TaskClaim claim = (await queue.ClaimNextAsync())!;
        GiteaLabel mine = (await fx.Api.GetIssueLabelsAsync(O, R, claim.Number)).Single(l => l.Name == "assigned:wolf-1");
        await fx.Api.RemoveIssueLabelAsync(O, R, claim.Number, mine.Id); // an operator took it back

        var ex = await Assert.ThrowsAsync<TaskClaimLostException>(() => queue.StartAsync(claim));

        Assert.Equal(claim, ex.Claim);
        Assert.Equal(["ready"], await fx.LabelsOfAsync(claim.Number)); // nothing was written
        await Assert.ThrowsAsync<TaskClaimLostException>(() => queue.ReportProgressAsync(claim, "still here"));
        Assert.Empty(await fx.Api.ListCommentsAsync(O, R, claim.Number));
    }

    [Fact]
    public async Task The_reaper_returns_silent_claims_to_ready_and_leaves_blocked_and_fresh_work_alone()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        await fx.SeedReadyAsync(3);
        GiteaTaskQueue wolf = Queues.Queue(fx.AddAgent("wolf-2"), "wolf-2", o => o.SpreadClaims = false);
        TaskClaim assigned = (await wolf.ClaimNextAsync())!;
        TaskClaim started = (await wolf.ClaimNextAsync())!;
        TaskClaim blocked = (await wolf.ClaimNextAsync())!;
        await wolf.StartAsync(started);
        await wolf.BlockAsync(blocked, "waiting on review of the design");

        var now = new ShiftableTimeProvider();
        GiteaTaskQueue supervisor = Queues.Queue(fx.Client, "wolf-1", o => o.StaleAfter = TimeSpan.FromHours(2), now);
        Assert.Empty(await supervisor.ReapStaleAsync());

        now.Offset = TimeSpan.FromHours(3);
        IReadOnlyList<ReapedClaim> reaped = await supervisor.ReapStaleAsync();

        Assert.Equal([assigned.Number, started.Number], reaped.Select(r => r.Number).Order());
        Assert.All(reaped, r => Assert.Equal(["wolf-2"], r.Agents));
        Assert.All(reaped, r => Assert.Contains("stale after 02:00:00", r.Reason, StringComparison.Ordinal));
        Assert.Equal(["ready"], await fx.LabelsOfAsync(assigned.Number));
        Assert.Equal(["ready"], await fx.LabelsOfAsync(started.Number));
        Assert.Empty((await fx.Api.GetIssueAsync(O, R, started.Number)).Assignees!);
        Assert.StartsWith("Reaped by wolf-1: the claim of wolf-2 had no activity since", (await fx.Api.ListCommentsAsync(O, R, started.Number)).Last().Body, StringComparison.Ordinal);
        Assert.Equal(["assigned:wolf-2", "blocked"], await fx.LabelsOfAsync(blocked.Number));

        await Assert.ThrowsAsync<TaskClaimLostException>(() => wolf.ReportProgressAsync(started, "back from lunch"));
    }

    [Fact]
    public async Task The_reaper_leaves_a_dead_losers_label_beside_a_live_holder_and_clears_both_once_silent()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        await fx.SeedReadyAsync(1);
        var now = new ShiftableTimeProvider();
        GiteaTaskQueue queue = Queues.Queue(fx.Client, "wolf-1", o => o.StaleAfter = TimeSpan.FromHours(2), now);
        TaskClaim claim = (await queue.ClaimNextAsync())!;
        await Queues.Queue(fx.AddAgent("wolf-2"), "wolf-2").InitializeAsync();

        // wolf-2 added its label after wolf-1 won, saw two, and died before stepping back.
        await fx.Api.AddIssueLabelsByNameAsync(O, R, claim.Number, new IssueLabelNamesOption { Labels = ["assigned:wolf-2"] });
        Assert.Equal(TaskLane.Ambiguous, (await queue.GetBoardAsync()).Cards.Single().Lane);

        // Nothing is silent yet: the holder's claim stands, and it can work.
        Assert.Empty(await queue.ReapStaleAsync());
        await queue.StartAsync(claim);

        // Silent past the bound: every claim label goes, and the work is ready again.
        now.Offset = TimeSpan.FromHours(3);
        IReadOnlyList<ReapedClaim> reaped = await queue.ReapStaleAsync();
        Assert.Equal(["wolf-1", "wolf-2"], reaped.Single().Agents.Order(StringComparer.Ordinal));
        Assert.Equal(["ready"], await fx.LabelsOfAsync(claim.Number));
        await Assert.ThrowsAsync<TaskClaimLostException>(() => queue.ReportProgressAsync(claim, "still here?"));
    }

    [Fact]
    public async Task A_claim_label_deleted_from_the_repository_is_created_again()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        await fx.SeedReadyAsync(2);
        GiteaTaskQueue queue = Queues.Queue(fx.Client, "wolf-1");
        await queue.InitializeAsync();
        fx.Server.DeleteLabel(O, R, "assigned:wolf-1");

        TaskClaim? claim = await queue.ClaimNextAsync();

        Assert.NotNull(claim);
        Assert.Equal(["assigned:wolf-1", "ready"], await fx.LabelsOfAsync(claim.Number));
    }

    [Fact]
    public async Task An_agent_done_with_its_own_pages_helps_with_the_newer_half_of_a_page_whose_owner_is_behind()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        List<long> numbers = await fx.SeedReadyAsync(40);
        await Queues.Queue(fx.AddAgent("slow"), "slow").InitializeAsync(); // ranked first: the newest twenty are its page
        GiteaTaskQueue fast = Queues.Queue(fx.AddAgent("wolf-2"), "wolf-2");

        // Its own twenty (the oldest), then the slow agent's page is seen to be behind, and the newer half of it is taken:
        // the older half, where its owner works first, is left to it.
        List<TaskClaim> first = await Queues.ClaimUntilNothingAsync(fast);
        Assert.Equal([.. numbers[..20], .. numbers[30..]], first.Select(c => c.Number).Order());

        // Asked again, the rest is taken too: its owner may be gone.
        List<TaskClaim> second = await Queues.ClaimUntilNothingAsync(fast);
        Assert.Equal(numbers[20..30], second.Select(c => c.Number).Order());
    }

    [Fact]
    public async Task An_agent_that_paged_the_list_for_a_smaller_fleet_pages_it_again_once_it_loses_on_its_own_page()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        List<long> numbers = await fx.SeedReadyAsync(40);
        GiteaTaskQueue early = Queues.Queue(fx.AddAgent("wolf-2"), "wolf-2");
        Assert.Equal(numbers[0], (await early.ClaimNextAsync())!.Number); // a fleet of one: the whole list is its page

        // A second agent joins while the first is mid-round: for it the fleet is two, and the oldest twenty are its page.
        GiteaTaskQueue late = Queues.Queue(fx.AddAgent("wolf-3"), "wolf-3");
        var claims = new List<TaskClaim>();
        for (int turn = 0; turn < 10; turn++)
        {
            claims.Add((await late.ClaimNextAsync())!);
            claims.Add((await early.ClaimNextAsync())!);
        }

        // The first agent lost one race on what it took for its own page, saw the fleet had grown and paged the list
        // again: from then on each works its own half, with no more lost races.
        int lost = fx.Server.RequestCountsByRoute().GetValueOrDefault($"DELETE /api/v1/repos/{ForgeFixture.Owner}/{ForgeFixture.Repo}/issues/{{n}}/labels/{{n}}");
        Assert.Equal(1, lost);
        Assert.Equal(numbers[1..11], claims.Where(c => c.Agent == "wolf-3").Select(c => c.Number).Order());
        Assert.Equal(numbers[20..30], claims.Where(c => c.Agent == "wolf-2").Select(c => c.Number).Order());
    }

    [Fact]
    public async Task A_share_left_by_an_agent_that_joined_and_went_silent_is_taken_after_one_empty_answer()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        List<long> numbers = await fx.SeedReadyAsync(60);
        await Queues.Queue(fx.AddAgent("ghost"), "ghost").InitializeAsync(); // on the roster, never claims
        GiteaTaskQueue[] live = [.. new[] { "wolf-2", "wolf-3" }.Select(a => Queues.Queue(fx.AddAgent(a), a))];

        // Both on the roster before either reads it: an agent that started a round before the other's claim label existed
        // would page the list for a fleet of two, and its pages would not line up with the others'.
        await Task.WhenAll(live.Select(q => q.InitializeAsync()));

        // Three pages of twenty, one per roster member. Helpers only ever take from the newer half of another's page, so
        // the oldest ten of the silent agent's page are left to it when the live agents first answer "nothing for now".
        List<TaskClaim> first = [.. (await Task.WhenAll(live.Select(Queues.ClaimUntilNothingAsync))).SelectMany(c => c)];
        int left = await live[0].ListReadyAsync().CountAsync();
        Assert.InRange(left, 10, 20);
        Assert.Equal(numbers.Count - left, first.Count);

        // Asked again, they no longer wait for it.
        List<TaskClaim> second = [.. (await Task.WhenAll(live.Select(Queues.ClaimUntilNothingAsync))).SelectMany(c => c)];
        Assert.Equal(left, second.Count);
        Assert.Equal(numbers, first.Concat(second).Select(c => c.Number).Order());
        Assert.DoesNotContain(first.Concat(second), c => c.Agent == "ghost");
        Assert.Empty(await live[1].ListReadyAsync().ToListAsync());
    }

    [Theory]
    [InlineData(new string[0], new string[0], TaskLane.Unassigned, null)]
    [InlineData(new[] { "ready" }, new string[0], TaskLane.Unassigned, null)]
    [InlineData(new[] { "assigned:wolf-1" }, new[] { "wolf-1" }, TaskLane.Assigned, null)]
    [InlineData(new[] { "assigned:wolf-1" }, new string[0], TaskLane.Assigned, null)]
    [InlineData(new string[0], new[] { "alice" }, TaskLane.Assigned, null)]
    [InlineData(new[] { "assigned:wolf-1", "in-progress" }, new[] { "wolf-1" }, TaskLane.InProgress, null)]
    [InlineData(new[] { "assigned:wolf-1", "blocked" }, new[] { "wolf-1" }, TaskLane.Blocked, null)]
    [InlineData(new[] { "in-review" }, new[] { "alice" }, TaskLane.InReview, null)]
    [InlineData(new[] { "assigned:wolf-1", "assigned:wolf-2" }, new string[0], TaskLane.Ambiguous, "claimed by several agents (wolf-1, wolf-2)")]
    [InlineData(new[] { "assigned:wolf-1", "in-progress", "blocked" }, new string[0], TaskLane.Ambiguous, "several lane labels (in-progress, blocked)")]
    [InlineData(new[] { "in-progress" }, new string[0], TaskLane.Ambiguous, "labelled 'in-progress' but nobody holds or is assigned it")]
    [InlineData(new[] { "assigned:wolf-1", "ready" }, new[] { "wolf-1" }, TaskLane.Assigned, null)]
    [InlineData(new[] { "assigned:wolf-1", "ready", "in-progress" }, new[] { "wolf-1" }, TaskLane.Ambiguous, "labelled 'ready' yet 'in-progress'")]
    [InlineData(new[] { "ready" }, new[] { "alice" }, TaskLane.Ambiguous, "labelled 'ready' yet assigned to alice with no claim")]
    [InlineData(new[] { "assigned:wolf-1" }, new[] { "wolf-2" }, TaskLane.Ambiguous, "claimed by wolf-1 but assigned to wolf-2")]
    public void The_board_derives_each_lane_from_labels_and_assignees_and_says_when_it_is_ambiguous(string[] labels, string[] assignees, TaskLane lane, string? ambiguity)
    {
        var issue = new GiteaIssue
        {
            Number = 7,
            Title = "t",
            Labels = [.. labels.Select((l, i) => new GiteaLabel { Id = i + 1, Name = l })],
            Assignees = [.. assignees.Select(a => new GiteaUser { Login = a })],
        };

        TaskCard card = TaskCard.Classify(issue, new GiteaTaskQueueOptions { Owner = O, Repo = R, Agent = "wolf-1" });

        Assert.Equal(lane, card.Lane);
        if (ambiguity is null)
        {
            Assert.Null(card.Ambiguity);
        }
        else
        {
            Assert.StartsWith(ambiguity, card.Ambiguity, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Each_agent_tries_issues_in_its_own_stable_order()
    {
        long[] numbers = [.. Enumerable.Range(1, 50).Select(n => (long)n)];
        long[] a1 = [.. numbers.OrderBy(n => ClaimPlanner.SpreadKey("wolf-1", n))];
        long[] a2 = [.. numbers.OrderBy(n => ClaimPlanner.SpreadKey("wolf-1", n))];
        long[] b = [.. numbers.OrderBy(n => ClaimPlanner.SpreadKey("wolf-2", n))];

        Assert.Equal(a1, a2);
        Assert.NotEqual(a1, b);
        Assert.NotEqual(a1[0], b[0]);
    }

    private static bool IsIssueLabelWrite(HttpRequestMessage request) =>
        request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.Contains("/issues/", StringComparison.Ordinal) && request.RequestUri.AbsolutePath.EndsWith("/labels", StringComparison.Ordinal);
}
