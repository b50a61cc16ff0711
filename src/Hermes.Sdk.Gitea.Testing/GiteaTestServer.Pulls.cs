using Hermes.Sdk.Gitea.Testing.Git;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hermes.Sdk.Gitea.Testing;

/// <summary>Pull requests and their merges, and commit statuses.</summary>
public sealed partial class GiteaTestServer
{
    private void MapPulls(RouteGroupBuilder api)
    {
        api.MapGet("/repos/{owner}/{repo}/pulls", (HttpContext c, string owner, string repo) => WithRepo(c, owner, repo, r =>
        {
            string state = c.Request.Query["state"].FirstOrDefault() ?? "open";
            List<GiteaPullRequest> pulls;
            lock (_gate)
            {
                pulls = r.Pulls.Keys.Select(n => ToPull(r, n)).Where(p => state == "all" || p.State == state).ToList();
            }

            return WritePageAsync(c, pulls, Ctx.ListGiteaPullRequest);
        }));
        api.MapPost("/repos/{owner}/{repo}/pulls", CreatePullAsync);
        api.MapGet("/repos/{owner}/{repo}/pulls/{index:long}", (HttpContext c, string owner, string repo, long index) => WithPull(c, owner, repo, index, (r, p) => WriteJsonAsync(c, ToPull(r, index), Ctx.GiteaPullRequest)));
        api.MapPatch("/repos/{owner}/{repo}/pulls/{index:long}", EditPullAsync);
        api.MapPost("/repos/{owner}/{repo}/pulls/{index:long}/merge", MergeAsync);
        api.MapGet("/repos/{owner}/{repo}/pulls/{index:long}/merge", (HttpContext c, string owner, string repo, long index) => WithPull(c, owner, repo, index, (r, p) => p.Merged ? NoContent(c) : WriteErrorAsync(c, 404, "The target couldn't be found.")));
        api.MapPost("/repos/{owner}/{repo}/pulls/{index:long}/update", UpdatePullAsync);

        api.MapPost("/repos/{owner}/{repo}/statuses/{sha}", CreateStatusAsync);
        api.MapGet("/repos/{owner}/{repo}/commits/{reference}/status", CombinedStatusAsync);
    }

    private GiteaPullRequest ToPull(RepoState repo, long index)
    {
        lock (_gate)
        {
            IssueState i = repo.Find(index)!;
            PullState p = repo.Pulls[index];
            (TestCommit head, TestCommit @base) = Tips(repo, p);
            return new GiteaPullRequest
            {
                Id = p.Id,
                Number = i.Number,
                Title = i.Title,
                Body = i.Body,
                State = i.State,
                User = i.Author,
                Head = new GiteaBranchInfo { Ref = p.HeadRef, Sha = head.Sha, Label = p.HeadRef, RepoId = repo.Repository.Id },
                Base = new GiteaBranchInfo { Ref = p.BaseRef, Sha = @base.Sha, Label = p.BaseRef, RepoId = repo.Repository.Id },
                Mergeable = p.Mergeability == TestMergeability.Mergeable && !p.Merged,
                Merged = p.Merged,
                MergedAt = p.MergedAt,
                MergeCommitSha = p.MergeCommitSha,
                Labels = [.. i.Labels],
                HtmlUrl = $"{repo.Repository.HtmlUrl}/pulls/{i.Number}",
                Assignees = [.. i.Assignees],
                RequestedReviewers = [],
                CreatedAt = i.CreatedAt,
                UpdatedAt = i.UpdatedAt,
            };
        }
    }

    /// <summary>
    /// A pull request's head and base commits: the branches' tips while it is open, as they were when it was merged
    /// after. (A branch deleted under an open pull request leaves it showing the base as its head.)
    /// </summary>
    private static (TestCommit Head, TestCommit Base) Tips(RepoState repo, PullState p)
    {
        if (p.MergedHead is not null)
        {
            return (p.MergedHead, p.MergedBase!);
        }

        TestCommit @base = repo.Git.Branch(p.BaseRef) ?? throw new InvalidOperationException($"the base branch {p.BaseRef} is gone");
        return (repo.Git.Branch(p.HeadRef) ?? @base, @base);
    }

