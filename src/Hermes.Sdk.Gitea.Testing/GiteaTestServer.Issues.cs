using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hermes.Sdk.Gitea.Testing;

/// <summary>Issues, their comments and their timeline.</summary>
public sealed partial class GiteaTestServer
{
    private void MapIssues(RouteGroupBuilder api)
    {
        api.MapGet("/repos/issues/search", SearchIssuesAsync);
        api.MapGet("/repos/{owner}/{repo}/issues", ListIssuesAsync);
        api.MapPost("/repos/{owner}/{repo}/issues", CreateIssueAsync);
        api.MapGet("/repos/{owner}/{repo}/issues/{index:long}", (HttpContext c, string owner, string repo, long index) => WithIssue(c, owner, repo, index, (r, i) => WriteJsonAsync(c, ToIssue(r, i), Ctx.GiteaIssue)));
        api.MapPatch("/repos/{owner}/{repo}/issues/{index:long}", EditIssueAsync);
        api.MapGet("/repos/{owner}/{repo}/issues/{index:long}/comments", (HttpContext c, string owner, string repo, long index) => WithIssue(c, owner, repo, index, (r, i) => WriteJsonAsync(c, Snapshot(i.Comments), Ctx.ListGiteaComment)));
        api.MapPost("/repos/{owner}/{repo}/issues/{index:long}/comments", CreateCommentAsync);
        api.MapPatch("/repos/{owner}/{repo}/issues/comments/{id:long}", EditCommentAsync);
        api.MapGet("/repos/{owner}/{repo}/issues/{index:long}/timeline", TimelineAsync);
    }

    private GiteaIssue ToIssue(RepoState repo, IssueState i)
    {
        lock (_gate)
        {
            PullState? pull = i.IsPull ? repo.Pulls[i.Number] : null;
            return new GiteaIssue
            {
                Id = i.Id,
                Number = i.Number,
                Title = i.Title,
                Body = i.Body,
                State = i.State,
                User = i.Author,
                Labels = [.. i.Labels],
                Assignees = [.. i.Assignees],
                Comments = i.Comments.Count,
                CreatedAt = i.CreatedAt,
                UpdatedAt = i.UpdatedAt,
                ClosedAt = i.ClosedAt,
                PullRequest = pull is null ? null : new GiteaPullRequestMeta { Merged = pull.Merged },
                HtmlUrl = $"{repo.Repository.HtmlUrl}/issues/{i.Number}",
                Repository = new GiteaRepositoryMeta { Id = repo.Repository.Id, Name = repo.Repository.Name, Owner = repo.Repository.Owner?.Login ?? string.Empty, FullName = repo.Repository.FullName },
                ContentVersion = _options.Version >= GiteaTestVersion.Gitea126 ? i.ContentVersion : null,
            };
        }
    }

    /// <summary>
    /// The issue list: newest first; every match counted, only the page projected. The label filter is Gitea's:
    /// names resolve to this repository's label ids (routers/api/v1/repo/issue.go:398 GetLabelIDsInRepoByNames), an
    /// issue must carry every one of them (models/issues/issue_search.go:159-165, <c>count(*) = N</c>), and when no
    /// name resolves the filter is dropped and every issue matches.
    /// </summary>
    private Task ListIssuesAsync(HttpContext c, string owner, string repo) => WithRepo(c, owner, repo, r =>
    {
        (int skip, int limit) = Window(c);
        var page = new List<GiteaIssue>();
        int total = 0;
        lock (_gate)
        {
            var filter = new IssueFilter(c.Request.Query, LabelIdsByName(r, c.Request.Query["labels"].FirstOrDefault()), allOf: true);
            for (int n = r.Issues.Count - 1; n >= 0; n--)
            {
                if (filter.Matches(r.Issues[n]) && total++ >= skip && page.Count < limit)
                {
                    page.Add(ToIssue(r, r.Issues[n]));
                }
            }
        }

        return WritePageAsync(c, page, total, Ctx.ListGiteaIssue);
    });

    /// <summary>
    /// <c>/repos/issues/search</c>: across the repositories the caller can see, most recently updated first; its label
    /// filter is any-of (IncludedAnyLabelIDs, issue.go:252) and its limit is not clamped (issue.go:240).
    /// </summary>
    private Task SearchIssuesAsync(HttpContext c)
    {
        List<GiteaIssue> page;
        int total;
        string? owner = c.Request.Query["owner"].FirstOrDefault();
        UserState? caller = CallerOrNull(c);
        lock (_gate)
        {
            var matches = _repos.Values
                .Where(r => PermissionOn(r, caller) is not null)
                .Where(r => owner is null || string.Equals(r.Repository.Owner?.Login, owner, StringComparison.OrdinalIgnoreCase))
                .SelectMany(r =>
                {
                    var filter = new IssueFilter(c.Request.Query, LabelIdsByName(r, c.Request.Query["labels"].FirstOrDefault()), allOf: false);
                    return r.Issues.Where(filter.Matches).Select(i => (r, i));
                })
                .OrderByDescending(x => x.i.UpdatedAt)
                .ToList();
            (page, total) = (PageOf(c, matches, x => ToIssue(x.r, x.i), clamp: false), matches.Count);
        }

        return WritePageAsync(c, page, total, Ctx.ListGiteaIssue, clamp: false);
    }

