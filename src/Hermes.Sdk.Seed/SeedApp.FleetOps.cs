using System.CommandLine;
using System.Globalization;
using Hermes.Sdk.Core;
using Hermes.Sdk.Fleet;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Hermes.Sdk.Seed;

public static partial class SeedApp
{
    private static Command FleetStatusCommand(SeedAppOptions options, Option<bool> json, Option<string?> file)
    {
        var wait = new Option<TimeSpan>("--wait") { Description = "How long to listen for heartbeats before answering (at least one heartbeat interval).", DefaultValueFactory = _ => TimeSpan.FromSeconds(6) };
        var status = new Command("status", "Every registered agent: up, busy, unhealthy or down from its heartbeats, and drift (unknown agent, wrong digest, missing agent) with the time it began. Exit 1 when any agent is down or drifted.") { wait };
        status.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            SeedFleetFile fleet = SeedFleetFile.For(s, parse.GetValue(file));
            await using FleetBus bus = await ReaderBusAsync(s, fleet, ct).ConfigureAwait(false);
            FleetRegistry registry = await OpenRegistryAsync(bus, ct).ConfigureAwait(false);
            await using FleetRoster roster = await bus.WatchRosterAsync(ct).ConfigureAwait(false);
            await using FleetDriftMonitor drift = await FleetDriftMonitor.StartAsync(registry, roster, cancellationToken: ct).ConfigureAwait(false);
            await s.Progress.Status().StartAsync("listening for heartbeats", _ => Task.Delay(parse.GetValue(wait), ct)).ConfigureAwait(false);
            IReadOnlyList<RegistryEntry> entries = await registry.ListAsync(ct).ConfigureAwait(false);
            IReadOnlyList<FleetDrift> drifts = drift.Snapshot();
            IReadOnlyList<AgentView> views = roster.Snapshot();
            var rows = entries.Select(e => e.Agent).Union(views.Select(v => v.Agent)).Order(StringComparer.Ordinal).Select(agent =>
            {
                AgentView? view = views.FirstOrDefault(v => v.Agent == agent);
                return new FleetStatusRow(agent, entries.FirstOrDefault(e => e.Agent == agent)?.Role, view?.Health.ToString().ToLowerInvariant() ?? "down", view?.LastSeen, view?.CurrentTask, view?.Detail, [.. drifts.Where(d => d.Agent == agent)]);
            }).ToList();
            bool healthy = rows.All(r => r.Health is "idle" or "busy" && r.Drift.Count == 0);
            var result = new FleetStatusResult(fleet.Fleet, healthy, DateTimeOffset.UtcNow, rows);
            return new SeedOutput(result, console =>
            {
                var table = new Table().AddColumns("agent", "role", "health", "last heartbeat", "working on", "drift");
                foreach (FleetStatusRow row in rows)
                {
                    table.AddRow(
                        Markup.Escape(row.Agent), Markup.Escape(row.Role ?? "-"), Status(row.Health is "idle" or "busy", row.Health + (row.Detail is null ? string.Empty : $": {row.Detail}")),
                        Markup.Escape(Time(row.LastSeen)), Markup.Escape(row.Working ?? "-"),
                        row.Drift.Count == 0 ? "-" : Status(false, string.Join("; ", row.Drift.Select(d => $"{d.Detail} since {Time(d.Since)}"))));
                }

                console.Write(table);
            }, healthy ? Ok : NotReady);
        }));
        return status;
    }

    internal sealed record FleetStatusRow(string Agent, string? Role, string Health, DateTimeOffset? LastSeen, string? Working, string? Detail, IReadOnlyList<FleetDrift> Drift);

    internal sealed record FleetStatusResult(string Fleet, bool Healthy, DateTimeOffset At, IReadOnlyList<FleetStatusRow> Agents);

    private static Command FleetRolloutCommand(SeedAppOptions options, Option<bool> json, Option<string?> file)
    {
        var canary = new Option<string>("--canary") { Description = "The agent that gets the change first.", Required = true };
        var wave = new Option<string[]>("--wave") { Description = "A wave after the canary: agents separated by commas; repeat for more waves (default: everyone else in one wave).", AllowMultipleArgumentsPerToken = false };
        var soak = new Option<TimeSpan>("--soak") { Description = "How long the canary must stay healthy on the change.", DefaultValueFactory = _ => TimeSpan.FromMinutes(5) };
        var tasks = new Option<int>("--tasks") { Description = "Tasks the canary must complete on the change before the waves.", DefaultValueFactory = _ => 0 };
        var within = new Option<TimeSpan>("--report-within") { Description = "How long each agent has to report the new digests in its heartbeat.", DefaultValueFactory = _ => TimeSpan.FromMinutes(2) };
        var rollout = new Command("rollout", "Roll out what the seed folders hold now (config, soul, chain): the canary first — it must report the new digests, pass the ship gate for every model of its chain and complete --tasks or --soak — then the waves. A failure halts and rolls back everyone who got it. Exit 1 when rolled back.")
        {
            canary, wave, soak, tasks, within,
        };
        rollout.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            SeedFleetFile fleet = SeedFleetFile.For(s, parse.GetValue(file));
            IReadOnlyList<SeedConfig> agents = fleet.Agents();
            string first = parse.GetValue(canary)!;
            List<List<string>> waves = [.. (parse.GetValue(wave) ?? []).Select(w => w.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList())];
            foreach (string named in waves.SelectMany(w => w).Append(first).Where(a => agents.All(c => c.Agent != a)))
            {
                throw new SeedInputException($"--canary/--wave: '{named}' is not an agent of fleet {fleet.Fleet} ({string.Join(", ", agents.Select(a => a.Agent))}).");
            }

            var digests = agents.ToDictionary(a => a.Agent, a => (IReadOnlyDictionary<string, string>)new SeedReleases(a.Directory).Current(), StringComparer.Ordinal);
            foreach (SeedConfig agent in agents)
            {
                new SeedReleases(agent.Directory).Keep(); // the files an agent switches to are found under their digests
            }

            await using FleetBus bus = await OperatorBusAsync(s, fleet, agents, ct).ConfigureAwait(false);
            FleetRegistry registry = await OpenRegistryAsync(bus, ct).ConfigureAwait(false);
            await using FleetRoster roster = await bus.WatchRosterAsync(ct).ConfigureAwait(false);
            var plan = new RolloutPlan
            {
                StartedBy = $"{fleet.Operator} ({Environment.UserName})",
                Canary = first,
                Waves = waves.Count == 0 ? null : waves,
                Digests = digests[first],
                AgentDigests = digests,
                ConfigVersion = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture),
                Soak = parse.GetValue(soak),
                CanaryTasks = parse.GetValue(tasks),
                ReportWithin = parse.GetValue(within),
                Gate = (agent, _) => Task.FromResult(agents.First(a => a.Agent == agent) is { } canaryConfig && SeedShipGate.Refused(canaryConfig.Directory, canaryConfig).Count == 0),
            };
            var runner = new FleetRollout(registry, roster, bus, logger: s.Logging.CreateLogger<FleetRollout>());
            RolloutResult done = await s.Progress.Status().StartAsync($"rolling out to {first} first", _ => runner.RunAsync(plan, ct)).ConfigureAwait(false);
            FleetOpsLog log = await FleetOpsLog.CreateAsync(bus, ct).ConfigureAwait(false);
            foreach (RolloutStep step in done.Steps)
            {
                await log.RecordRolloutStepAsync(step, ct).ConfigureAwait(false);
            }

            var result = new RolloutOutput(done.Outcome, done.Reason, done.Steps);
            return new SeedOutput(result, console =>
            {
                foreach (RolloutStep step in done.Steps)
                {
                    console.MarkupLine($"{Markup.Escape(step.At.ToString("HH:mm:ss", CultureInfo.InvariantCulture))} {Markup.Escape(step.Agent)}: {Markup.Escape(step.What)}");
                }

                console.MarkupLine(Status(done.Outcome == RolloutOutcome.Completed, done.Outcome == RolloutOutcome.Completed ? "completed" : $"rolled back: {done.Reason}"));
            }, done.Outcome == RolloutOutcome.Completed ? Ok : NotReady);
        }));
        return rollout;
    }

    internal sealed record RolloutOutput(RolloutOutcome Outcome, string? Reason, IReadOnlyList<RolloutStep> Steps);

    private static Command FleetWatchCommand(SeedAppOptions options, Option<bool> json, Option<string?> file)
    {
        var watch = new Command("watch", "The operator's recorder, until Ctrl+C: heartbeats into uptime, incidents opened and closed by the runbook's P0–P3, task results and drift, all recorded in the operations record the report and the command center read.");
        watch.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            SeedFleetFile fleet = SeedFleetFile.For(s, parse.GetValue(file));
            IReadOnlyList<SeedConfig> agents = fleet.Agents();
            await using FleetBus bus = await OperatorBusAsync(s, fleet, agents, ct).ConfigureAwait(false);
            FleetRegistry registry = await OpenRegistryAsync(bus, ct).ConfigureAwait(false);
            IReadOnlyList<RegistryEntry> entries = await registry.ListAsync(ct).ConfigureAwait(false);
            FleetOpsLog log = await FleetOpsLog.CreateAsync(bus, ct).ConfigureAwait(false);
            var incidents = new IncidentTracker(entries.Select(e => e.Agent));
            int opened = 0, closed = 0;
            incidents.Opened += i =>
            {
                Interlocked.Increment(ref opened);
                s.Options.Error.WriteLine($"incident opened: {i.Severity} {i.Subject}: {i.Title}");
            };
            incidents.Closed += i =>
            {
                Interlocked.Increment(ref closed);
                s.Options.Error.WriteLine($"incident resolved: {i.Severity} {i.Subject} after {i.TimeToResolve:g}");
            };
            await using (FleetRoster roster = await bus.WatchRosterAsync(ct).ConfigureAwait(false))
            {
                await using FleetDriftMonitor drift = await FleetDriftMonitor.StartAsync(registry, roster, logger: s.Logging.CreateLogger<FleetDriftMonitor>(), cancellationToken: ct).ConfigureAwait(false);
                drift.Changed += (agent, d) => s.Options.Error.WriteLine(d is null ? $"drift over: {agent}" : $"drift: {agent}: {d.Detail}");
                using IDisposable tracking = incidents.Attach(roster);
                await using IAsyncDisposable recording = log.Attach(roster, incidents);
                await s.Options.Error.WriteLineAsync($"watching fleet {fleet.Fleet} ({entries.Count} agents); Ctrl+C stops").ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: the record is complete up to now.
                }
            }

            var result = new { Fleet = fleet.Fleet, IncidentsOpened = opened, IncidentsResolved = closed };
            return new SeedOutput(result, console => console.MarkupLine($"stopped watching: {opened} incident(s) opened, {closed} resolved"));
        }));
        return watch;
    }

    private static Command FleetReportCommand(SeedAppOptions options, Option<bool> json, Option<string?> file)
    {
        var month = new Option<string?>("--month") { Description = "The month, as yyyy-MM (default: the last full month)." };
        var output = new Option<string?>("--out") { Description = "The folder for the report and its chart (default: reports/ beside fleet.yaml)." };
        var report = new Command("report", "The runbook's monthly report from the operations record: uptime per agent and for the fleet against the 99.5 % target, incidents with time to detect and resolve, tasks completed and failed with latency — Markdown with an SVG uptime chart.") { month, output };
        report.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            SeedFleetFile fleet = SeedFleetFile.For(s, parse.GetValue(file));
            DateTimeOffset from = MonthStart(parse.GetValue(month));
            DateTimeOffset to = from.AddMonths(1);
            await using FleetBus bus = await ReaderBusAsync(s, fleet, ct).ConfigureAwait(false);
            FleetRegistry registry = await OpenRegistryAsync(bus, ct).ConfigureAwait(false);
            IReadOnlyList<string> agents = [.. (await registry.ListAsync(ct).ConfigureAwait(false)).Select(e => e.Agent)];
            FleetOpsHistory history = await FleetOpsLog.Open(bus).ReadAsync(from, to, ct).ConfigureAwait(false);
            DateTimeOffset end = DateTimeOffset.UtcNow < to ? DateTimeOffset.UtcNow : to;
            UptimeReport uptime = history.ToLedger().Compute(from, end > from ? end : to, agents);
            TaskTally tally = TaskTally.Of(history.Tasks, from, to);
            string name = $"{fleet.Fleet}-{from:yyyy-MM}";
            string folder = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine(fleet.Directory, "reports"), s.Options.Directory);
            Directory.CreateDirectory(folder);
            string markdown = Path.Combine(folder, name + ".md"), svg = Path.Combine(folder, name + ".svg");
            AtomicFile.WriteAllText(svg, MonthlyReport.ToSvg(uptime));
            AtomicFile.WriteAllText(markdown, MonthlyReport.ToMarkdown(fleet.Fleet, uptime, history.Incidents, tally, Path.GetFileName(svg)));
            var result = new FleetReportResult(fleet.Fleet, from.ToString("yyyy-MM", CultureInfo.InvariantCulture), uptime.MeanAgentUptime, uptime.MeanAgentUptime >= MonthlyReport.UptimeTarget, uptime.Agents, history.Incidents.Count, tally.Completed, tally.Failed, markdown, svg);
            return new SeedOutput(result, console =>
            {
                console.MarkupLine($"{Markup.Escape(result.Month)}: fleet uptime {Status(result.MetTarget, result.Uptime.ToString("P2", CultureInfo.InvariantCulture))} (target 99.5 %), {Count(result.Incidents, "incident")}, {result.TasksCompleted} task(s) completed, {result.TasksFailed} failed");
                console.MarkupLine($"wrote {Markup.Escape(markdown)} and {Markup.Escape(svg)}");
            });
        }));
        return report;
    }

    internal sealed record FleetReportResult(string Fleet, string Month, double Uptime, bool MetTarget, IReadOnlyDictionary<string, double> Agents, int Incidents, int TasksCompleted, int TasksFailed, string Report, string Chart);

    private static DateTimeOffset MonthStart(string? month)
    {
        if (month is null)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            return new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-1);
        }

        return DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime parsed)
            ? new DateTimeOffset(parsed.Year, parsed.Month, 1, 0, 0, 0, TimeSpan.Zero)
            : throw new SeedInputException($"--month: '{month}' is not a month such as 2026-11.");
    }
}
