using System.Text;
using static Hermes.Sdk.CommandCenter.Layout;

namespace Hermes.Sdk.CommandCenter;

/// <summary>The body of each view: rows with drill-through links to the source object, states in words as well as colour.</summary>
internal static class ViewPages
{
    public static string Brief(BriefStatusView v)
    {
        var html = new StringBuilder();
        html.Append("<p id=\"overall\" class=\"state ").Append(v.Overall == "unknown" ? "unknown-row" : v.Overall).Append("\" data-overall=\"").Append(v.Overall).Append("\">overall: ").Append(v.Overall).Append("</p>");
        BriefCounts c = v.Counts;
        html.Append("<table id=\"counts\"><tr><th>agents up</th><th>pull requests open</th><th>needing judgment</th><th>issues unassigned</th><th>in progress</th><th>blocked</th><th>schedules with problems</th></tr><tr>")
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"<td>{c.AgentsUp} of {c.AgentsRegistered}</td><td>{c.PullRequestsOpen}</td><td>{c.PullRequestsNeedingJudgment}</td><td>{c.IssuesUnassigned}</td><td>{c.IssuesInProgress}</td><td>{c.IssuesBlocked}</td><td>{c.SchedulesWithProblems}</td></tr></table>");
        html.Append("<table id=\"items\"><tr><th>level</th><th>view</th><th>what needs you</th></tr>");
        foreach (BriefItem i in v.Items)
        {
            html.Append("<tr class=\"").Append(i.Level == "unknown" ? "unknown-row" : i.Level).Append("\" data-level=\"").Append(i.Level).Append("\"><td>").Append(i.Level).Append("</td><td>").Append(E(i.View)).Append("</td><td>").Append(Link(i.Link, i.What)).Append("</td></tr>");
        }