    /// <summary>Every id of every label named in a comma-separated filter (duplicates included), or null when no filter was asked for.</summary>
    private static HashSet<long>? LabelIdsByName(RepoState repo, string? names)
    {
        if (string.IsNullOrEmpty(names))
        {
            return null;
        }

        HashSet<string> wanted = new(names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
        return [.. repo.Labels.Where(l => wanted.Contains(l.Name)).Select(l => l.Id)];
    }

    /// <summary>Gitea's issue filters: state (default open), label ids (all-of or any-of; none resolved means no filter), type, assignee, q.</summary>
    private sealed class IssueFilter(IQueryCollection query, HashSet<long>? labelIds, bool allOf)
    {
        private readonly string _state = query["state"].FirstOrDefault() ?? "open";
        private readonly string? _type = query["type"].FirstOrDefault();
        private readonly string? _assignee = query["assigned_by"].FirstOrDefault();
        private readonly string? _q = query["q"].FirstOrDefault();

        public bool Matches(IssueState i) =>
            (_state == "all" || i.State == _state)
            && (_type is null || (_type == "pulls") == i.IsPull)
            && (_assignee is null || i.Assignees.Exists(a => string.Equals(a.Login, _assignee, StringComparison.OrdinalIgnoreCase)))
            && (_q is null || i.Title.Contains(_q, StringComparison.OrdinalIgnoreCase) || (i.Body?.Contains(_q, StringComparison.OrdinalIgnoreCase) ?? false))
            && LabelsMatch(i.Labels);

        private bool LabelsMatch(List<GiteaLabel> labels)
        {
            if (labelIds is not { Count: > 0 })
            {
                return true;
            }

            // Every list scans every issue, as an unindexed query would: no allocation per row (a database has the index).
            int carried = 0;
            for (int n = 0; n < labels.Count; n++)
            {
                carried += labelIds.Contains(labels[n].Id) ? 1 : 0;
            }

            return allOf ? carried == labelIds.Count : carried > 0;
        }
    }

    private async Task CreateIssueAsync(HttpContext c, string owner, string repo)
    {
        CreateIssueOption? body = await ReadAsync(c, Ctx.CreateIssueOption).ConfigureAwait(false);
        await WithRepo(c, owner, repo, r =>
        {
            if (body is null || string.IsNullOrWhiteSpace(body.Title))
            {
                return WriteErrorAsync(c, 422, "Title: required");
            }

            // Only writers may set labels and assignees on a new issue; anyone who can read may open one.
            bool writer;
            lock (_gate)
            {
                writer = PermissionOn(r, Caller(c)) >= GiteaTestAccess.Write;
            }

            IssueState issue;
            lock (_gate)
            {
                issue = new IssueState { Id = NextId(), Number = r.NextIndex, Title = body.Title, Body = body.Body, Author = Caller(c).User };
                if (writer)
                {
                    issue.Labels.AddRange(r.Labels.Where(l => body.Labels?.Contains(l.Id) == true));
                    issue.Assignees.AddRange((body.Assignees ?? []).Where(_users.ContainsKey).Select(a => _users[a].User));
                }
                if (body.Closed == true)
                {
                    issue.State = "closed";
                    issue.ClosedAt = DateTimeOffset.UtcNow;
                }

                r.Issues.Add(issue);
            }

            return WriteJsonAsync(c, ToIssue(r, issue), Ctx.GiteaIssue, 201);
        }, readerMayWrite: true).ConfigureAwait(false);
    }

    /// <summary>
    /// PATCH issue (routers/api/v1/repo/issue.go EditIssue): the poster or a writer; 201. Title and body are written
    /// first; from 1.26 a <c>content_version</c> sent with a body must equal the issue's or the edit is 409 (an atomic
    /// <c>UPDATE … WHERE content_version = ?</c>, models/issues/issue_update.go:306). Assignees replace the set, only for
    /// writers (ignored otherwise); an unknown user is a 500 (GetUserByName's error through APIErrorInternal), after the
    /// title and body were already written.
    /// </summary>
    private async Task EditIssueAsync(HttpContext c, string owner, string repo, long index)
    {
        EditIssueOption? body = await ReadAsync(c, Ctx.EditIssueOption).ConfigureAwait(false);
        await WithIssue(c, owner, repo, index, (r, i) =>
        {
            if (body is null)
            {
                return WriteErrorAsync(c, 422, "invalid body");
            }

            lock (_gate)
            {
                UserState caller = Caller(c);
                bool writer = PermissionOn(r, caller) >= GiteaTestAccess.Write;
                if (!writer && i.Author.Id != caller.User.Id)
                {
                    return WriteErrorAsync(c, 403, string.Empty);
                }

                i.Title = body.Title ?? i.Title;
                if (body.Body is { } text)
                {
                    if (_options.Version >= GiteaTestVersion.Gitea126 && body.ContentVersion is { } expected && expected != i.ContentVersion)
                    {
                        return WriteErrorAsync(c, 409, "the issue is already changed");
                    }

                    i.Body = text;
                    i.ContentVersion++;
                }

                if (body.Assignees is { } assignees && writer)
                {
                    string? unknown = assignees.FirstOrDefault(a => !_users.ContainsKey(a));
                    if (unknown is not null)
                    {
                        i.UpdatedAt = DateTimeOffset.UtcNow;
                        return WriteErrorAsync(c, 500, string.Empty);
                    }

                    // Replaces the set; [] clears it. Each change is a timeline event.
                    List<GiteaUser> wanted = [.. assignees.Distinct(StringComparer.OrdinalIgnoreCase).Select(a => _users[a].User)];
                    foreach (GiteaUser gone in i.Assignees.Where(a => !wanted.Any(w => w.Id == a.Id)).ToList())
                    {
                        i.Assignees.Remove(gone);
                        RecordEvent(i, caller.User, "assignees", assignee: gone, added: false);
                    }

                    foreach (GiteaUser added in wanted.Where(w => !i.Assignees.Any(a => a.Id == w.Id)))
                    {
                        i.Assignees.Add(added);
                        RecordEvent(i, caller.User, "assignees", assignee: added);
                    }
                }

                if (body.State is { } state && state != i.State)
                {
                    i.State = state;
                    i.ClosedAt = state == "closed" ? DateTimeOffset.UtcNow : null;
                    RecordEvent(i, caller.User, state == "closed" ? "close" : "reopen");
                }

                i.UpdatedAt = DateTimeOffset.UtcNow;
            }

            return WriteJsonAsync(c, ToIssue(r, i), Ctx.GiteaIssue, 201);
        }, readerMayWrite: true).ConfigureAwait(false);
    }

    /// <summary>
    /// The timeline (routers/api/v1/repo/issue_comment.go ListIssueCommentsAndTimeline): ordered by
    /// <c>created_unix ASC, id ASC</c> with seconds' resolution (models/issues/comment.go:1134-1137) — so ids allocated
    /// before the row lock can show out of commit order — paged, with a count of this page only and no Link.
    /// </summary>
    private Task TimelineAsync(HttpContext c, string owner, string repo, long index) => WithIssue(c, owner, repo, index, (r, i) =>
    {
        List<GiteaTimelineEvent> events;
        lock (_gate)
        {
            // A comment's entry shows its current text.
            events = i.Timeline
                .Select(e => e.Type == "comment" && i.Comments.Find(x => x.Id == e.Id) is { } comment ? e with { Body = comment.Body, UpdatedAt = comment.UpdatedAt } : e)
                .OrderBy(e => e.CreatedAt.ToUnixTimeSeconds())
                .ThenBy(e => e.Id)
                .ToList();
        }

        return WritePageAsync(c, events, Ctx.ListGiteaTimelineEvent, PageHeaders.PageCountOnly);
    });

    private async Task CreateCommentAsync(HttpContext c, string owner, string repo, long index)
    {
        CreateIssueCommentOption? body = await ReadAsync(c, Ctx.CreateIssueCommentOption).ConfigureAwait(false);
        await WithIssue(c, owner, repo, index, (r, i) =>
        {
            if (body is null || string.IsNullOrWhiteSpace(body.Body))
            {
                return WriteErrorAsync(c, 422, "Body: required");
            }

            GiteaComment comment;
            lock (_gate)
            {
                long id = NextEventId();
                comment = new GiteaComment { Id = id, Body = body.Body, User = Caller(c).User, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, HtmlUrl = $"{r.Repository.HtmlUrl}/issues/{i.Number}#issuecomment-{id}" };
                i.Comments.Add(comment);
                RecordEvent(i, comment.User!, "comment", id: id, body: comment.Body);
            }

            return WriteJsonAsync(c, comment, Ctx.GiteaComment, 201);
        }, readerMayWrite: true).ConfigureAwait(false);
    }

    private async Task EditCommentAsync(HttpContext c, string owner, string repo, long id)
    {
        EditIssueCommentOption? body = await ReadAsync(c, Ctx.EditIssueCommentOption).ConfigureAwait(false);
        await WithRepo(c, owner, repo, r =>
        {
            lock (_gate)
            {
                foreach (IssueState issue in r.Issues)
                {
                    int at = issue.Comments.FindIndex(x => x.Id == id);
                    if (at >= 0)
                    {
                        if (body is null || string.IsNullOrWhiteSpace(body.Body))
                        {
                            return WriteErrorAsync(c, 422, "Body: required");
                        }

                        if (issue.Comments[at].User?.Login != Caller(c).User.Login && !Caller(c).User.IsAdmin)
                        {
                            return WriteErrorAsync(c, 403, "user is not the poster of this comment");
                        }

                        issue.Comments[at] = issue.Comments[at] with { Body = body.Body, UpdatedAt = DateTimeOffset.UtcNow };
                        return WriteJsonAsync(c, issue.Comments[at], Ctx.GiteaComment);
                    }
                }
            }

            return WriteErrorAsync(c, 404, "The target couldn't be found.");
        }, readerMayWrite: true).ConfigureAwait(false);
    }
}
