using System.Globalization;
using System.Text.RegularExpressions;
using Hermes.Sdk.Fleet;
using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.CommandCenter;

/// <summary>One agent as the operator needs it.</summary>
/// <param name="Agent">Its name.</param>
/// <param name="Role">Its role in the registry.</param>
/// <param name="State"><c>idle</c>, <c>busy</c>, <c>degraded</c>, <c>rate-limited</c>, <c>down</c> or <c>unknown</c>.</param>
/// <param name="LastSeen">Its last heartbeat's arrival: the source time of this row.</param>
/// <param name="CurrentTask">What its heartbeat says it works on.</param>
/// <param name="Claims">The issues Gitea shows it holding (in progress, assigned to it).</param>
/// <param name="Model">The model its heartbeat says it uses.</param>
/// <param name="FailureMode">Why it is not well: process missing, unhealthy, drifted, stuck.</param>
/// <param name="BusySince">Since when it has worked on <paramref name="CurrentTask"/>.</param>
/// <param name="Stuck">Busy on one task longer than the threshold.</param>
/// <param name="Registered">Whether the registry lists it.</param>
/// <param name="Url">Its account in Gitea (what it has done there), when a Gitea is configured.</param>
/// <param name="LastWellAt">Its last successful activity: the last heartbeat, since the command center began watching, in which it reported itself well (idle or busy).</param>
internal sealed record AgentRow(string Agent, string? Role, string State, DateTimeOffset? LastSeen, string? CurrentTask, IReadOnlyList<ClaimLink> Claims, string? Model, string? FailureMode, DateTimeOffset? BusySince, bool Stuck, bool Registered, string? Url, DateTimeOffset? LastWellAt);

/// <summary>An issue an agent holds, with its link.</summary>
internal sealed record ClaimLink(string Repository, long Number, string? Url);

/// <summary>Agent health: registry, heartbeats, drift and the claims Gitea shows.</summary>
internal sealed record AgentHealthView(DateTimeOffset At, IReadOnlyList<SourceStamp> Sources, IReadOnlyList<AgentRow> Agents);