        if (v.Items.Count == 0)
        {
            html.Append("<tr><td colspan=\"3\">nothing needs you: every source was read and is fresh</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    public static string Agents(AgentHealthView v)
    {
        if (Unknown(v.Sources[0], "fleet-unknown", "Agent health") is { } unknown)
        {
            return unknown;
        }

        var html = new StringBuilder("<table id=\"agents\"><tr><th>agent</th><th>role</th><th>state</th><th>last heartbeat</th><th>last well</th><th>working on</th><th>claims in Gitea</th><th>model</th><th>failure mode</th></tr>");
        foreach (AgentRow a in v.Agents)
        {
            string level = a.State switch { "down" => "red", "degraded" or "rate-limited" => "amber", "unknown" => "unknown-row", _ => "green" };
            html.Append("<tr id=\"agent-").Append(E(a.Agent)).Append("\" class=\"").Append(level).Append("\" data-state=\"").Append(a.State).Append("\"><td>").Append(Link(a.Url, a.Agent)).Append("</td><td>").Append(E(a.Role ?? "—"))
                .Append("</td><td>").Append(a.State).Append(a.Stuck ? " (stuck)" : string.Empty).Append("</td><td>").Append(Time(a.LastSeen)).Append("</td><td>").Append(Time(a.LastWellAt)).Append("</td><td>").Append(E(a.CurrentTask ?? "—"))
                .Append("</td><td>").Append(string.Join(", ", a.Claims.Select(c => Link(c.Url, $"{c.Repository}#{c.Number}")))).Append("</td><td>").Append(E(a.Model ?? "—")).Append("</td><td>").Append(E(a.FailureMode ?? string.Empty)).Append("</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    public static string Reviews(ReviewQueueView v)
    {
        var html = new StringBuilder(UnknownRepos(v.Sources)).Append("<table id=\"reviews\"><tr><th>repository</th><th>pull request</th><th>author</th><th>age</th><th>review</th><th>checks</th><th>blocked by</th><th>sensitive</th></tr>");
        foreach (ReviewRow r in v.PullRequests)
        {
            string level = r.NeedsJudgment ? "red" : r.Blocking is null ? "green" : "amber";
            html.Append("<tr class=\"").Append(level).Append("\" data-pull=\"").Append(E($"{r.Repository}#{r.Number}")).Append("\"><td>").Append(E(r.Repository)).Append("</td><td>").Append(Link(r.Url, $"#{r.Number} {r.Title}"))
                .Append("</td><td>").Append(E(r.Author)).Append("</td><td>").Append(Span(r.Age)).Append(r.Stale ? " (stale)" : string.Empty).Append("</td><td>").Append(E(r.ReviewState))
                .Append("</td><td>").Append(E(r.Checks)).Append("</td><td>").Append(E(r.Blocking ?? "ready to merge")).Append("</td><td>")
                .Append(r.NeedsJudgment ? $"needs judgment: {E(string.Join(", ", r.SensitiveFiles))}" : "routine").Append("</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    public static string Cron(CronStateView v)
    {
        if (Unknown(v.Sources[0], "cron-unknown", "Cron state") is { } unknown)
        {
            return unknown;
        }

        var html = new StringBuilder("<table id=\"cron\"><tr><th>job</th><th>schedule</th><th>desired</th><th>actual</th><th>last run</th><th>last result</th><th>next run</th><th>drift</th></tr>");
        foreach (CronRow c in v.Schedules)
        {
            string level = c.Problems.Count == 0 ? "green" : "amber";
            html.Append("<tr id=\"schedule-").Append(E(c.Name)).Append("\" class=\"").Append(level).Append("\"><td>").Append(E(c.Name)).Append("</td><td>").Append(E($"{c.Cron} ({c.TimeZone})")).Append("</td><td>")
                .Append(E(c.Desired)).Append(c.Reason is null ? string.Empty : $": {E(c.Reason)}").Append("</td><td>").Append(E(c.Actual)).Append("</td><td>").Append(Time(c.LastRunAt)).Append("</td><td>").Append(E(c.LastResult ?? "—"))
                .Append("</td><td>").Append(Time(c.NextRun)).Append("</td><td>").Append(E(string.Join("; ", c.Problems))).Append("</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    public static string Tasks(TaskBoardView v)
    {
        var html = new StringBuilder(UnknownRepos(v.Sources)).Append("<div id=\"board\">");
        foreach (string lane in v.Lanes)
        {
            List<TaskCard> cards = [.. v.Cards.Where(c => c.Lane == lane)];
            html.Append("<section class=\"lane\" data-lane=\"").Append(lane).Append("\"><h2>").Append(E(lane)).Append(" (").Append(cards.Count).Append(")</h2>");
            foreach (TaskCard c in cards)
            {
                html.Append("<div class=\"card\" data-issue=\"").Append(E($"{c.Repository}#{c.Number}")).Append("\">").Append(Link(c.Url, $"{c.Repository}#{c.Number} {c.Title}"))
                    .Append("<br>").Append(E(c.Assignees.Count == 0 ? "nobody" : string.Join(", ", c.Assignees))).Append(" · ").Append(Span(c.Age)).Append(" old");
                foreach (PullLink p in c.PullRequests)
                {
                    html.Append(" · ").Append(Link(p.Url, $"PR #{p.Number}"));
                }

                if (c.Ambiguity is not null)
                {
                    html.Append("<div class=\"doubt\">unclear: ").Append(E(c.Ambiguity)).Append("</div>");
                }

                html.Append("</div>");
            }

            html.Append("</section>");
        }

        return html.Append("</div>").ToString();
    }

    /// <summary>A view whose one source could not be read shows only that, with the reason and the last good read.</summary>
    private static string? Unknown(SourceStamp source, string id, string view) => source.Freshness != "unknown" ? null
        : $"<p class=\"unknown\" id=\"{id}\">{view} unknown: {E(source.Error)} (last good read {Time(source.LastGoodAt)}).</p>";

    /// <summary>A repository that could not be read is said so above its view, never shown as empty.</summary>
    private static string UnknownRepos(IReadOnlyList<SourceStamp> sources) => string.Concat(sources.Where(s => s.Freshness == "unknown")
        .Select(s => $"<p class=\"unknown\" data-unknown=\"{E(s.Source)}\">{E(s.Source)}: unknown — {E(s.Error)} (last good read {Time(s.LastGoodAt)})</p>"));
}
