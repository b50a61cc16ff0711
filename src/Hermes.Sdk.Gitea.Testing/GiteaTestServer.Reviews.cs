using Hermes.Sdk.Gitea.Testing.Git;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hermes.Sdk.Gitea.Testing;

/// <summary>
/// What a reviewer reads and writes on a pull request: its changed files, its diff, and reviews with line comments.
/// <list type="bullet">
/// <item>GET /pulls/{index}/files: the files the head changed since its merge base with the base, paged, with line
/// counts (routers/api/v1/repo/pull.go GetPullRequestFiles).</item>
/// <item>GET /pulls/{index}.diff: <c>git diff</c> between the merge base and the head, as text/plain.</item>
/// <item>POST /pulls/{index}/reviews (routers/api/v1/repo/pull_review.go CreatePullReview and
/// preparePullReviewType): 422 "approve your own pull is not allowed" / "reject your own pull is not allowed" for the
/// author; 422 when a COMMENT or REQUEST_CHANGES has neither body nor comments; an empty <c>commit_id</c> becomes the
/// head; each comment's line is <c>new_position</c>, or <c>-old_position</c> when that is set (<c>line =
/// c.OldLineNum * -1</c>), and it is served back as <c>position</c> or <c>original_position</c>
/// (services/convert/pull_review.go: <c>if comment.Line &lt; 0 { OldLineNum } else { LineNum }</c>).</item>
/// </list>
/// </summary>
public sealed partial class GiteaTestServer
{
    private void MapReviews(RouteGroupBuilder api)
    {
        api.MapGet("/repos/{owner}/{repo}/pulls/{index:long}/files", (HttpContext c, string owner, string repo, long index) => WithPull(c, owner, repo, index, (r, p) =>
        {
            List<GiteaChangedFile> files;
            lock (_gate)
            {
                (TestCommit head, TestCommit @base) = Tips(r, p);
                files = [.. TestGitRepository.Changes(@base, head).Select(change =>
                {
                    (int added, int deleted) = TestDiff.Count(change.Value.Old, change.Value.New);
                    string status = change.Value.Old is null ? "added" : change.Value.New is null ? "deleted" : "changed";
                    return new GiteaChangedFile { Filename = change.Key, Status = status, Additions = added, Deletions = deleted, Changes = added + deleted };
                })];
            }

            return WritePageAsync(c, files, Ctx.ListGiteaChangedFile);
        }));
        api.MapGet("/repos/{owner}/{repo}/pulls/{name}", (HttpContext c, string owner, string repo, string name) =>
        {
            int dot = name.LastIndexOf('.');
            if (dot < 0 || !long.TryParse(name[..dot], out long index) || name[(dot + 1)..] is not ("diff" or "patch"))
            {
                return WriteErrorAsync(c, 404, "The target couldn't be found.");
            }

            return WithPull(c, owner, repo, index, (r, p) =>
            {
                string diff;
                lock (_gate)
                {
                    (TestCommit head, TestCommit @base) = Tips(r, p);
                    diff = TestDiff.Unified(TestGitRepository.Changes(@base, head));
                }

                c.Response.ContentType = "text/plain; charset=utf-8";
                return c.Response.WriteAsync(diff);
            });
        });
        api.MapGet("/repos/{owner}/{repo}/pulls/{index:long}/reviews", (HttpContext c, string owner, string repo, long index) => WithPull(c, owner, repo, index, (r, p) => WritePageAsync(c, Snapshot(p.Reviews), Ctx.ListGiteaPullReview, PageHeaders.TotalOnly)));
        api.MapPost("/repos/{owner}/{repo}/pulls/{index:long}/reviews", CreateReviewAsync);
        api.MapGet("/repos/{owner}/{repo}/pulls/{index:long}/reviews/{id:long}/comments", (HttpContext c, string owner, string repo, long index, long id) => WithPull(c, owner, repo, index, (r, p) =>
        {
            List<GiteaPullReviewComment> comments;
            lock (_gate)
            {
                if (!p.Reviews.Any(x => x.Id == id))
                {
                    return WriteErrorAsync(c, 404, "The target couldn't be found.");
                }

                comments = [.. p.ReviewComments.Where(x => x.PullRequestReviewId == id)];
            }

            return WriteJsonAsync(c, comments, Ctx.ListGiteaPullReviewComment);
        }));
    }

    private async Task CreateReviewAsync(HttpContext c, string owner, string repo, long index)
    {
        CreatePullReviewOptions? body = await ReadAsync(c, Ctx.CreatePullReviewOptions).ConfigureAwait(false);
        await WithPull(c, owner, repo, index, (r, p) =>
        {
            string[] events = ["APPROVED", "REQUEST_CHANGES", "COMMENT", "PENDING"];
            if (body is null || !events.Contains(body.Event))
            {
                return WriteErrorAsync(c, 422, "event: must be APPROVED, REQUEST_CHANGES, COMMENT or PENDING");
            }

            GiteaUser reviewer = Caller(c).User;
            GiteaPullReview review;
            lock (_gate)
            {
                IssueState issue = r.Find(index)!;
                bool own = string.Equals(issue.Author?.Login, reviewer.Login, StringComparison.OrdinalIgnoreCase);
                if (own && body.Event is "APPROVED" or "REQUEST_CHANGES")
                {
                    return WriteErrorAsync(c, 422, body.Event == "APPROVED" ? "approve your own pull is not allowed" : "reject your own pull is not allowed");
                }

                if (body.Event is "COMMENT" or "REQUEST_CHANGES" && string.IsNullOrWhiteSpace(body.Body) && (body.Comments is null || body.Comments.Count == 0))
                {
                    return WriteErrorAsync(c, 422, $"review event {body.Event} requires a body or a comment");
                }

                (TestCommit head, TestCommit @base) = Tips(r, p);
                string commit = string.IsNullOrEmpty(body.CommitId) ? head.Sha : body.CommitId;
                // comments_count is the review's code comments (services/convert/pull_review.go: GetCodeCommentsCount).
                review = new GiteaPullReview { Id = NextId(), State = body.Event, Body = body.Body, User = reviewer, CommitId = commit, SubmittedAt = DateTimeOffset.UtcNow, CommentsCount = body.Comments?.Count ?? 0 };
                p.Reviews.Add(review);
                SortedDictionary<string, (string? Old, string? New)> changes = TestGitRepository.Changes(@base, head);
                foreach (CreatePullReviewComment comment in body.Comments ?? [])
                {
                    bool onOld = comment.OldPosition > 0;
                    long line = onOld ? comment.OldPosition : comment.NewPosition;
                    (string? old, string? now) = changes.TryGetValue(comment.Path, out var change) ? change : (null, null);
                    p.ReviewComments.Add(new GiteaPullReviewComment
                    {
                        Id = NextId(),
                        Body = comment.Body,
                        Path = comment.Path,
                        Position = onOld ? 0 : line,
                        OriginalPosition = onOld ? line : 0,
                        CommitId = commit,
                        PullRequestReviewId = review.Id,
                        User = reviewer,
                        DiffHunk = TestDiff.HunkAround(old, now, (int)line, onOld),
                    });
                }
            }

            return WriteJsonAsync(c, review, Ctx.GiteaPullReview);
        }, readerMayWrite: true).ConfigureAwait(false);
    }
}
