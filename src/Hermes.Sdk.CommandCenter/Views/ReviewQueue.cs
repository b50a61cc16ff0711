using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.CommandCenter;

/// <summary>An open pull request as the operator needs it: who, how old, where its review stands, what blocks it, whether it touches a sensitive surface.</summary>
internal sealed record ReviewRow(
    string Repository,
    long Number,
    string Title,
    string? Url,
    string Author,
    DateTimeOffset CreatedAt,
    TimeSpan Age,
    string ReviewState,
    string Checks,
    IReadOnlyList<string> FailingChecks,
    bool Mergeable,
    string? Blocking,
    IReadOnlyList<string> SensitiveFiles,
    bool Stale)
{
    /// <summary>Needs the operator's judgment rather than routine review: it touches a sensitive surface.</summary>
    public bool NeedsJudgment => SensitiveFiles.Count > 0;
}

/// <summary>The review queue: every open pull request, oldest first within what needs judgment first.</summary>
internal sealed record ReviewQueueView(DateTimeOffset At, IReadOnlyList<SourceStamp> Sources, IReadOnlyList<ReviewRow> PullRequests);

/// <summary>Builds the review queue from Gitea's pull requests, reviews and commit statuses.</summary>
internal static class ReviewQueue
{
    public static ReviewQueueView Build(IReadOnlyList<SourceReading<RepoSnapshot>> repos, CommandCenterOptions options, DateTimeOffset now)
    {
        var rows = new List<ReviewRow>();
        foreach (RepoSnapshot repo in repos.Select(r => r.Value).OfType<RepoSnapshot>())
        {
            foreach (PullInfo info in repo.Pulls)
            {
                rows.Add(Row(repo.Repository, info, options, now));
            }
        }

        return new ReviewQueueView(now, [.. repos.Select(r => r.Stamp(now))], [.. rows.OrderByDescending(r => r.NeedsJudgment).ThenByDescending(r => r.Age)]);
    }

    private static ReviewRow Row(string repository, PullInfo info, CommandCenterOptions options, DateTimeOffset now)
    {
        GiteaPullRequest pull = info.Pull;
        string review = ReviewState(info.Reviews);
        string checks = info.Status is { TotalCount: > 0 } or { Statuses.Count: > 0 } ? info.Status.State : "none";
        List<string> failing = [.. (info.Status?.Statuses ?? []).Where(s => s.Status is "failure" or "error").Select(s => s.Context ?? "(unnamed)")];
        string? blocking = pull.Draft ? "draft"
            : failing.Count > 0 ? $"checks failing: {string.Join(", ", failing)}"
            : checks == "pending" ? "checks pending"
            : review == "changes requested" ? "changes requested"
            : !pull.Mergeable ? "not mergeable (a conflict, or Gitea is still checking)"
            : review != "approved" ? "awaiting review"
            : null;
        List<string> sensitive = [.. info.Files.Where(f => IsSensitive(f, options.SensitivePaths))];
        return new ReviewRow(repository, pull.Number, pull.Title, pull.HtmlUrl, pull.User?.Login ?? "(unknown)", pull.CreatedAt, now - pull.CreatedAt, review, checks, failing, pull.Mergeable, blocking, sensitive, now - pull.CreatedAt > options.ReviewStaleAfter);
    }

    /// <summary>Each reviewer's latest verdict counts: changes requested wins over approval; comments alone are "commented".</summary>
    internal static string ReviewState(IReadOnlyList<GiteaPullReview> reviews)
    {
        List<string> latest = [.. reviews.Where(r => r.State is "APPROVED" or "REQUEST_CHANGES" or "COMMENT")
            .GroupBy(r => r.User?.Login ?? string.Empty, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.OrderBy(r => r.SubmittedAt).ThenBy(r => r.Id).Last().State)];
        return latest.Contains("REQUEST_CHANGES") ? "changes requested" : latest.Contains("APPROVED") ? "approved" : latest.Count > 0 ? "commented" : "awaiting review";
    }

    /// <summary>A file name anywhere (<c>SOUL.md</c>), a full path (<c>src/config.yaml</c>) or a folder (<c>.gitea/workflows/*</c>).</summary>
    internal static bool IsSensitive(string path, IEnumerable<string> patterns) => patterns.Any(p => p.EndsWith("/*", StringComparison.Ordinal)
        ? path.StartsWith(p[..^1], StringComparison.Ordinal)
        : p.Contains('/', StringComparison.Ordinal) ? path == p : Path.GetFileName(path) == p);
}
