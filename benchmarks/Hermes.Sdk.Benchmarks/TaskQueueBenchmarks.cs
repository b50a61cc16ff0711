using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.TaskQueue;
using Hermes.Sdk.Gitea.Testing;
using Microsoft.Extensions.Options;
using Refit;

namespace Hermes.Sdk.Benchmarks;

/// <summary>
/// Twenty agents, each with its own account, token and HTTP client, against the loopback forge (all on this machine's
/// two cores). Each invocation works through <see cref="Issues"/> fresh ready issues (a backlog of 1,000 and of 4,000:
/// a round's fixed reads weigh less on a longer one); the mean is the time for the whole backlog.
/// <list type="bullet">
/// <item>Baseline: twenty writers each adding one label to their share of the issues — the forge's raw label-write rate,
/// and the one write a claim needs.</item>
/// <item>Writes after reading the list: each writer first reads its page of the ready list, then labels what is on it —
/// the least any claim protocol must do that learns from the forge what there is to claim.</item>
/// <item>Claims: twenty queues calling <see cref="GiteaTaskQueue.ClaimNextAsync"/> until it answers "nothing left" — the
/// blueprint's claim (one label write, verified, the list shared out, contenders stepping back). The assignee is
/// written when work starts, not at claim, so it is not part of a claim's cost.</item>
/// </list>
/// Each iteration is one pass over a backlog (a few hundred milliseconds), too few calls for tiered compilation to
/// settle within a benchmark's process: its iterations kept getting faster for seconds, by up to half. The job runs
/// fully optimised code from the start instead, so the iterations measure the same code. And one process as a whole runs
/// faster or slower than the next (by up to a third on two shared cores), so each case runs in five processes.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SteadyState))]
public class TaskQueueBenchmarks
{
    private const int Agents = 20;
    private const string Owner = "fleet";

    private GiteaTestServer _server = null!;
    private readonly List<GiteaClient> _clients = [];
    private readonly List<string> _variables = [];
    private int _round;
    private string _repo = string.Empty;
    private long[] _numbers = [];
    private GiteaTaskQueue[] _queues = [];

    /// <summary>How many ready issues each invocation works through.</summary>
    [Params(1000, 4000)]
    public int Issues { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await GiteaTestServer.StartAsync();
        for (int i = 1; i <= Agents; i++)
        {
            string login = $"wolf-{i}";
            _server.AddUser(login, login + "-password");
            string variable = $"HERMES_BENCH_GITEA_TOKEN_{i}_{Environment.ProcessId}";
            Environment.SetEnvironmentVariable(variable, _server.AddToken(login, "write:issue", "read:user"));
            _variables.Add(variable);
            _clients.Add(GiteaClient.Create(new GiteaClientOptions { BaseUrl = _server.BaseUrl, TokenEnvironmentVariable = variable }));
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _clients.ForEach(c => c.Dispose());
        _variables.ForEach(v => Environment.SetEnvironmentVariable(v, null));
        await _server.DisposeAsync();
    }

    /// <summary>Each iteration's repository is dropped after it, so the forge does not grow through the run.</summary>
    [IterationCleanup]
    public void DropRepo() => _server.RemoveRepo(Owner, _repo);

    [IterationSetup]
    public void FreshQueues() => Seed();

    [Benchmark(Baseline = true, Description = "raw label write (20 writers)")]
    public Task RawLabelWrites() => ForEachAgentShareAsync((client, number, agent) =>
        client.Api.AddIssueLabelsByNameAsync(Owner, _repo, number, new IssueLabelNamesOption { Labels = [$"assigned:{agent}"] }));

    [Benchmark(Description = "read own page, then write (20 writers)")]
    public Task WritesAfterReadingTheList() => Task.WhenAll(Enumerable.Range(0, Agents).Select(i => Task.Run(async () =>
    {
        // Writer i's pages are i+1, i+1+20, …; each page is read before the writes to it, and none is changed by others.
        GiteaClient client = _clients[i];
        for (int page = i + 1; page <= Issues / GiteaTestServer.MaxResponseItems; page += Agents)
        {
            IApiResponse<List<GiteaIssue>> ready = await client.Api.ListIssuesAsync(Owner, _repo, "open", "ready", "issues", null, null, page, GiteaTestServer.MaxResponseItems, default);
            foreach (GiteaIssue issue in ready.Content!)
            {
                await client.Api.AddIssueLabelsByNameAsync(Owner, _repo, issue.Number, new IssueLabelNamesOption { Labels = [$"assigned:wolf-{i + 1}"] });
            }
        }
    })));

    [Benchmark(Description = "claims, ClaimNextAsync (20 agents)")]
    public async Task<int> Claims()
    {
        int[] won = await Task.WhenAll(_queues.Select(queue => Task.Run(async () =>
        {
            int count = 0;
            while (await queue.ClaimNextAsync() is not null)
            {
                count++;
            }

            return count;
        })));
        return won.Sum() == Issues ? Issues : throw new InvalidOperationException($"claimed {won.Sum()} of {Issues}");
    }

    /// <summary>Agent i writes issues i, i+20, i+40, … concurrently with the others.</summary>
    private Task ForEachAgentShareAsync(Func<GiteaClient, long, string, Task> write) =>
        Task.WhenAll(Enumerable.Range(0, Agents).Select(i => Task.Run(async () =>
        {
            for (int n = i; n < _numbers.Length; n += Agents)
            {
                await write(_clients[i], _numbers[n], $"wolf-{i + 1}");
            }
        })));

    /// <summary>
    /// A new repository of <see cref="Issues"/> ready issues, the twenty agents its collaborators with write access (as
    /// Gitea requires for label writes), and twenty initialised queues on it (which create the claim labels).
    /// </summary>
    private void Seed()
    {
        _repo = $"work-{++_round}";
        _server.AddRepo(Owner, _repo);
        for (int i = 1; i <= Agents; i++)
        {
            _server.AddCollaborator(Owner, _repo, $"wolf-{i}");
        }

        _numbers = [.. Enumerable.Range(0, Issues).Select(i => _server.AddIssue(Owner, _repo, "wolf-1", $"task {i}", "ready"))];
        _queues = [.. _clients.Select((client, i) => new GiteaTaskQueue(client, Options.Create(new GiteaTaskQueueOptions
        {
            Owner = Owner,
            Repo = _repo,
            Agent = $"wolf-{i + 1}",
        })))];
        Task.WhenAll(_queues.Select(q => q.InitializeAsync())).GetAwaiter().GetResult();
    }

    private sealed class SteadyState : ManualConfig
    {
        public SteadyState() => AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(5)
            .WithWarmupCount(2)
            .WithIterationCount(10)
            .WithInvocationCount(1)
            .WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TieredCompilation", "0")));
    }
}
