using Hermes.Sdk.Gitea.Testing;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.Gitea.Tests;
namespace Hermes.Sdk.TaskQueue.Tests;

/// <summary>Twenty agents, each with its own account and token, racing for two hundred ready issues.</summary>
public sealed class TaskQueueRaceTests
{
    private const int Agents = 20;
    private const int Issues = 200;

    [Theory]
    [InlineData(false, GiteaTestVersion.Gitea126)] // everyone goes for the oldest issue first: maximum contention
    [InlineData(true, GiteaTestVersion.Gitea126)] // the fleet shares the list out
    [InlineData(true, GiteaTestVersion.Gitea125)]
    [InlineData(true, GiteaTestVersion.Gitea124)]
    public async Task Every_issue_ends_with_exactly_one_claim_and_every_winner_holds_what_it_believes(bool spread, GiteaTestVersion version)
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync(new GiteaTestServerOptions { Version = version });
        List<long> numbers = await fx.SeedReadyAsync(Issues);
        GiteaTaskQueue[] queues = [.. Enumerable.Range(1, Agents).Select(i => Queues.Queue(fx.AddAgent($"racer-{i}"), $"racer-{i}", o => o.SpreadClaims = spread))];
        await Task.WhenAll(queues.Select(q => q.InitializeAsync()));

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<List<TaskClaim>>[] runs = [.. queues.Select(queue => Task.Run(async () =>
        {
            await start.Task;
            return await Queues.ClaimUntilNothingAsync(queue);
        }))];
        start.SetResult();
        List<TaskClaim> claims = [.. (await Task.WhenAll(runs)).SelectMany(c => c)];

        // No issue claimed twice, none lost.
        Assert.Equal(numbers.Order(), claims.Select(c => c.Number).Order());

        // The forge agrees with every winner, and nothing is left half-taken.
        List<GiteaIssue> after = await fx.Client.ListIssuesAsync(ForgeFixture.Owner, ForgeFixture.Repo).ToListAsync();
        Assert.Equal(Issues, after.Count);
        Dictionary<long, string> believed = claims.ToDictionary(c => c.Number, c => c.Agent);
        foreach (GiteaIssue issue in after)
        {
            Assert.Equal(["assigned:" + believed[issue.Number], "ready"], issue.Labels.Select(l => l.Name).Order(StringComparer.Ordinal));
            Assert.Empty(issue.Assignees ?? []); // the claim is one label write; the assignee comes when work starts
        }

        Assert.Empty(await queues[0].ListReadyAsync().ToListAsync());
        Assert.True(claims.Select(c => c.Agent).Distinct().Count() > Agents / 2, "the work was shared out");

        if (!spread)
        {
            // The race was real: more claim labels were written than issues exist, and losers backed off.
            int claimWrites = 0;
            foreach (long number in numbers)
            {
                claimWrites += await fx.Client.ListTimelineAsync(ForgeFixture.Owner, ForgeFixture.Repo, number)
                    .CountAsync(e => e.IsLabelAdded && e.Label!.Name.StartsWith("assigned:", StringComparison.Ordinal));
            }

            Assert.True(claimWrites > Issues, $"expected contention, saw {claimWrites} claim writes for {Issues} issues");
        }
    }
}
