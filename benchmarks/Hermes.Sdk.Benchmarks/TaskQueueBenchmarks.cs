using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.Gitea.Testing;
using Hermes.Sdk.TaskQueue;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Benchmarks;

/// <summary>
/// Claims per second over the forge's raw label-write rate, from one process run interleaving the cases. Twenty
/// agents, each with its own account, token and HTTP client, against the loopback forge (all on this machine's two
/// cores); backlogs of 1,000 and 4,000 ready issues. Each benchmark invocation is one round of three passes, each over a
/// fresh backlog, in an order that rotates from round to round (so drift in the process — JIT tiers, the heap, the
/// machine — falls on every case alike):
/// <list type="bullet">
/// <item><b>raw</b>: twenty writers each adding one label to their share of the issues — the one write a claim needs
/// (the protocol adds no conditional write: the claim's check reads the labels Gitea answers the write with).</item>
/// <item><b>read, then write</b>: each writer reads its pages of the ready list, then labels what is on them — the least
/// any protocol that learns from the forge what there is to claim must do.</item>
/// <item><b>claims</b>: twenty queues (initialised before the round, as long-running agents are once) calling <see cref="GiteaTaskQueue.ClaimNextAsync"/> until it answers "nothing
/// left", with the planner under test (<see cref="Spread"/>: the default share-out, or oldest first).</item>
/// </list>
/// The columns report, over the measured rounds, the median of each round's ratio (raw pass time ÷ claims pass time =
/// claims per second ÷ raw writes per second), its range, and the claims lost to another agent per 1,000 issues (from the
/// queue's <c>hermes.taskqueue.claims</c> counter). The run is in-process so that the columns read what the rounds
/// recorded; BenchmarkDotNet's own mean is the time of a whole round.
/// </summary>
[Config(typeof(InterleavedRounds))]
public class TaskQueueBenchmarks
{
    private const int Agents = 20;
    private const string Owner = "fleet";

    /// <summary>Rounds before these are warm-up (the JIT's first tiers, the forge's first allocations) and not recorded.</summary>
    private const int UnrecordedRounds = 3;

    private static readonly string[] Passes = ["raw", "read", "claims"];
    private static readonly string[] LaneLabels = ["in-progress", "blocked", "in-review"];

    private GiteaTestServer _server = null!;
    private readonly List<GiteaClient> _clients = [];
    private readonly List<string> _variables = [];
    private readonly Dictionary<string, string> _repos = [];
    private GiteaTaskQueue[] _queues = [];
    private MeterListener? _listener;
    private long _lost;
    private int _repoCount;
    private int _round;

    /// <summary>
    /// The backlog and the planner: the fleet sharing out the ready list (the default) over 1,000 and 4,000 issues, and
    /// everyone taking the oldest first over 1,000 (over 4,000 one round takes half a minute).
    /// </summary>
    [ParamsSource(nameof(Backlogs))]
    public Backlog Case { get; set; } = new(1000, true);

    public static IEnumerable<Backlog> Backlogs => [new(1000, true), new(4000, true), new(1000, false)];

    private int Issues => Case.Issues;