/// <summary>Builds agent health. With the fleet's source unknown, every agent is unknown — never down, never up.</summary>
internal static partial class AgentHealth
{
    public static AgentHealthView Build(SourceReading<FleetSnapshot> fleet, IReadOnlyList<SourceReading<RepoSnapshot>> repos, CommandCenterOptions options, DateTimeOffset now)
    {
        List<SourceStamp> sources = [fleet.Stamp(now), .. repos.Select(r => r.Stamp(now))];
        if (fleet.Value is not { } snapshot)
        {
            return new AgentHealthView(now, sources, []);
        }

        var claims = repos.Select(r => r.Value).OfType<RepoSnapshot>()
            .SelectMany(r => r.Issues.Where(i => (i.Labels ?? []).Any(l => l.Name == "in-progress")).Select(i => (Repo: r.Repository, Issue: i)))
            .SelectMany(c => Holders(c.Issue).Select(h => (Holder: h, Claim: new ClaimLink(c.Repo, c.Issue.Number, c.Issue.HtmlUrl))))
            .ToLookup(c => c.Holder, c => c.Claim, StringComparer.OrdinalIgnoreCase);
        IEnumerable<string> names = snapshot.Registry.Select(e => e.Agent).Union(snapshot.Agents.Select(a => a.Agent), StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var rows = new List<AgentRow>();
        foreach (string agent in names)
        {
            RegistryEntry? entry = snapshot.Registry.FirstOrDefault(e => e.Agent == agent);
            AgentView? view = snapshot.Agents.FirstOrDefault(a => a.Agent == agent);
            Heartbeat? beat = snapshot.LastBeats.GetValueOrDefault(agent);
            List<FleetDrift> drift = [.. snapshot.Drift.Where(d => d.Agent == agent)];
            DateTimeOffset? busySince = snapshot.BusySince.TryGetValue(agent, out DateTimeOffset since) ? since : null;
            bool stuck = view?.Health == Fleet.AgentHealth.Busy && busySince is { } b && now - b > options.StuckAfter;
            // Heartbeats are not kept: right after the watch began, an agent not yet heard from is unknown, not down.
            bool waitingForFirstBeat = view?.LastSeen is null && now - snapshot.WatchingSince < snapshot.DeadmanWindow;
            (string state, string? failure) = view?.Health switch
            {
                null or Fleet.AgentHealth.Down when waitingForFirstBeat => ("unknown", $"no heartbeat yet: watching since {snapshot.WatchingSince:u}, an agent not heard from within {snapshot.DeadmanWindow.TotalSeconds:0.#} s is missing"),
                null or Fleet.AgentHealth.Down => ("down", view?.Detail ?? "never seen: the process is missing"),
                Fleet.AgentHealth.Unhealthy when IsRateLimited(view.Detail) => ("rate-limited", view.Detail),
                Fleet.AgentHealth.Unhealthy => ("degraded", view.Detail ?? "says it is unhealthy"),
                _ when drift.Count > 0 => ("degraded", string.Join("; ", drift.Select(d => $"drift: {d.Detail}"))),
                _ when WrongWork(view, claims[agent], repos) is { } wrong => ("degraded", wrong),
                _ when stuck => ("degraded", $"stuck: busy on {view.CurrentTask} since {busySince:u}"),
                Fleet.AgentHealth.Busy => ("busy", null),
                _ => ("idle", view.Detail),
            };
            if (entry is null)
            {
                failure = $"not in the registry{(failure is null ? string.Empty : $"; {failure}")}";
                state = state is "idle" or "busy" ? "degraded" : state;
            }

            rows.Add(new AgentRow(agent, entry?.Role, state, view?.LastSeen, view?.CurrentTask, [.. claims[agent]], beat?.Model, failure, busySince, stuck, entry is not null, options.GiteaUrl is { } gitea ? new Uri(gitea, Uri.EscapeDataString(agent)).ToString() : null, snapshot.LastWell.TryGetValue(agent, out DateTimeOffset well) ? well : null));
        }

        return new AgentHealthView(now, sources, rows);
    }

    /// <summary>
    /// Working the wrong thing: busy, by its heartbeat, on an open issue of a repository Gitea was read for, which Gitea
    /// does not show it holding. A pull request under review is no claim; without Gitea's reading there is no evidence.
    /// </summary>
    private static string? WrongWork(AgentView? view, IEnumerable<ClaimLink> held, IReadOnlyList<SourceReading<RepoSnapshot>> repos)
    {
        if (view is not { Health: Fleet.AgentHealth.Busy, CurrentTask: { } task } || TaskReference().Match(task) is not { Success: true } m)
        {
            return null;
        }

        string repository = m.Groups["repo"].Value;
        long number = long.Parse(m.Groups["n"].ValueSpan, CultureInfo.InvariantCulture);
        RepoSnapshot? read = repos.Select(r => r.Value).OfType<RepoSnapshot>().FirstOrDefault(r => string.Equals(r.Repository, repository, StringComparison.OrdinalIgnoreCase));
        if (read is null || !read.Issues.Any(i => i.Number == number))
        {
            return null;
        }

        ClaimLink[] mine = [.. held.Where(c => string.Equals(c.Repository, repository, StringComparison.OrdinalIgnoreCase))];
        return mine.Any(c => c.Number == number) ? null
            : mine.Length == 0 ? $"working the wrong thing? its heartbeat says {repository}#{number}, which Gitea does not show it holding"
            : $"working the wrong thing? its heartbeat says {repository}#{number}, Gitea shows it holding {string.Join(", ", mine.Select(c => $"#{c.Number}"))}";
    }

    [GeneratedRegex(@"^(?<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#(?<n>[0-9]+)")]
    private static partial Regex TaskReference();

    private static IEnumerable<string> Holders(GiteaIssue issue) =>
        (issue.Assignees ?? []).Select(a => a.Login).Concat((issue.Labels ?? []).Select(l => l.Name).Where(l => l.StartsWith("assigned:", StringComparison.Ordinal)).Select(l => l["assigned:".Length..])).Distinct(StringComparer.OrdinalIgnoreCase);

    private static bool IsRateLimited(string? detail) => detail is not null && (detail.Contains("rate limit", StringComparison.OrdinalIgnoreCase) || detail.Contains("rate-limit", StringComparison.OrdinalIgnoreCase) || detail.Contains("429", StringComparison.Ordinal));
}