    private async Task CreatePullAsync(HttpContext c, string owner, string repo)
    {
        CreatePullRequestOption? body = await ReadAsync(c, Ctx.CreatePullRequestOption).ConfigureAwait(false);
        await WithRepo(c, owner, repo, r =>
        {
            if (body is null || string.IsNullOrWhiteSpace(body.Head) || string.IsNullOrWhiteSpace(body.Base) || string.IsNullOrWhiteSpace(body.Title))
            {
                return WriteErrorAsync(c, 422, "Head, Base, Title: required");
            }

            long number;
            lock (_gate)
            {
                // routers/api/v1/repo/pull.go parseCompareInfo: an unknown head or base branch is 404.
                if (r.Git.Branch(body.Head) is null || r.Git.Branch(body.Base) is null)
                {
                    return WriteErrorAsync(c, 404, "The target couldn't be found.");
                }

                if (r.Pulls.Any(p => p.Value.HeadRef == body.Head && p.Value.BaseRef == body.Base && r.Find(p.Key)!.State == "open"))
                {
                    return WriteErrorAsync(c, 409, $"pull request already exists for these targets [head: {body.Head}, base: {body.Base}]");
                }

                var issue = new IssueState { Id = NextId(), Number = r.NextIndex, Title = body.Title, Body = body.Body, Author = Caller(c).User, IsPull = true };
                issue.Labels.AddRange(r.Labels.Where(l => body.Labels?.Contains(l.Id) == true));
                r.Issues.Add(issue);
                r.Pulls.Add(issue.Number, new PullState { Id = NextId(), HeadRef = body.Head, BaseRef = body.Base });
                number = issue.Number;
            }

            return WriteJsonAsync(c, ToPull(r, number), Ctx.GiteaPullRequest, 201);
        }, readerMayWrite: true).ConfigureAwait(false);
    }

