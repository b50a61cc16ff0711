using System.Globalization;
using System.Text;

namespace Hermes.Sdk.Fleet;

/// <summary>Tasks over a period, from their results.</summary>
/// <param name="Completed">Tasks that succeeded.</param>
/// <param name="Failed">Tasks that failed.</param>
/// <param name="MedianLatency">The median time from creation to completion, where known.</param>
/// <param name="P95Latency">The 95th percentile of it.</param>
public sealed record TaskTally(int Completed, int Failed, TimeSpan? MedianLatency, TimeSpan? P95Latency)
{
    /// <summary>Tallies the results completed within [from, to).</summary>
    /// <param name="results">Task results (e.g. from <see cref="FleetBus.CompletionsAsync"/>).</param>
    /// <param name="from">The start.</param>
    /// <param name="to">The end.</param>
    /// <returns>The tally.</returns>
    public static TaskTally Of(IEnumerable<TaskResult> results, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(results);
        TaskResult[] inPeriod = [.. results.Where(r => r.CompletedAt >= from && r.CompletedAt < to).DistinctBy(r => r.Key)];
        TimeSpan[] latencies = [.. inPeriod.Where(r => r.TaskCreatedAt is not null).Select(r => r.CompletedAt - r.TaskCreatedAt!.Value).Order()];
        return new TaskTally(inPeriod.Count(r => r.Ok), inPeriod.Count(r => !r.Ok), Percentile(latencies, 0.5), Percentile(latencies, 0.95));
    }

    private static TimeSpan? Percentile(TimeSpan[] sorted, double p) =>
        sorted.Length == 0 ? null : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

/// <summary>
/// The monthly ops report in the runbook's shape ("Month-End Reporting": uptime per node, incident summary and
/// resolutions; the metrics table with the 99.5 % target and its variance), rendered from recorded data as Markdown, with
/// the uptime chart as SVG.
/// </summary>
public static class MonthlyReport
{
    /// <summary>The runbook's monthly uptime target.</summary>
    public const double UptimeTarget = 0.995;

    /// <summary>The report as Markdown; the chart is referenced as <paramref name="chartFile"/> (write <see cref="ToSvg"/> there).</summary>
    /// <param name="fleet">The fleet's name.</param>
    /// <param name="uptime">Uptime over the month.</param>
    /// <param name="incidents">The incidents that began in the month.</param>
    /// <param name="tasks">The month's tasks.</param>
    /// <param name="chartFile">The chart's file name.</param>
    /// <returns>Markdown.</returns>
    public static string ToMarkdown(string fleet, UptimeReport uptime, IEnumerable<FleetIncident> incidents, TaskTally tasks, string chartFile = "uptime.svg")
    {
        ArgumentNullException.ThrowIfNull(uptime);
        ArgumentNullException.ThrowIfNull(incidents);
        ArgumentNullException.ThrowIfNull(tasks);
        FleetIncident[] all = [.. incidents.Where(i => i.Began >= uptime.From && i.Began < uptime.To).OrderBy(i => i.Began)];
        CultureInfo c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(c, $"# Ops report: {fleet}, {uptime.From:yyyy-MM}").AppendLine().AppendLine();
        text.Append(c, $"Period: {uptime.From:u} to {uptime.To:u}.").AppendLine().AppendLine();
        text.AppendLine("| Metric | This month | Target | Variance |").AppendLine("|---|---|---|---|");
        text.Append(c, $"| Fleet uptime (mean of agents) | {Percent(uptime.MeanAgentUptime)} | {Percent(UptimeTarget)} | {Signed(uptime.MeanAgentUptime - UptimeTarget)} |").AppendLine();
        text.Append(c, $"| Fleet availability (any agent up) | {Percent(uptime.FleetAvailability)} | — | — |").AppendLine();
        text.Append(c, $"| Tasks completed | {tasks.Completed} | — | — |").AppendLine();
        text.Append(c, $"| Tasks failed | {tasks.Failed} | — | — |").AppendLine();
        text.Append(c, $"| Task latency, median / p95 | {Duration(tasks.MedianLatency)} / {Duration(tasks.P95Latency)} | — | — |").AppendLine();
        text.Append(c, $"| Incidents (P0 / P1 / P2 / P3) | {Count(all, IncidentSeverity.P0)} / {Count(all, IncidentSeverity.P1)} / {Count(all, IncidentSeverity.P2)} / {Count(all, IncidentSeverity.P3)} | — | — |").AppendLine().AppendLine();
        text.Append(c, $"![Daily uptime]({chartFile})").AppendLine().AppendLine();
        text.AppendLine("## Uptime per agent").AppendLine().AppendLine("| Agent | Uptime | Meets 99.5 % |").AppendLine("|---|---|---|");
        foreach ((string agent, double share) in uptime.Agents)
        {
            text.Append(c, $"| {agent} | {Percent(share)} | {(share >= UptimeTarget ? "yes" : "no")} |").AppendLine();
        }

        text.AppendLine().AppendLine("## Incidents").AppendLine();
        if (all.Length == 0)
        {
            text.AppendLine("None.");
        }
        else
        {
            text.AppendLine("| Id | Severity | What | Began | Detected in | Resolved in | Within target |").AppendLine("|---|---|---|---|---|---|---|");
            foreach (FleetIncident i in all)
            {
                string within = i.TimeToResolve is { } ttr ? (i.TimeToDetect <= i.ResponseTarget && ttr <= i.ResolutionTarget ? "yes" : "no") : "open";
                text.Append(c, $"| {i.Id} | {i.Severity} | {i.Title.Replace("|", "\\|", StringComparison.Ordinal)} | {i.Began:u} | {Duration(i.TimeToDetect)} | {Duration(i.TimeToResolve)} | {within} |").AppendLine();
            }
        }

        return text.ToString();
    }

