using Hermes.Sdk.Fleet;

namespace Hermes.Sdk.CommandCenter;

/// <summary>One schedule, desired against actual, with what drifted.</summary>
internal sealed record CronRow(string Name, string Cron, string TimeZone, string Desired, string Actual, DateTimeOffset? LastRunAt, string? LastResult, DateTimeOffset? NextRun, string? Reason, IReadOnlyList<string> Problems);

/// <summary>The cron view.</summary>
internal sealed record CronStateView(DateTimeOffset At, IReadOnlyList<SourceStamp> Sources, IReadOnlyList<CronRow> Schedules);

/// <summary>
/// Builds the cron view from the schedules' desired and actual state, highlighting drift: a paused job (with its
/// reason), a runner absent, a slot overdue, a last run that failed.
/// </summary>
internal static class CronState
{
    public static CronStateView Build(SourceReading<ScheduleSnapshot> schedules, DateTimeOffset now)
    {
        var rows = new List<CronRow>();
        foreach (ScheduleView s in schedules.Value?.Schedules ?? [])
        {
            var problems = new List<string>();
            if (!s.Enabled)
            {
                problems.Add($"paused: {s.PausedReason ?? "no reason given"}");
            }

            if (s.Enabled && !s.RunnerPresent)
            {
                problems.Add("runner absent: no agent has looked at it lately");
            }

            if (s.Overdue)
            {
                problems.Add($"overdue: due {s.NextRun:u}");
            }

            if (s.LastResult is { } result && result.StartsWith("failed", StringComparison.Ordinal))
            {
                problems.Add($"last run {result}");
            }

            string actual = !s.RunnerPresent ? "no runner" : s.Overdue ? "overdue" : s.LastRunAt is null ? "not run yet" : "on schedule";
            rows.Add(new CronRow(s.Name, s.Cron, s.TimeZone, s.Enabled ? "enabled" : "paused", actual, s.LastRunAt, s.LastResult, s.NextRun, s.PausedReason, problems));
        }

        return new CronStateView(now, [schedules.Stamp(now)], [.. rows.OrderByDescending(r => r.Problems.Count).ThenBy(r => r.Name, StringComparer.Ordinal)]);
    }
}
