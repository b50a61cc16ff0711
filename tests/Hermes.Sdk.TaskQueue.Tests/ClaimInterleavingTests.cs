using Hermes.Sdk.Gitea;
using Xunit.Abstractions;
using Hermes.Sdk.Gitea.Testing;

namespace Hermes.Sdk.TaskQueue.Tests;

/// <summary>
/// The claim protocol under every ordering of its requests: two agents with every request scheduled (reads included),
/// three agents with every write scheduled, each start order, on a forge whose timeline ids follow commit order
/// (SQLite) and on one that allocates them before the row lock (MySQL, PostgreSQL). In every run at most one agent
/// believes it holds the issue, the forge agrees, no claim label is left behind, and if every contender stepped back
/// the next try takes the issue.
/// </summary>
public sealed class ClaimInterleavingTests(ITestOutputHelper output)
{
    private const string Owner = "fleet";

    [Theory]
    [InlineData(2, true, TimelineIdOrder.CommitOrder)]
    [InlineData(2, true, TimelineIdOrder.AllocatedBeforeLock)]
    [InlineData(3, false, TimelineIdOrder.CommitOrder)]
    [InlineData(3, false, TimelineIdOrder.AllocatedBeforeLock)]
    public async Task Every_ordering_of_concurrent_claims_gives_the_issue_to_at_most_one_agent_and_loses_none(int agents, bool includeReads, TimelineIdOrder ids)
    {
        var scheduler = new RequestScheduler { IncludeReads = includeReads };
        await using GiteaTestServer server = await GiteaTestServer.StartAsync(new GiteaTestServerOptions { TimelineIds = ids, BeforeCommitAsync = scheduler.HoldAsync });
        string[] names = [.. Enumerable.Range(1, agents).Select(i => $"agent-{i}")];
        var clients = new List<GiteaClient>();
        var variables = new List<string>();
        foreach (string name in names)
        {
            server.AddUser(name, name + "-password");
            string variable = $"HERMES_INTERLEAVE_{name}_{Guid.NewGuid():N}";
            Environment.SetEnvironmentVariable(variable, server.AddToken(name, "write:issue", "read:user"));
            variables.Add(variable);
            clients.Add(GiteaClient.Create(new GiteaClientOptions { BaseUrl = server.BaseUrl, TokenEnvironmentVariable = variable, MaxRetries = 0 }));
        }

        int runs = 0, everyoneSteppedBack = 0, won = 0;
        try
        {
            foreach (string[] startOrder in Permutations(names))
            {
                var pending = new Stack<List<string>>();
                pending.Push([]);
                while (pending.TryPop(out List<string>? prefix))
                {
                    (List<string> taken, List<List<string>> choices, string? winner) = await RunAsync(server, scheduler, clients, names, startOrder, prefix, runs++);
                    won += winner is null ? 0 : 1;
                    everyoneSteppedBack += winner is null ? 1 : 0;
                    for (int k = prefix.Count; k < taken.Count; k++)
                    {
                        foreach (string other in choices[k].Where(c => c != taken[k]))
                        {
                            pending.Push([.. taken.Take(k), other]);
                        }
                    }
                }
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
            variables.ForEach(v => Environment.SetEnvironmentVariable(v, null));
        }

        output.WriteLine($"{agents} agents, {(includeReads ? "every request" : "every write")} scheduled, {ids}: {runs} orderings; {won} with one holder, {everyoneSteppedBack} where every contender stepped back (then claimed on the next try); none with two");

        // Both outcomes occur: orderings where one agent wins, and orderings where every contender steps back.
        Assert.True(won > 0 && everyoneSteppedBack > 0, $"{runs} orderings: {won} won, {everyoneSteppedBack} all stepped back");
    }

    /// <summary>One run: a fresh repository and issue, the agents' claims released in the order <paramref name="prefix"/> says, then the first waiting agent each time.</summary>
    private static async Task<(List<string> Taken, List<List<string>> Choices, string? Winner)> RunAsync(
        GiteaTestServer server, RequestScheduler scheduler, List<GiteaClient> clients, string[] names, string[] startOrder, List<string> prefix, int run)
    {
        string repo = $"work-{run}";
        server.AddRepo(Owner, repo);
        foreach (string name in names)
        {
            server.AddCollaborator(Owner, repo, name);
        }

        long number = server.AddIssue(Owner, repo, names[0], "contested", "ready");
        var queues = new Dictionary<string, GiteaTaskQueue>();
        for (int i = 0; i < names.Length; i++)
        {
            var options = new GiteaTaskQueueOptions { Owner = Owner, Repo = repo, Agent = names[i] };
            queues[names[i]] = new GiteaTaskQueue(clients[i], Microsoft.Extensions.Options.Options.Create(options));
            await queues[names[i]].InitializeAsync();
        }

        scheduler.Begin(names);
        var claims = new Dictionary<string, Task<TaskClaim?>>();
        foreach (string name in startOrder)
        {
            claims[name] = scheduler.RunAsync(name, () => queues[name].TryClaimAsync(number));
            await scheduler.SettledAsync(name); // arrives (and, before the lock, takes its ids) in start order
        }

        var taken = new List<string>();
        var choices = new List<List<string>>();
        while (scheduler.Waiting(names) is { Count: > 0 } waiting)
        {
            string next = taken.Count < prefix.Count ? prefix[taken.Count] : waiting[0];
            Assert.Contains(next, waiting);
            choices.Add(waiting);
            taken.Add(next);
            await scheduler.ReleaseAsync(next);
        }

        scheduler.End();
        string[] winners = [.. (await Task.WhenAll(claims.Select(async c => (c.Key, Claim: await c.Value)))).Where(c => c.Claim is not null).Select(c => c.Key)];
        string trace = $"run {run}, start {string.Join(",", startOrder)}, order {string.Join(",", taken)}";

        // At most one agent believes it holds the issue, and the forge agrees: its label, and no loser's.
        Assert.True(winners.Length <= 1, $"{trace}: {string.Join(", ", winners)} all believe they hold #{number}");
        string[] labels = [.. (await clients[0].Api.GetIssueLabelsAsync(Owner, repo, number)).Select(l => l.Name).Order(StringComparer.Ordinal)];
        string? winner = winners.SingleOrDefault();
        Assert.True(winner is null ? labels.SequenceEqual(["ready"]) : labels.SequenceEqual([$"assigned:{winner}", "ready"]), $"{trace}: labels {string.Join(", ", labels)}");

        if (winner is null)
        {
            // Nothing lost: with the contest over, the next try takes it.
            Assert.NotNull(await queues[names[^1]].TryClaimAsync(number));
        }
        else
        {
            await queues[winner].StartAsync((await claims[winner])!); // the forge lets the holder work
        }

        server.RemoveRepo(Owner, repo);
        return (taken, choices, winner);
    }

    private static IEnumerable<string[]> Permutations(string[] items) =>
        items.Length <= 1 ? [items] : items.SelectMany((item, i) => Permutations([.. items.Take(i), .. items.Skip(i + 1)]).Select(rest => (string[])[item, .. rest]));
}
