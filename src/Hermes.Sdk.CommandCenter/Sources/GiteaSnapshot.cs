using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.CommandCenter;

/// <summary>An open pull request with what the review queue needs: its reviews, the head's combined status and its changed files.</summary>
internal sealed record PullInfo(GiteaPullRequest Pull, IReadOnlyList<GiteaPullReview> Reviews, GiteaCombinedStatus? Status, IReadOnlyList<string> Files);

/// <summary>One repository as Gitea showed it: its open issues (without pull requests) and its open pull requests.</summary>
internal sealed record RepoSnapshot(string Repository, IReadOnlyList<GiteaIssue> Issues, IReadOnlyList<PullInfo> Pulls);

/// <summary>Reads a repository from Gitea with the machine's token — GETs only.</summary>
internal static class GiteaSnapshot
{
    public static async Task<Sourced<RepoSnapshot>> ReadAsync(GiteaClient gitea, string repository, TimeProvider time, CancellationToken ct)
    {
        string[] parts = repository.Split('/');
        (string owner, string repo) = (parts[0], parts[1]);
        var issues = new List<GiteaIssue>();
        await foreach (GiteaIssue issue in gitea.ListIssuesAsync(owner, repo, "open", cancellationToken: ct).ConfigureAwait(false))
        {
            if (issue.PullRequest is null)
            {
                issues.Add(issue);
            }
        }

        var pulls = new List<PullInfo>();
        await foreach (GiteaPullRequest pull in gitea.ListPullRequestsAsync(owner, repo, "open", ct).ConfigureAwait(false))
        {
            var reviews = new List<GiteaPullReview>();
            await foreach (GiteaPullReview review in gitea.ListReviewsAsync(owner, repo, pull.Number, ct).ConfigureAwait(false))
            {
                reviews.Add(review);
            }

            var files = new List<string>();
            await foreach (GiteaChangedFile file in gitea.ListPullRequestFilesAsync(owner, repo, pull.Number, ct).ConfigureAwait(false))
            {
                files.Add(file.Filename);
            }

            GiteaCombinedStatus? status = pull.Head?.Sha is { Length: > 0 } sha ? await gitea.Api.GetCombinedStatusAsync(owner, repo, sha, ct).ConfigureAwait(false) : null;
            pulls.Add(new PullInfo(pull, reviews, status, files));
        }

        return new Sourced<RepoSnapshot>(new RepoSnapshot(repository, issues, pulls), time.GetUtcNow());
    }
}