    private async Task EditPullAsync(HttpContext c, string owner, string repo, long index)
    {
        EditPullRequestOption? body = await ReadAsync(c, Ctx.EditPullRequestOption).ConfigureAwait(false);
        await WithPull(c, owner, repo, index, (r, p) =>
        {
            lock (_gate)
            {
                IssueState i = r.Find(index)!;
                if (body?.State is { } state && state != i.State)
                {
                    if (p.Merged)
                    {
                        return WriteErrorAsync(c, 412, "cannot change state of this pull request, it was already merged");
                    }

                    i.State = state;
                    i.ClosedAt = state == "closed" ? DateTimeOffset.UtcNow : null;
                }

                i.Title = body?.Title ?? i.Title;
                i.Body = body?.Body ?? i.Body;
                i.UpdatedAt = DateTimeOffset.UtcNow;
            }

            return WriteJsonAsync(c, ToPull(r, index), Ctx.GiteaPullRequest, 201);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Gitea's merge (routers/api/v1/repo/pull.go MergePullRequest): 405 when already merged — "The PR is already
    /// merged" from 1.25 (pull.go:974, services/pull/check.go:138 checks HasMerged first), an empty message in 1.24 —;
    /// 404 when closed; 405 "Please try again later" for any status but mergeable, a conflict the background check
    /// already found included (check.go:164-165); 409 for a conflict met while merging, its body the Go error struct
    /// rather than {message,url} (pull.go:1052-1058), and "head out of date" (pull.go:1062); 200 with an empty body.
    /// </summary>
    private async Task MergeAsync(HttpContext c, string owner, string repo, long index)
    {
        MergePullRequestOption? body = await ReadAsync(c, Ctx.MergePullRequestOption).ConfigureAwait(false);
        await WithPull(c, owner, repo, index, (r, p) =>
        {
            string[] styles = ["merge", "rebase", "rebase-merge", "squash", "fast-forward-only", "manually-merged"];
            if (body is null || !styles.Contains(body.Do))
            {
                return WriteErrorAsync(c, 422, "Do: must be one of merge, rebase, rebase-merge, squash, fast-forward-only, manually-merged");
            }

            lock (_gate)
            {
                IssueState i = r.Find(index)!;
                if (p.Merged)
                {
                    return WriteErrorAsync(c, 405, _options.Version == GiteaTestVersion.Gitea124 ? string.Empty : "The PR is already merged");
                }

                if (i.State == "closed")
                {
                    return WriteErrorAsync(c, 404, "not found");
                }

                switch (p.Mergeability)
                {
                    case TestMergeability.Checking or TestMergeability.Conflict:
                        return WriteErrorAsync(c, 405, "Please try again later");
                    case TestMergeability.ConflictWhileMerging:
                        c.Response.StatusCode = 409;
                        c.Response.ContentType = "application/json;charset=utf-8";
                        return c.Response.WriteAsync("""{"Style":"merge","StdOut":"","StdErr":"CONFLICT (content): Merge conflict in README.md\n","Err":{}}""");
                }

                (TestCommit head, TestCommit @base) = Tips(r, p);
                if (body.HeadCommitId is { Length: > 0 } expected && expected != head.Sha)
                {
                    return WriteErrorAsync(c, 409, "head out of date");
                }

                TestCommit merged = r.Git.Merge(@base, head, body.MergeMessageField ?? $"Merge pull request '{i.Title}' (#{i.Number})", Caller(c).User);
                r.Git.SetBranch(p.BaseRef, merged);
                p.MergedHead = head;
                p.MergedBase = @base;
                p.Merged = true;
                p.MergedAt = DateTimeOffset.UtcNow;
                p.MergeCommitSha = merged.Sha;
                i.State = "closed";
                i.ClosedAt = p.MergedAt;
            }

            c.Response.StatusCode = 200;
            return Task.CompletedTask;
        }).ConfigureAwait(false);
    }

    private Task UpdatePullAsync(HttpContext c, string owner, string repo, long index) => WithPull(c, owner, repo, index, (r, p) =>
    {
        lock (_gate)
        {
            if (p.Merged || r.Find(index)!.State == "closed")
            {
                return WriteErrorAsync(c, 422, "pull request is closed or merged");
            }

            if (p.Mergeability is TestMergeability.Conflict or TestMergeability.ConflictWhileMerging)
            {
                return WriteErrorAsync(c, 409, c.Request.Query["style"] == "rebase" ? "rebase failed because of conflict" : "merge failed because of conflict");
            }

            (TestCommit head, TestCommit @base) = Tips(r, p);
            r.Git.SetBranch(p.HeadRef, r.Git.Merge(head, @base, $"Merge branch '{p.BaseRef}' into {p.HeadRef}", Caller(c).User));
        }

        c.Response.StatusCode = 200;
        return Task.CompletedTask;
    });

    private async Task CreateStatusAsync(HttpContext c, string owner, string repo, string sha)
    {
        CreateStatusOption? body = await ReadAsync(c, Ctx.CreateStatusOption).ConfigureAwait(false);
        await WithRepo(c, owner, repo, r =>
        {
            string[] states = ["pending", "success", "error", "failure", "warning", "skipped"];
            if (body is null || !states.Contains(body.State))
            {
                return WriteErrorAsync(c, 400, "state: must be pending, success, error, failure, warning or skipped");
            }

            GiteaCommitStatus status;
            lock (_gate)
            {
                status = new GiteaCommitStatus { Id = NextId(), Status = body.State, Context = body.Context ?? "default", Description = body.Description, TargetUrl = body.TargetUrl, Creator = Caller(c).User, CreatedAt = DateTimeOffset.UtcNow };
                if (!r.Statuses.TryGetValue(sha, out List<GiteaCommitStatus>? list))
                {
                    r.Statuses[sha] = list = [];
                }

                list.Add(status);
            }

            return WriteJsonAsync(c, status, Ctx.GiteaCommitStatus, 201);
        }).ConfigureAwait(false);
    }

    private Task CombinedStatusAsync(HttpContext c, string owner, string repo, string reference) => WithRepo(c, owner, repo, r =>
    {
        GiteaCombinedStatus combined;
        lock (_gate)
        {
            // A ref may be a branch: its tip's statuses are the ref's.
            string sha = r.Git.Resolve(reference)?.Sha ?? reference;
            List<GiteaCommitStatus> latest = (r.Statuses.GetValueOrDefault(sha) ?? []).GroupBy(s => s.Context).Select(g => g.Last()).ToList();
            string[] worstFirst = ["error", "failure", "pending", "warning", "success", "skipped"];
            string state = latest.Count == 0 ? "pending" : worstFirst.First(w => latest.Any(s => s.Status == w));
            combined = new GiteaCombinedStatus { Sha = sha, State = state, Statuses = latest, TotalCount = latest.Count };
        }

        return WriteJsonAsync(c, combined, Ctx.GiteaCombinedStatus);
    });
}
