using Hermes.Sdk.Gitea;
using Hermes.Sdk.Gitea.Testing;
using Hermes.Sdk.Gitea.Tests;

namespace Hermes.Sdk.TaskQueue.Tests;

/// <summary>
/// Gitea allows several labels of one name (models/issues/label.go NewLabel: a bare insert; go-gitea#37192 "won't fix"),
/// and its issue filter is ALL-of (models/issues/issue_search.go:159-165): duplicates of <c>ready</c> hide ready work.
/// The queue settles every queue label to its lowest id and writes by id.
/// </summary>
public sealed class LaneLabelTests
{
    private const string O = ForgeFixture.Owner;
    private const string R = ForgeFixture.Repo;

    [Fact]
    public async Task Duplicate_ready_labels_are_settled_to_the_lowest_id_and_no_ready_issue_is_lost()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        GiteaLabel first = await fx.Api.CreateLabelAsync(O, R, new CreateLabelOption { Name = "ready", Color = "#00ff00" });
        GiteaLabel second = await fx.Api.CreateLabelAsync(O, R, new CreateLabelOption { Name = "ready", Color = "#00ff00" });
        Assert.NotEqual(first.Id, second.Id); // Gitea answers 201 twice

        // Issues filed under either label, and one under both.
        long a = (await fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "a", Labels = [first.Id] })).Number;
        long b = (await fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "b", Labels = [second.Id] })).Number;
        long c = (await fx.Api.CreateIssueAsync(O, R, new CreateIssueOption { Title = "c", Labels = [first.Id, second.Id] })).Number;
        Assert.Equal([c], await fx.Client.ListIssuesAsync(O, R, labels: ["ready"]).Select(i => i.Number).ToListAsync()); // ALL-of: only c

        GiteaTaskQueue queue = Queues.Queue(fx.Client, "wolf-1");
        await queue.InitializeAsync();

        Assert.Equal([first.Id], await fx.Client.ListLabelsAsync(O, R).Where(l => l.Name == "ready").Select(l => l.Id).ToListAsync());
        Assert.Equal([a, b, c], (await fx.Client.ListIssuesAsync(O, R, labels: ["ready"]).Select(i => i.Number).ToListAsync()).Order());
        Assert.Equal([a, b, c], (await Queues.ClaimUntilNothingAsync(queue)).Select(t => t.Number).Order());
    }

    [Fact]
    public async Task Agents_starting_together_on_a_fresh_repository_end_with_one_label_per_name_and_claim_everything()
    {
        // Every agent's label creation is held until all five have asked: each listed the labels, saw none, and creates
        // all of them — the R4 race, made certain.
        const int Agents = 5;
        int asked = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new GiteaTestServerOptions
        {
            BeforeCommitAsync = async (request, ct) =>
            {
                if (request.Method == "POST" && request.Path == "/api/v1/repos/fleet/work/labels")
                {
                    if (Interlocked.Increment(ref asked) == Agents)
                    {
                        all.TrySetResult();
                    }

                    await all.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
                }
            },
        };
        await using ForgeFixture fx = await ForgeFixture.StartAsync(options);
        GiteaTaskQueue[] queues = [.. Enumerable.Range(1, Agents).Select(i => Queues.Queue(i == 1 ? fx.Client : fx.AddAgent($"wolf-{i}"), $"wolf-{i}"))];

        await Task.WhenAll(queues.Select(q => q.InitializeAsync()));

        Assert.True(fx.Server.RequestCount("POST", "/api/v1/repos/fleet/work/labels") > 4 + Agents, "the agents created the lane labels more than once");
        List<GiteaLabel> labels = await fx.Client.ListLabelsAsync(O, R).ToListAsync();
        Assert.All(labels.GroupBy(l => l.Name), g => Assert.Single(g));
        Assert.Equal(4 + Agents, labels.Count);

        List<long> numbers = await fx.SeedReadyAsync(30);
        List<TaskClaim> claims = [.. (await Task.WhenAll(queues.Select(q => Task.Run(() => Queues.ClaimUntilNothingAsync(q))))).SelectMany(c => c)];
        Assert.Equal(numbers, claims.Select(c => c.Number).Order());
    }

    [Fact]
    public async Task Lane_moves_write_by_id_so_a_duplicate_created_later_is_not_put_on_the_issue()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        long number = (await fx.SeedReadyAsync(1))[0];
        GiteaTaskQueue queue = Queues.Queue(fx.Client, "wolf-1");
        await queue.InitializeAsync();
        long settled = await fx.Client.ListLabelsAsync(O, R).Where(l => l.Name == "in-progress").Select(l => l.Id).SingleAsync();

        // A person adds a second "in-progress" after the queue settled its labels: by name, Gitea would put both on.
        await fx.Api.CreateLabelAsync(O, R, new CreateLabelOption { Name = "in-progress", Color = "#fbca04" });
        TaskClaim claim = (await queue.ClaimNextAsync())!;
        await queue.StartAsync(claim);

        Assert.Equal([settled], (await fx.Api.GetIssueLabelsAsync(O, R, number)).Where(l => l.Name == "in-progress").Select(l => l.Id));
    }
}