    private bool Spread => Case.Spread;

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

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == TaskQueueDiagnostics.SourceName && instrument.Name == "hermes.taskqueue.claims")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "hermes.outcome" && (string?)tag.Value == "lost")
                {
                    Interlocked.Add(ref _lost, value);
                }
            }
        });
        _listener.Start();
        _round = 0;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _listener?.Dispose();
        _clients.ForEach(c => c.Dispose());
        _clients.Clear();
        _variables.ForEach(v => Environment.SetEnvironmentVariable(v, null));
        _variables.Clear();
        await _server.DisposeAsync();
    }

    /// <summary>A fresh backlog for each pass of the next round; the forge is not timed seeding them.</summary>
    [IterationSetup]
    public void SeedRound()
    {
        foreach (string pass in Passes)
        {
            _repos[pass] = Seed();
        }

        // The agents' queues, started as a fleet's long-running agents are: the check of the token and the read of the
        // labels happen once per process, not per claim.
        _queues = [.. _clients.Select((client, i) => new GiteaTaskQueue(client, Options.Create(new GiteaTaskQueueOptions
        {
            Owner = Owner,
            Repo = _repos["claims"],
            Agent = $"wolf-{i + 1}",
            SpreadClaims = Spread,
        })))];
        Task.WhenAll(_queues.Select(q => q.InitializeAsync())).GetAwaiter().GetResult();
    }

    /// <summary>Each round's repositories are dropped after it, so the forge does not grow through the run.</summary>
    [IterationCleanup]
    public void DropRound()
    {
        foreach (string repo in _repos.Values)
        {
            _server.RemoveRepo(Owner, repo);
        }
    }

    [Benchmark(Description = "one round: raw writes, read-then-write, claims (rotating order)")]
    public async Task Round()
    {
        int round = _round++;
        var times = new Dictionary<string, TimeSpan>();
        long lostBefore = Interlocked.Read(ref _lost);
        string[] order = [.. Passes.Skip(round % 3).Concat(Passes.Take(round % 3))];
        foreach (string pass in order)
        {
            long started = Stopwatch.GetTimestamp();
            await (pass switch
            {
                "raw" => RawLabelWritesAsync(_repos[pass]),
                "read" => WritesAfterReadingTheListAsync(_repos[pass]),
                _ => ClaimsAsync(),
            });
            times[pass] = Stopwatch.GetElapsedTime(started);
        }

        if (round >= UnrecordedRounds)
        {
            ClaimRateColumns.Record(Case.ToString(), new RoundResult(
                times["raw"] / times["claims"],
                times["raw"] / times["read"],
                (Interlocked.Read(ref _lost) - lostBefore) * 1000.0 / Issues));
        }
    }

    private Task RawLabelWritesAsync(string repo) => Task.WhenAll(Enumerable.Range(0, Agents).Select(i => Task.Run(async () =>
    {
        // Agent i writes issues i+1, i+21, i+41, … (numbers run from 1), concurrently with the others.
        for (long number = i + 1; number <= Issues; number += Agents)
        {
            await _clients[i].Api.AddIssueLabelsByNameAsync(Owner, repo, number, new IssueLabelNamesOption { Labels = [$"assigned:wolf-{i + 1}"] });
        }
    })));

    private Task WritesAfterReadingTheListAsync(string repo) => Task.WhenAll(Enumerable.Range(0, Agents).Select(i => Task.Run(async () =>
    {
        // Writer i's pages are i+1, i+1+20, …; each page is read before the writes to it, and none is changed by others.
        GiteaClient client = _clients[i];
        for (int page = i + 1; page <= Issues / GiteaTestServer.MaxResponseItems; page += Agents)
        {
            GiteaPage<GiteaIssue> ready = await client.GetIssuesPageAsync(Owner, repo, page, GiteaTestServer.MaxResponseItems, labels: "ready");
            foreach (GiteaIssue issue in ready.Items)
            {
                await client.Api.AddIssueLabelsByNameAsync(Owner, repo, issue.Number, new IssueLabelNamesOption { Labels = [$"assigned:wolf-{i + 1}"] });
            }
        }
    })));

    private async Task ClaimsAsync()
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
        if (won.Sum() != Issues)
        {
            throw new InvalidOperationException($"claimed {won.Sum()} of {Issues}");
        }
    }

    /// <summary>
    /// A new repository of <see cref="Issues"/> ready issues with every queue label in place (as after the fleet's first
    /// start), the twenty agents its collaborators with write access (as Gitea requires for label writes).
    /// </summary>
    private string Seed()
    {
        string repo = $"work-{++_repoCount}";
        _server.AddRepo(Owner, repo);
        for (int i = 1; i <= Agents; i++)
        {
            _server.AddCollaborator(Owner, repo, $"wolf-{i}");
        }

        foreach (string label in LaneLabels.Concat(Enumerable.Range(1, Agents).Select(i => $"assigned:wolf-{i}")))
        {
            _server.AddLabel(Owner, repo, label);
        }

        for (int i = 0; i < Issues; i++)
        {
            _server.AddIssue(Owner, repo, "wolf-1", $"task {i}", "ready");
        }

        return repo;
    }

    private sealed class InterleavedRounds : ManualConfig
    {
        public InterleavedRounds()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithWarmupCount(2)
                .WithIterationCount(25)
                .WithInvocationCount(1));
            AddColumn(ClaimRateColumns.All);
        }
    }
}

/// <summary>A backlog of ready issues and the planner that works through it.</summary>
/// <param name="Issues">How many ready issues each pass works through.</param>
/// <param name="Spread">The share-out planner (true, the default) or oldest first.</param>
public sealed record Backlog(int Issues, bool Spread)
{
    /// <inheritdoc />
    public override string ToString() => $"{Issues}, {(Spread ? "shared" : "FIFO")}";
}
