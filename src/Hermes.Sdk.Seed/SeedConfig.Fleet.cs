using System.Text.RegularExpressions;
using Hermes.Sdk.Core.Yaml;
using Hermes.Sdk.Fleet;
using YamlDotNet.RepresentationModel;

namespace Hermes.Sdk.Seed;

/// <summary>The parts of config.yaml about the fleet's work: the tiers the agent serves, the operator's key, and schedules.</summary>
public sealed partial record SeedConfig
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex TierPattern();

    private static readonly string[] ScheduleFields = ["name", "cron", "time_zone", "job", "tier", "enabled", "paused_reason"];

    /// <summary>The durable-work tiers the agent serves (<c>fleet.tiers</c>; default: its role), where scheduled jobs arrive.</summary>
    public IReadOnlyList<string> Tiers { get; init; } = [];

    /// <summary>The identity that holds the operator's key (<c>fleet.operator</c>; default <c>&lt;fleet&gt;-operator</c>): it alone writes the registry, schedules and the operations record.</summary>
    public string Operator { get; init; } = string.Empty;

    /// <summary>The fleet's schedules declared by this seed (<c>schedules</c>): burn night, the reaper, the nightly safety re-run, or your own.</summary>
    public IReadOnlyList<FleetSchedule> Schedules { get; init; } = [];

    private static List<string> ReadTiers(YamlSourceReader reader, YamlMappingNode? fleet, SeedRole role)
    {
        if (YamlSourceReader.Get(fleet, "tiers") is not { } node)
        {
            return [role.ToString().ToLowerInvariant()];
        }

        List<string> tiers = TextList(reader, node, "fleet.tiers", "a list of tiers, for example [wolf]") ?? [];
        foreach (string tier in tiers.Where(t => !TierPattern().IsMatch(t)))
        {
            reader.Add(node, "fleet.tiers", $"'{tier}' is not a tier name (lower-case letters, digits, '-' and '_')");
        }

        return tiers;
    }

    private static List<FleetSchedule> ReadSchedules(YamlSourceReader reader, YamlMappingNode root, SeedRole role)
    {
        if (YamlSourceReader.Get(root, "schedules") is not { } node || YamlSourceReader.IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode list)
        {
            reader.Add(node, "schedules", "a list of schedules, each with a name, a cron expression and a job");
            return [];
        }

        var schedules = new List<FleetSchedule>();
        for (int i = 0; i < list.Children.Count; i++)
        {
            string path = $"schedules[{i}]";
            if (list.Children[i] is not YamlMappingNode map || !reader.RejectUnknownFields(map, path, ScheduleFields))
            {
                if (list.Children[i] is not YamlMappingNode)
                {
                    reader.Add(list.Children[i], path, "a mapping with name, cron, job and optionally time_zone, tier, enabled, paused_reason");
                }

                continue;
            }

            string name = reader.Text(map, path, "name", required: true) ?? string.Empty;
            string cron = reader.Text(map, path, "cron", required: true) ?? string.Empty;
            string job = reader.Text(map, path, "job", required: true) ?? string.Empty;
            if (job.Length > 0 && !SeedJobs.All.Contains(job))
            {
                reader.Add(YamlSourceReader.Get(map, "job")!, $"{path}.job", $"unknown job '{job}' (expected one of: {string.Join(", ", SeedJobs.All)})");
            }

            bool enabled = YamlSourceReader.Get(map, "enabled") is null || Flag(reader, map, path, "enabled");
            var schedule = new FleetSchedule
            {
                Name = name,
                Cron = cron,
                TimeZone = reader.Text(map, path, "time_zone") ?? "UTC",
                Kind = job,
                Tier = reader.Text(map, path, "tier") ?? (job == SeedJobs.BurnNight ? "wolf" : role.ToString().ToLowerInvariant()),
                Enabled = enabled,
                PausedReason = reader.Text(map, path, "paused_reason"),
            };
            if (name.Length == 0 || cron.Length == 0)
            {
                continue;
            }

            try
            {
                schedule.Validate();
            }
            catch (ArgumentException ex)
            {
                string field = ex.ParamName switch { "Cron" => "cron", "TimeZone" => "time_zone", "Tier" => "tier", _ => "name" };
                reader.Add(YamlSourceReader.Get(map, field) ?? map, $"{path}.{field}", ex.Message.Split(" (Parameter", 2)[0]);
                continue;
            }

            if (!enabled && schedule.PausedReason is null)
            {
                reader.Add(YamlSourceReader.Get(map, "enabled")!, $"{path}.enabled", "a paused schedule says why: add paused_reason");
            }

            if (schedules.Exists(s => s.Name == name))
            {
                reader.Add(YamlSourceReader.Get(map, "name")!, $"{path}.name", $"another schedule is already named '{name}'");
            }

            schedules.Add(schedule);
        }

        return schedules;
    }
}

/// <summary>The jobs a schedule can run on a seed agent.</summary>
public static class SeedJobs
{
    /// <summary>A wolf's burn night over stale issues (<c>run --burn</c>).</summary>
    public const string BurnNight = "burn-night";

    /// <summary>The reaper: claims whose agent stopped beating are released for others.</summary>
    public const string Reaper = "reaper";

    /// <summary>The nightly safety re-run: the crisis suite against every model of the chain, recorded for the ship gate.</summary>
    public const string SafetyRun = "safety-run";

    /// <summary>Every job a schedule may run (<c>schedules[].job</c>), each done by an agent serving the schedule's tier.</summary>
    public static IReadOnlyList<string> All { get; } = [BurnNight, Reaper, SafetyRun];
}
