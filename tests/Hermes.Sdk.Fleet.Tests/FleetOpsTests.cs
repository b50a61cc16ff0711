using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Hermes.Sdk.Fleet.Tests;

/// <summary>Incidents by the runbook's definitions, uptime and the monthly report.</summary>
public sealed class FleetOpsTests
{
    [Fact]
    public async Task A_killed_agent_opens_a_P2_within_the_deadman_window_and_it_closes_when_the_agent_returns()
    {
        await using FleetFixture fx = await FleetFixture.StartAsync("timmy", "wolf-1");
        static void Fast(FleetOptions o)
        {
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            o.MissedHeartbeatsForDown = 3;
        }

        FleetBus boss = await fx.ConnectAsync("timmy", Fast);
        await using IAsyncDisposable bossBeats = boss.StartHeartbeats(() => (AgentActivity.Idle, null, null));
        await using FleetRoster roster = await boss.WatchRosterAsync();
        var incidents = new IncidentTracker(["timmy", "wolf-1"]);
        var ledger = new UptimeLedger();
        using IDisposable tracking = incidents.Attach(roster), recording = ledger.Attach(roster);
        DateTimeOffset from = DateTimeOffset.UtcNow;
        FleetOpsLog log = await FleetOpsLog.CreateAsync(boss);
        IAsyncDisposable logging = log.Attach(roster, incidents);
        FleetBus wolf = await fx.ConnectAsync("wolf-1", Fast);
        IAsyncDisposable beats = wolf.StartHeartbeats(() => (AgentActivity.Idle, null, null));
        await Eventually.TrueAsync(() => roster.Snapshot().Count(v => v.Health == AgentHealth.Idle) == 2);

        var opened = new TaskCompletionSource<FleetIncident>(TaskCreationOptions.RunContinuationsAsynchronously);
        incidents.Opened += i => opened.TrySetResult(i);
        await beats.DisposeAsync(); // the agent stops: no more heartbeats
        var killedAt = Stopwatch.StartNew();
        FleetIncident p2 = await opened.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal((IncidentSeverity.P2, "wolf-1"), (p2.Severity, p2.Subject));
        TimeSpan window = TimeSpan.FromMilliseconds(200 * 3);
        Assert.True(p2.TimeToDetect >= window && p2.TimeToDetect < window + TimeSpan.FromSeconds(1), $"detected after {p2.TimeToDetect}");
        Assert.True(killedAt.Elapsed < window + TimeSpan.FromSeconds(2), $"opened {killedAt.Elapsed} after the kill");
        Assert.DoesNotContain(incidents.All, i => i.Severity is IncidentSeverity.P0 or IncidentSeverity.P1); // 1 of 2 down is not more than half

        await using IAsyncDisposable back = wolf.StartHeartbeats(() => (AgentActivity.Idle, null, null));
        await Eventually.TrueAsync(() => incidents.All.Single(i => i.Severity == IncidentSeverity.P2).Resolved is not null);
        FleetIncident closed = incidents.All.Single(i => i.Severity == IncidentSeverity.P2);
        Assert.True(closed.TimeToResolve > closed.TimeToDetect);
        Assert.Contains(ledger.Samples, s => s is { Agent: "wolf-1", Up: false });

        // The same truth, recorded: another connection (the report, the command center) reads it back from the stream.
        FleetBus reader = await fx.ConnectAsync("wolf-1");
        await reader.EnqueueAsync(new FleetTask { Id = "t-1", Kind = "echo", Tier = "ops" });
        await using (await wolf.WorkAsync("ops", (_, _) => Task.FromResult<System.Text.Json.JsonElement?>(null)))
        {
            await Eventually.TrueAsync(async () => (await FleetOpsLog.Open(reader).ReadAsync(from, DateTimeOffset.UtcNow.AddMinutes(1))).Tasks.Count == 1);
        }

        await logging.DisposeAsync();
        FleetOpsHistory history = await FleetOpsLog.Open(reader).ReadAsync(from, DateTimeOffset.UtcNow.AddMinutes(1));
        FleetIncident recorded = Assert.Single(history.Incidents, i => i.Severity == IncidentSeverity.P2);
        Assert.Equal((closed.Id, closed.Resolved), (recorded.Id, recorded.Resolved)); // its latest state: closed
        Assert.Equal([true, false, true], history.Uptime.Where(u => u.Agent == "wolf-1").Select(u => u.Up));
        Assert.Equal(("t-1", true, null), (history.Tasks[0].TaskId, history.Tasks[0].Ok, history.Tasks[0].Output));
        UptimeReport uptime = history.ToLedger().Compute(from, DateTimeOffset.UtcNow, ["timmy", "wolf-1"]);
        Assert.InRange(uptime.Agents["wolf-1"], 0.01, 0.99);

        // Only the operator writes the record: the fleet's generated rights deny it to agents.
        string rights = FleetAuthorization.ToServerConfig("timmy", [new FleetMember("wolf-1", fx.Keys["wolf-1"].PublicKey.Value, [])]);
        Assert.Contains("\"hermes.timmy.ops.>\"", rights.Split("deny:")[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_month_of_recorded_health_gives_uptime_incidents_and_the_runbook_report()
    {
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        string[] agents = ["timmy", "wolf-1", "wolf-2"];
        var incidents = new IncidentTracker(agents, time);
        var ledger = new UptimeLedger(time);
        DateTimeOffset end = start.AddMonths(1);
        var lastSeen = agents.ToDictionary(a => a, _ => start);

        // A month compressed: every five minutes each agent's view, as the roster would report it. wolf-1 is down for six
        // hours on day 10; every agent is down for half an hour on day 20; wolf-2 is unhealthy for two hours on day 25.
        while (time.GetUtcNow() < end)
        {
            DateTimeOffset now = time.GetUtcNow();
            var views = new List<AgentView>();
            foreach (string agent in agents)
            {
                bool down = (agent == "wolf-1" && now >= start.AddDays(9) && now < start.AddDays(9).AddHours(6))
                    || (now >= start.AddDays(19) && now < start.AddDays(19).AddMinutes(30));
                bool unhealthy = agent == "wolf-2" && now >= start.AddDays(24) && now < start.AddDays(24).AddHours(2);
                if (!down)
                {
                    lastSeen[agent] = now;
                }

                var view = new AgentView(agent, down ? AgentHealth.Down : unhealthy ? AgentHealth.Unhealthy : AgentHealth.Idle, lastSeen[agent], null, down ? "no heartbeat" : unhealthy ? "no model answers" : null);
                views.Add(view);
                ledger.Record(view);
            }

            incidents.Observe(views);

            time.Advance(TimeSpan.FromMinutes(5));
        }

        UptimeReport uptime = ledger.Compute(start, end, agents);
        double month = (end - start).TotalMinutes;
        Assert.Equal((month - 30) / month, uptime.Agents["timmy"], 6);
        Assert.Equal((month - 30 - 360) / month, uptime.Agents["wolf-1"], 6);
        Assert.Equal((month - 30) / month, uptime.FleetAvailability, 6);
        Assert.Equal(30, uptime.Days.Count);

        FleetIncident[] all = [.. incidents.All];
        Assert.Equal(1, all.Count(i => i.Severity == IncidentSeverity.P0));
        Assert.Equal(1, all.Count(i => i.Severity == IncidentSeverity.P1)); // more than half down, escalated to the P0
        Assert.Equal(4, all.Count(i => i.Severity == IncidentSeverity.P2)); // wolf-1 on day 10, and each agent on day 20
        Assert.Equal(1, all.Count(i => i.Severity == IncidentSeverity.P3));
        Assert.All(all, i => Assert.NotNull(i.Resolved));
        FleetIncident sixHours = all.Single(i => i.Severity == IncidentSeverity.P2 && i.Subject == "wolf-1" && i.Began < start.AddDays(10));
        Assert.InRange(sixHours.TimeToResolve!.Value, TimeSpan.FromHours(6), TimeSpan.FromHours(6) + TimeSpan.FromMinutes(5)); // from the last beat before to the first view after

        string report = MonthlyReport.ToMarkdown("timmy", uptime, all, new TaskTally(120, 3, TimeSpan.FromSeconds(42), TimeSpan.FromMinutes(3)));
        Assert.Contains("# Ops report: timmy, 2026-11", report, StringComparison.Ordinal);
        Assert.Contains("| Fleet uptime (mean of agents) | 99.65 % | 99.50 % | +0.15 pt |", report, StringComparison.Ordinal);
        Assert.Contains("| wolf-1 | 99.10 % | no |", report, StringComparison.Ordinal);
        Assert.Contains("| Incidents (P0 / P1 / P2 / P3) | 1 / 1 / 4 / 1 |", report, StringComparison.Ordinal);
        string svg = MonthlyReport.ToSvg(uptime);
        Assert.Equal(30, svg.Split("<rect ").Length - 1);
        System.Xml.Linq.XDocument.Parse(svg); // well-formed
    }

    [Fact]
    public void Task_tallies_count_each_key_once_and_give_latency_percentiles()
    {
        var at = new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.Zero);
        TaskResult[] results =
        [
            .. Enumerable.Range(1, 19).Select(i => new TaskResult { TaskId = $"t{i}", Key = $"k{i}", Agent = "wolf-1", Ok = true, TaskCreatedAt = at, CompletedAt = at.AddSeconds(i) }),
            new TaskResult { TaskId = "t20", Key = "k20", Agent = "wolf-1", Ok = false, TaskCreatedAt = at, CompletedAt = at.AddSeconds(100) },
            new TaskResult { TaskId = "t20b", Key = "k20", Agent = "wolf-2", Ok = false, TaskCreatedAt = at, CompletedAt = at.AddSeconds(100) },
        ];

        TaskTally tally = TaskTally.Of(results, at.AddDays(-1), at.AddDays(1));

        Assert.Equal((19, 1, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(19)), (tally.Completed, tally.Failed, tally.MedianLatency, tally.P95Latency));
    }

}