    /// <summary>The daily uptime chart: one bar per day, the 99.5 % target as a line.</summary>
    /// <param name="uptime">Uptime over the month.</param>
    /// <returns>An SVG document.</returns>
    public static string ToSvg(UptimeReport uptime)
    {
        ArgumentNullException.ThrowIfNull(uptime);
        CultureInfo c = CultureInfo.InvariantCulture;
        const int Height = 120, Bar = 14, Gap = 4, Top = 20;
        int width = Math.Max(1, uptime.Days.Count) * (Bar + Gap) + Gap;
        var svg = new StringBuilder();
        svg.Append(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{Height + Top + 20}\" viewBox=\"0 0 {width} {Height + Top + 20}\" role=\"img\" aria-label=\"Daily uptime\">").Append('\n');
        svg.Append(c, $"  <title>Daily uptime, {uptime.From:yyyy-MM}</title>").Append('\n');
        for (int i = 0; i < uptime.Days.Count; i++)
        {
            (DateOnly day, double share) = uptime.Days[i];
            double h = Math.Round(share * Height, 1);
            string colour = share >= UptimeTarget ? "#2da44e" : share >= 0.97 ? "#d29922" : "#cf222e";
            svg.Append(c, $"  <rect x=\"{Gap + i * (Bar + Gap)}\" y=\"{(Top + Height - h).ToString("0.#", c)}\" width=\"{Bar}\" height=\"{h.ToString("0.#", c)}\" fill=\"{colour}\"><title>{day:yyyy-MM-dd}: {Percent(share)}</title></rect>").Append('\n');
        }

        double target = Top + Height - UptimeTarget * Height;
        svg.Append(c, $"  <line x1=\"0\" x2=\"{width}\" y1=\"{target.ToString("0.#", c)}\" y2=\"{target.ToString("0.#", c)}\" stroke=\"#57606a\" stroke-dasharray=\"4 2\"/>").Append('\n');
        svg.Append(c, $"  <text x=\"{Gap}\" y=\"14\" font-family=\"sans-serif\" font-size=\"11\">target 99.5 %</text>").Append('\n');
        return svg.Append("</svg>\n").ToString();
    }

    private static int Count(FleetIncident[] incidents, IncidentSeverity severity) => incidents.Count(i => i.Severity == severity);

    private static string Percent(double share) => (share * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %";

    private static string Signed(double delta) => (delta >= 0 ? "+" : string.Empty) + (delta * 100).ToString("0.00", CultureInfo.InvariantCulture) + " pt";

    private static string Duration(TimeSpan? span) => span is not { } s ? "—" : s.TotalHours >= 1 ? s.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture).TrimStart('0', '.') : s.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
}
