using System.CommandLine;
using System.Globalization;
using Hermes.Sdk.Fleet;
using Hermes.Sdk.Identity.Storage;
using Spectre.Console;

namespace Hermes.Sdk.Seed;

public static partial class SeedApp
{
    private static Command FleetCommand(SeedAppOptions options, Option<bool> json)
    {
        var file = new Option<string?>("--fleet-file") { Description = "The fleet's fleet.yaml (default: in this seed's folder or its parent; without one, the seed is a fleet of itself).", Recursive = true };
        return new Command("fleet", "Run the fleet: keys and the server's rights, the registry, status and drift, canary rollouts, schedules and the monthly report. Writes need the operator's key (fleet.operator).")
        {
            file,
            FleetInitCommand(options, json, file),
            FleetRegistryCommand(options, json, file),
            FleetStatusCommand(options, json, file),
            FleetRolloutCommand(options, json, file),
            FleetSchedulesCommand(options, json, file),
            FleetWatchCommand(options, json, file),
            FleetReportCommand(options, json, file),
        };
    }

    private static Command FleetInitCommand(SeedAppOptions options, Option<bool> json, Option<string?> file)
    {
        var init = new Command("init", "Create every agent's keys and the operator's that do not exist yet (key files 0600; only public parts printed), then write nats-server.conf: loopback, JetStream, and each key's rights generated from the fleet.");
        init.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            SeedFleetFile fleet = SeedFleetFile.For(s, parse.GetValue(file));
            IReadOnlyList<SeedConfig> agents = fleet.Agents();
            var rows = new List<FleetKeyRow>();
            foreach (string name in agents.Select(a => a.Agent).Append(fleet.Operator))
            {
                bool created = !s.Identities.Exists(name);
                using AgentIdentity identity = created ? await s.Identities.CreateAsync(name, ct).ConfigureAwait(false) : await s.Identities.LoadAsync(name, ct).ConfigureAwait(false);
                rows.Add(new FleetKeyRow(name, name == fleet.Operator ? "operator" : agents.First(a => a.Agent == name).Role.ToString().ToLowerInvariant(), identity.PublicInfo.Npub, identity.PublicInfo.NKeyPublicKey, created));
            }

            string operatorKey = rows[^1].NKey;
            string rights = FleetAuthorization.ToServerConfig(fleet.Fleet, agents.Select(a => new FleetMember(a.Agent, rows.First(r => r.Agent == a.Agent).NKey, a.Tiers)), operatorKey);
            string conf = fleet.WriteNatsConfig(rights);
            var result = new FleetInitResult(fleet.Fleet, rows, conf);
            return new SeedOutput(result, console =>
            {
                var table = new Table().AddColumns("agent", "role", "nkey", "keys");
                foreach (FleetKeyRow row in rows)
                {
                    table.AddRow(Markup.Escape(row.Agent), row.Role, row.NKey, row.Created ? "created" : "kept");
                }

                console.Write(table);
                console.MarkupLine($"wrote {Markup.Escape(conf)}: start the server with [bold]nats-server -c {Markup.Escape(Path.GetFileName(conf))}[/] (from {Markup.Escape(fleet.Directory)})");
            });
        }));
        return init;
    }

    internal sealed record FleetKeyRow(string Agent, string Role, string Npub, string NKey, bool Created);

    internal sealed record FleetInitResult(string Fleet, IReadOnlyList<FleetKeyRow> Keys, string NatsConfig);

    private static Command FleetRegistryCommand(SeedAppOptions options, Option<bool> json, Option<string?> file)
    {
        var force = new Option<bool>("--force") { Description = "Also overwrite the digests of agents already registered (a change to what they run goes through `fleet rollout`)." };
        var push = new Command("push", "Write the fleet's desired state with the operator's key: each agent's entry (role, keys, tiers, the digests of its config, soul and chain), the schedules the seeds declare, and the operations record's stream.") { force };
        push.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            SeedFleetFile fleet = SeedFleetFile.For(s, parse.GetValue(file));
            IReadOnlyList<SeedConfig> agents = fleet.Agents();
            await using FleetBus bus = await OperatorBusAsync(s, fleet, agents, ct).ConfigureAwait(false);
            FleetRegistry registry = await FleetRegistry.CreateAsync(bus, ct).ConfigureAwait(false);
            var rows = new List<RegistryRow>();
            foreach (SeedConfig agent in agents)
            {
                RegistryEntry wanted = await EntryOfAsync(s, agent, ct).ConfigureAwait(false);
                RegistryEntry? current = await registry.GetAsync(agent.Agent, ct).ConfigureAwait(false);
                string change = "registered";
                if (current is not null)
                {
                    bool digestsDiffer = !current.Digests.OrderBy(d => d.Key).SequenceEqual(wanted.Digests.OrderBy(d => d.Key));
                    change = digestsDiffer && !parse.GetValue(force) ? "kept its digests (changed on disk: roll it out with `fleet rollout`)" : digestsDiffer ? "digests overwritten" : "unchanged";
                    wanted = wanted with { Digests = digestsDiffer && !parse.GetValue(force) ? current.Digests : wanted.Digests, ConfigVersion = current.ConfigVersion };
                }

                await registry.PutAsync(wanted, ct).ConfigureAwait(false);
                rows.Add(RegistryRow.Of(wanted, change));
            }

            FleetScheduleStore schedules = await FleetScheduleStore.OpenAsync(bus, ct).ConfigureAwait(false);
            List<FleetSchedule> declared = [.. agents.SelectMany(a => a.Schedules).DistinctBy(x => x.Name)];
            foreach (FleetSchedule schedule in declared)
            {
                await schedules.PutAsync(schedule, ct).ConfigureAwait(false);
            }

            await FleetOpsLog.CreateAsync(bus, ct).ConfigureAwait(false);
            var result = new RegistryResult(fleet.Fleet, rows, [.. declared.Select(x => x.Name)]);
            return new SeedOutput(result, console => RenderRegistry(console, result));
        }));

        var list = new Command("list", "The registry as the bus holds it: every agent, its keys, tiers, digests and config version.");
        list.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            SeedFleetFile fleet = SeedFleetFile.For(s, parse.GetValue(file));
            await using FleetBus bus = await ReaderBusAsync(s, fleet, ct).ConfigureAwait(false);
            FleetRegistry registry = await OpenRegistryAsync(bus, ct).ConfigureAwait(false);
            var result = new RegistryResult(fleet.Fleet, [.. (await registry.ListAsync(ct).ConfigureAwait(false)).Select(e => RegistryRow.Of(e, null))], []);
            return new SeedOutput(result, console => RenderRegistry(console, result));
        }));

        return new Command("registry", "The fleet's one truth of who is in it and what each should run (a key-value bucket only the operator's key may write).") { push, list };
    }

    internal sealed record RegistryRow(string Agent, string? Role, string NKey, string? Npub, IReadOnlyList<string> Tiers, IReadOnlyDictionary<string, string> Digests, string? ConfigVersion, string? Change)
    {
        public static RegistryRow Of(RegistryEntry e, string? change) => new(e.Agent, e.Role, e.Nkey, e.Npub, e.Tiers, e.Digests, e.ConfigVersion, change);
    }

    internal sealed record RegistryResult(string Fleet, IReadOnlyList<RegistryRow> Agents, IReadOnlyList<string> Schedules);

    private static void RenderRegistry(IAnsiConsole console, RegistryResult result)
    {
        var table = new Table().AddColumns("agent", "role", "tiers", "config", "soul", "chain", "version", "change");
        foreach (RegistryRow row in result.Agents)
        {
            table.AddRow(
                Markup.Escape(row.Agent), Markup.Escape(row.Role ?? "-"), Markup.Escape(string.Join(", ", row.Tiers)),
                Short(row.Digests, SeedReleases.Config), Short(row.Digests, SeedReleases.Soul), Short(row.Digests, SeedReleases.Chain),
                Markup.Escape(row.ConfigVersion ?? "-"), Markup.Escape(row.Change ?? string.Empty));
        }

        console.Write(table);
        if (result.Schedules.Count > 0)
        {
            console.MarkupLine($"schedules: {Markup.Escape(string.Join(", ", result.Schedules))}");
        }
    }

    private static string Short(IReadOnlyDictionary<string, string>? digests, string kind) => digests?.GetValueOrDefault(kind) is { } d ? SeedReleases.Short(d) : "-";

    /// <summary>An agent's registry entry from its seed folder and its identity's public parts.</summary>
    private static async Task<RegistryEntry> EntryOfAsync(SeedSession s, SeedConfig agent, CancellationToken ct)
    {
        AgentIdentityInfo info = await PublicInfoAsync(s, agent.Agent, ct).ConfigureAwait(false);
        return new RegistryEntry
        {
            Agent = agent.Agent,
            Role = agent.Role.ToString().ToLowerInvariant(),
            Npub = info.Npub,
            Nkey = info.NKeyPublicKey,
            Tiers = agent.Tiers,
            Digests = new SeedReleases(agent.Directory).Current(),
            ConfigVersion = "1",
        };
    }

    private static async Task<AgentIdentityInfo> PublicInfoAsync(SeedSession s, string name, CancellationToken ct) => s.Identities.Exists(name)
        ? await s.Identities.GetPublicInfoAsync(name, ct).ConfigureAwait(false)
        : throw new SeedNotReadyException($"{s.Identities.GetAgentDirectory(name)}: '{name}' has no keys yet; run: fleet init");

    /// <summary>The operator's connection: its own key, and every agent's key trusted for what it signs.</summary>
    private static async Task<FleetBus> OperatorBusAsync(SeedSession s, SeedFleetFile fleet, IReadOnlyList<SeedConfig> agents, CancellationToken ct)
    {
        var trusted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (SeedConfig agent in agents)
        {
            trusted[agent.Agent] = (await PublicInfoAsync(s, agent.Agent, ct).ConfigureAwait(false)).NKeyPublicKey;
        }

        return await ConnectAsync(s, fleet, fleet.Operator, trusted, ct).ConfigureAwait(false);
    }

    /// <summary>A connection to read the fleet: the operator's key when this machine has it, otherwise this seed's own.</summary>
    private static Task<FleetBus> ReaderBusAsync(SeedSession s, SeedFleetFile fleet, CancellationToken ct) =>
        ConnectAsync(s, fleet, s.Identities.Exists(fleet.Operator) ? fleet.Operator : s.Config.Agent, new Dictionary<string, string>(), ct);

    private static async Task<FleetBus> ConnectAsync(SeedSession s, SeedFleetFile fleet, string name, IReadOnlyDictionary<string, string> trusted, CancellationToken ct)
    {
        if (fleet.NatsUrl is not { } url)
        {
            throw new SeedInputException($"{(File.Exists(fleet.Path) ? fleet.Path : s.ConfigPath)}: nats_url: not set; the fleet's commands need its NATS server (for example nats://127.0.0.1:4222).");
        }

        if (!s.Identities.Exists(name))
        {
            throw new SeedNotReadyException($"{s.Identities.GetAgentDirectory(name)}: '{name}' has no keys yet; run: fleet init");
        }

        using AgentIdentity identity = await s.Identities.LoadAsync(name, ct).ConfigureAwait(false);
        var options = new FleetOptions { Fleet = fleet.Fleet, Agent = name, Url = url.ToString() };
        foreach ((string agent, string key) in trusted)
        {
            options.TrustedKeys[agent] = key;
            options.ExpectedAgents.Add(agent); // one that never beats is down, not absent
        }

        return await FleetBus.ConnectAsync(options, identity.NKey, s.Logging, cancellationToken: ct).ConfigureAwait(false);
    }

    private static async Task<FleetRegistry> OpenRegistryAsync(FleetBus bus, CancellationToken ct)
    {
        try
        {
            return await FleetRegistry.OpenAsync(bus, ct).ConfigureAwait(false);
        }
        catch (NATS.Client.JetStream.NatsJSException)
        {
            throw new SeedNotReadyException($"fleet {bus.Subjects.Fleet} has no registry yet; the operator writes it: fleet registry push");
        }
    }

    private static Command FleetSchedulesCommand(SeedAppOptions options, Option<bool> json, Option<string?> file)
    {
        var list = new Command("list", "Every schedule: desired state (enabled, or paused with the reason) against what happened (last run and result, next run, overdue, runner present).");
        list.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            SeedFleetFile fleet = SeedFleetFile.For(s, parse.GetValue(file));
            await using FleetBus bus = await ReaderBusAsync(s, fleet, ct).ConfigureAwait(false);
            FleetScheduleStore store = await FleetScheduleStore.OpenAsync(bus, ct).ConfigureAwait(false);
            IReadOnlyList<ScheduleView> views = await store.ViewsAsync(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);

            var result = new SchedulesResult(fleet.Fleet, views);
            return new SeedOutput(result, console =>
            {
                var table = new Table().AddColumns("schedule", "cron", "desired", "last run", "last result", "next run", "state");
                foreach (ScheduleView v in views)
                {
                    table.AddRow(
                        Markup.Escape(v.Name), Markup.Escape($"{v.Cron} ({v.TimeZone})"), Markup.Escape(v.Enabled ? "enabled" : $"paused: {v.PausedReason}"),
                        Markup.Escape(Time(v.LastRunAt)), Markup.Escape(v.LastResult ?? "-"), Markup.Escape(Time(v.NextRun)),
                        Status(!v.Overdue && v.RunnerPresent, v.Overdue ? "overdue" : v.RunnerPresent ? "on time" : "no runner"));
                }

                console.Write(table);
            });
        }));

        var name = new Argument<string>("name") { Description = "The schedule." };
        var reason = new Option<string>("--reason") { Description = "Why it is paused (shown wherever the schedule is).", Required = true };
        var pause = new Command("pause", "Pause a schedule with a reason (the operator's key). `fleet registry push` enables it again as the seeds declare it.") { name, reason };
        pause.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            SeedFleetFile fleet = SeedFleetFile.For(s, parse.GetValue(file));
            await using FleetBus bus = await ConnectAsync(s, fleet, fleet.Operator, new Dictionary<string, string>(), ct).ConfigureAwait(false);
            FleetScheduleStore store = await FleetScheduleStore.OpenAsync(bus, ct).ConfigureAwait(false);
            string schedule = parse.GetValue(name)!;
            if (!(await store.ListAsync(ct).ConfigureAwait(false)).Any(x => x.Name == schedule))
            {
                throw new SeedInputException($"name: no schedule '{schedule}' in fleet {fleet.Fleet} (fleet schedules list shows them).");
            }

            await store.PauseAsync(schedule, parse.GetValue(reason)!, ct).ConfigureAwait(false);
            var result = new { Schedule = schedule, Paused = true, Reason = parse.GetValue(reason) };
            return new SeedOutput(result, console => console.MarkupLine($"paused {Markup.Escape(schedule)}"));
        }));
        return new Command("schedules", "The fleet's cron jobs (burn night, the reaper, the nightly safety re-run, your own), each slot run once across the fleet.") { list, pause };
    }

    internal sealed record SchedulesResult(string Fleet, IReadOnlyList<ScheduleView> Schedules);

    private static string Time(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) ?? "-";
}
