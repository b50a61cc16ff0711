using BenchmarkDotNet.Attributes;
using Hermes.Sdk.CommandCenter;
using Hermes.Sdk.Fleet;
using Hermes.Sdk.Gitea;
using FleetHealth = Hermes.Sdk.Fleet.AgentHealth;

namespace Hermes.Sdk.Benchmarks;

/// <summary>
/// The brief status page of a fleet of 50 agents with 2,000 open issues and 100 open pull requests, once its sources
/// are cached: the four views it is derived from, the roll-up and the HTML — what a request costs the server when no
/// source is read. The issue's target is under 200 ms at the 95th percentile (see the P95 column).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(P95Config))]
public class CommandCenterBenchmarks
{
    /// <summary>Adds the 95th percentile, the target's measure.</summary>
    private sealed class P95Config : BenchmarkDotNet.Configs.ManualConfig
    {
        public P95Config() => AddColumn(BenchmarkDotNet.Columns.StatisticColumn.P95);
    }

    private readonly CommandCenterOptions _options = new();
    private SourceReading<RepoSnapshot>[] _repos = [];
    private SourceReading<FleetSnapshot> _fleet = null!;
    private SourceReading<ScheduleSnapshot> _schedules = null!;
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        _now = DateTimeOffset.UtcNow;
        string[] lanes = ["ready", "in-progress", "blocked", "in-review", string.Empty];
        var issues = new List<GiteaIssue>();
        for (int i = 1; i <= 2000; i++)
        {
            string agent = $"agent-{i % 50}";
            string lane = lanes[i % lanes.Length];
            List<GiteaLabel> labels = lane.Length == 0 ? [] : [new GiteaLabel { Name = lane }];
            if (lane == "in-progress")
            {
                labels.Add(new GiteaLabel { Name = $"assigned:{agent}" });
            }

            issues.Add(new GiteaIssue { Number = i, Title = $"Issue {i}: something to do", Labels = labels, HtmlUrl = $"http://gitea.local/fleet/work/issues/{i}", CreatedAt = _now.AddHours(-i), UpdatedAt = _now.AddMinutes(-i), Assignees = lane == "in-progress" ? [new GiteaUser { Login = agent }] : [] });
        }

        var pulls = new List<PullInfo>();
        for (int p = 0; p < 100; p++)
        {
            var pull = new GiteaPullRequest { Number = 3000 + p, Title = $"Change {p}", Body = $"Closes #{(p * 20) + 4}", User = new GiteaUser { Login = $"agent-{p % 50}" }, Mergeable = p % 3 != 0, HtmlUrl = $"http://gitea.local/fleet/work/pulls/{3000 + p}", CreatedAt = _now.AddDays(-p % 7), Head = new GiteaBranchInfo { Ref = $"hermes/agent-{p % 50}/{(p * 20) + 4}", Sha = new string('a', 40) } };
            var status = new GiteaCombinedStatus { State = p % 4 == 0 ? "failure" : "success", Statuses = [new GiteaCommitStatus { Status = p % 4 == 0 ? "failure" : "success", Context = "ci/tests" }], TotalCount = 1 };
            pulls.Add(new PullInfo(pull, [new GiteaPullReview { Id = p, State = p % 2 == 0 ? "APPROVED" : "COMMENT", User = new GiteaUser { Login = "reviewer" } }], status, p % 10 == 0 ? ["SOUL.md", "src/a.cs"] : ["src/a.cs"]));
        }

        _repos = [new SourceReading<RepoSnapshot>("gitea fleet/work", new RepoSnapshot("fleet/work", issues, pulls), _now, _now, null, _now, TimeSpan.FromMinutes(2))];
        var registry = Enumerable.Range(0, 50).Select(a => new RegistryEntry { Agent = $"agent-{a}", Role = a % 3 == 0 ? "wolf" : "worker", Nkey = "U" + new string('A', 55) }).ToList();
        var views = Enumerable.Range(0, 50).Select(a => new AgentView($"agent-{a}", a % 10 == 0 ? FleetHealth.Down : a % 2 == 0 ? FleetHealth.Busy : FleetHealth.Idle, _now.AddSeconds(-a), a % 2 == 0 ? $"fleet/work#{a}" : null, null)).ToList();
        var beats = views.ToDictionary(v => v.Agent, v => new Heartbeat { Agent = v.Agent, Model = "anthropic/claude-sonnet-4-5", SentAt = _now });
        _fleet = new SourceReading<FleetSnapshot>("fleet", new FleetSnapshot(registry, views, beats, new Dictionary<string, DateTimeOffset>(), [], _now.AddHours(-1), TimeSpan.FromSeconds(15)), _now, _now, null, _now, TimeSpan.FromMinutes(1));
        var schedules = Enumerable.Range(0, 10).Select(s => new ScheduleView($"job-{s}", "0 2 * * *", "UTC", s != 3, s == 3 ? "paused" : null, _now.AddHours(-3), "enqueued", _now.AddHours(21), false, true)).ToList();
        _schedules = new SourceReading<ScheduleSnapshot>("schedules", new ScheduleSnapshot(schedules), _now, _now, null, _now, TimeSpan.FromMinutes(2));
    }

    [Benchmark(Description = "brief status page, 50 agents and 2,000 issues, sources cached")]
    public int BriefPage()
    {
        CommandCenterViews views = CommandCenterData.Build(_repos, _fleet, _schedules, _options, _now);
        return Layout.Page("/", "Brief status", 15, _now, views.Brief.Sources, ViewPages.Brief(views.Brief)).Length;
    }

    [Benchmark(Description = "task board page, the same fleet")]
    public int TaskBoardPage()
    {
        CommandCenterViews views = CommandCenterData.Build(_repos, _fleet, _schedules, _options, _now);
        return Layout.Page("/tasks", "Task board", 15, _now, views.Tasks.Sources, ViewPages.Tasks(views.Tasks)).Length;
    }
}
