using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.CommandCenter;

/// <summary>A pull request linked to an issue: its number and where to see it.</summary>
internal sealed record PullLink(long Number, string? Url);

/// <summary>An open issue on the task board, in the lane Gitea's own signals put it; <see cref="Ambiguity"/> says when they disagree.</summary>
internal sealed record TaskCard(string Repository, long Number, string Title, string? Url, string Lane, IReadOnlyList<string> Assignees, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, TimeSpan Age, IReadOnlyList<PullLink> PullRequests, string? Ambiguity);

/// <summary>The task board: a projection of Gitea, never kept by hand.</summary>
internal sealed record TaskBoardView(DateTimeOffset At, IReadOnlyList<SourceStamp> Sources, IReadOnlyList<string> Lanes, IReadOnlyList<TaskCard> Cards);

/// <summary>
/// Puts each open issue in one lane from explicit Gitea signals — the queue's labels (<c>blocked</c>, <c>in-review</c>,
/// <c>in-progress</c>, <c>assigned:&lt;agent&gt;</c>), assignees, and open pull requests that close it — in that order
/// of precedence; a card whose signals disagree says so instead of inventing certainty.
/// </summary>
internal static partial class TaskBoard
{
    public const string Unassigned = "unassigned", Assigned = "assigned", InProgress = "in progress", Blocked = "blocked", InReview = "in review";

    public static readonly string[] Lanes = [Unassigned, Assigned, InProgress, Blocked, InReview];

    public static TaskBoardView Build(IReadOnlyList<SourceReading<RepoSnapshot>> repos, DateTimeOffset now)
    {
        var cards = new List<TaskCard>();
        foreach (RepoSnapshot repo in repos.Select(r => r.Value).OfType<RepoSnapshot>())
        {
            // Each pull request's closing references, read once: the board is linear in issues plus pull requests.
            ILookup<long, PullLink> closing = repo.Pulls.SelectMany(p => ClosedBy(p.Pull).Select(n => (Issue: n, Link: new PullLink(p.Pull.Number, p.Pull.HtmlUrl)))).ToLookup(c => c.Issue, c => c.Link);
            foreach (GiteaIssue issue in repo.Issues)
            {
                cards.Add(Card(repo, issue, [.. closing[issue.Number].DistinctBy(l => l.Number)], now));
            }
        }

        return new TaskBoardView(now, [.. repos.Select(r => r.Stamp(now))], Lanes, [.. cards.OrderBy(c => Array.IndexOf(Lanes, c.Lane)).ThenByDescending(c => c.Age)]);
    }

    private static TaskCard Card(RepoSnapshot repo, GiteaIssue issue, List<PullLink> pulls, DateTimeOffset now)
    {
        HashSet<string> labels = [.. (issue.Labels ?? []).Select(l => l.Name)];
        List<string> assignees = [.. (issue.Assignees ?? []).Select(a => a.Login).Distinct(StringComparer.Ordinal)];
        List<string> claimedBy = [.. labels.Where(l => l.StartsWith("assigned:", StringComparison.Ordinal)).Select(l => l["assigned:".Length..])];
        bool blocked = labels.Contains("blocked"), inReview = labels.Contains("in-review"), inProgress = labels.Contains("in-progress");
        string lane = blocked ? Blocked : inReview || pulls.Count > 0 ? InReview : inProgress ? InProgress : assignees.Count + claimedBy.Count > 0 ? Assigned : Unassigned;

        var doubts = new List<string>();
        string[] states = [.. new[] { ("blocked", blocked), ("in-review", inReview), ("in-progress", inProgress) }.Where(s => s.Item2).Select(s => s.Item1)];
        if (states.Length > 1)
        {
            doubts.Add($"labels disagree: {string.Join(", ", states)}");
        }

        if (inReview && pulls.Count == 0)
        {
            doubts.Add("labelled in-review, but no open pull request closes it");
        }

        if (inProgress && assignees.Count + claimedBy.Count == 0)
        {
            doubts.Add("in progress, but nobody is assigned");
        }

        if (claimedBy.Count > 0 && assignees.Count > 0 && !claimedBy.Intersect(assignees, StringComparer.OrdinalIgnoreCase).Any())
        {
            doubts.Add($"claimed by {string.Join(", ", claimedBy)} but assigned in Gitea to {string.Join(", ", assignees)}");
        }

        return new TaskCard(repo.Repository, issue.Number, issue.Title, issue.HtmlUrl, lane, [.. assignees.Union(claimedBy, StringComparer.OrdinalIgnoreCase)], issue.CreatedAt, issue.UpdatedAt, now - issue.CreatedAt, pulls, doubts.Count == 0 ? null : string.Join("; ", doubts));
    }

    /// <summary>
    /// The issues a pull request closes: those its body names after one of Gitea's closing keywords — the list in
    /// Gitea's modules/references/references.go (<c>issueCloseKeywords</c>: close, closes, closed, fix, fixes, fixed,
    /// resolve, resolves, resolved; the default of <c>[repository.pull-request] CLOSE_KEYWORDS</c>) — and the one a worker's
    /// branch <c>hermes/&lt;agent&gt;/&lt;issue&gt;</c> is for. The boundaries are Gitea's own, from the same file: the
    /// keyword starts the text or follows whitespace, <c>(</c> or <c>[</c> (<c>makeKeywordsPat</c>), any case, with an
    /// optional colon and exactly one space before the reference; the reference is <c>#n</c> or <c>!n</c> ending the text
    /// or followed by whitespace, <c>)</c>, <c>]</c>, a quote, or punctuation that ends the text or precedes whitespace
    /// (<c>issueNumericPattern</c>). Whitespace is Go's <c>\s</c>: ASCII only.
    /// </summary>
    internal static IEnumerable<long> ClosedBy(GiteaPullRequest pull)
    {
        foreach (System.Text.RegularExpressions.Match m in ClosingReference().Matches(pull.Body ?? string.Empty))
        {
            yield return long.Parse(m.Groups["n"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (pull.Head?.Ref is { } head && head.StartsWith("hermes/", StringComparison.Ordinal) && long.TryParse(head.AsSpan(head.LastIndexOf('/') + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long number))
        {
            yield return number;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?i)(?<![^\t\n\f\r (\[])(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):? [#!](?<n>[0-9]+)(?=[\t\n\f\r )\]'""]|[:;,.?!](?:[\t\n\f\r ]|\z)|\z)")]
    private static partial System.Text.RegularExpressions.Regex ClosingReference();
}
