namespace Hermes.Sdk.CommandCenter;

/// <summary>Something that needs the operator, most urgent first, pointing at the object that caused it.</summary>
/// <param name="Level"><c>red</c>, <c>unknown</c> or <c>amber</c>.</param>
/// <param name="View">The view it comes from.</param>
/// <param name="What">What is wrong.</param>
/// <param name="Link">The source object (a Gitea page) or the view's row.</param>
internal sealed record BriefItem(string Level, string View, string What, string Link);

/// <summary>The first screen: the overall state and what needs the operator first, derived from the four views only.</summary>
internal sealed record BriefStatusView(DateTimeOffset At, string Overall, IReadOnlyList<SourceStamp> Sources, IReadOnlyList<BriefItem> Items, BriefCounts Counts);

/// <summary>The pressure in numbers.</summary>
internal sealed record BriefCounts(int AgentsUp, int AgentsRegistered, int PullRequestsOpen, int PullRequestsNeedingJudgment, int IssuesUnassigned, int IssuesBlocked, int IssuesInProgress, int SchedulesWithProblems);

/// <summary>
/// Rolls the four views up, with no state of its own: every source that cannot be read is an unknown item (and the
/// overall state can then not be green); red before unknown before amber.
/// </summary>
internal static class BriefStatus
{
    public static BriefStatusView Build(AgentHealthView agents, ReviewQueueView reviews, CronStateView cron, TaskBoardView tasks, DateTimeOffset now)
    {
        var items = new List<BriefItem>();
        List<SourceStamp> sources = [.. agents.Sources.Concat(reviews.Sources).Concat(cron.Sources).Concat(tasks.Sources).DistinctBy(s => s.Source)];
        foreach (SourceStamp s in sources.Where(s => s.Freshness == "unknown"))
        {
            items.Add(new BriefItem("unknown", "sources", $"{s.Source} cannot be read: {s.Error}{(s.LastGoodAt is { } good ? $" (last good read {good:u})" : " (never read)")}", "#sources"));
        }

        foreach (SourceStamp s in sources.Where(s => s.Freshness == "stale"))
        {
            items.Add(new BriefItem("amber", "sources", $"{s.Source} is stale: its data is from {s.SourceTime:u}", "#sources"));
        }

        foreach (AgentRow a in agents.Agents)
        {
            string link = $"/agents#agent-{a.Agent}";
            switch (a.State)
            {
                case "down":
                    items.Add(new BriefItem("red", "agents", $"{a.Agent} is down: {a.FailureMode}", link));
                    break;
                case "degraded" or "rate-limited":
                    items.Add(new BriefItem("amber", "agents", $"{a.Agent} is {a.State}: {a.FailureMode}", link));
                    break;
                case "unknown":
                    items.Add(new BriefItem("unknown", "agents", $"{a.Agent} is unknown: {a.FailureMode}", link));
                    break;
            }
        }

        foreach (CronRow c in cron.Schedules.Where(c => c.Problems.Count > 0))
        {
            bool failing = c.Problems.Any(p => p.StartsWith("last run failed", StringComparison.Ordinal) || p.StartsWith("runner absent", StringComparison.Ordinal));
            items.Add(new BriefItem(failing ? "red" : "amber", "cron", $"{c.Name}: {string.Join("; ", c.Problems)}", $"/cron#schedule-{c.Name}"));
        }

        foreach (ReviewRow r in reviews.PullRequests.Where(r => r.NeedsJudgment || r.FailingChecks.Count > 0 || r.Stale))
        {
            string why = string.Join("; ", new[] { r.NeedsJudgment ? $"touches {string.Join(", ", r.SensitiveFiles)}" : null, r.FailingChecks.Count > 0 ? $"checks failing: {string.Join(", ", r.FailingChecks)}" : null, r.Stale ? $"waiting {Age(r.Age)}" : null }.OfType<string>());
            items.Add(new BriefItem(r.NeedsJudgment ? "red" : "amber", "reviews", $"{r.Repository}#{r.Number} {r.Title}: {why}", r.Url ?? "/reviews"));
        }

        foreach (TaskCard t in tasks.Cards.Where(t => t.Lane == TaskBoard.Blocked || t.Ambiguity is not null))
        {
            items.Add(new BriefItem("amber", "tasks", $"{t.Repository}#{t.Number} {t.Title}: {string.Join("; ", new[] { t.Lane == TaskBoard.Blocked ? "blocked" : null, t.Ambiguity is null ? null : $"unclear: {t.Ambiguity}" }.OfType<string>())}", t.Url ?? "/tasks"));
        }

        string[] order = ["red", "unknown", "amber"];
        items = [.. items.OrderBy(i => Array.IndexOf(order, i.Level))];
        // No green without a timestamped source: with nothing read, the state is unknown.
        string overall = sources.Count == 0 ? "unknown" : items.Count == 0 ? "green" : items[0].Level;
        var counts = new BriefCounts(
            agents.Agents.Count(a => a.State is "idle" or "busy"),
            agents.Agents.Count(a => a.Registered),
            reviews.PullRequests.Count,
            reviews.PullRequests.Count(r => r.NeedsJudgment),
            tasks.Cards.Count(c => c.Lane == TaskBoard.Unassigned),
            tasks.Cards.Count(c => c.Lane == TaskBoard.Blocked),
            tasks.Cards.Count(c => c.Lane == TaskBoard.InProgress),
            cron.Schedules.Count(c => c.Problems.Count > 0));
        return new BriefStatusView(now, overall, sources, items, counts);
    }

    /// <summary>An age in the unit an operator reads it in.</summary>
    private static string Age(TimeSpan age) => age.TotalDays >= 2 ? $"{age.TotalDays:0} days" : age.TotalHours >= 2 ? $"{age.TotalHours:0} hours" : $"{Math.Max(1, age.TotalMinutes):0} minutes";
}
