using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hermes.Sdk.Gitea.Testing;

public sealed partial class GiteaTestServer
{
    private static readonly GiteaJsonContext Ctx = GiteaJsonContext.Default;

    private void Map(RouteGroupBuilder api)
    {
        api.MapGet("/version", (HttpContext c) => WriteJsonAsync(c, new GiteaServerVersion { Version = "1.26.1" }, Ctx.GiteaServerVersion));
        api.MapGet("/settings/api", (HttpContext c) => WriteJsonAsync(c, new GiteaApiSettings { MaxResponseItems = MaxResponseItems, DefaultPagingNum = DefaultPagingNum }, Ctx.GiteaApiSettings));
        api.MapGet("/user", (HttpContext c) => WriteJsonAsync(c, Caller(c).User, Ctx.GiteaUser));

        api.MapGet("/user/repos", (HttpContext c) => WritePageAsync(c, ReposOf(Caller(c).User.Login), Ctx.ListGiteaRepository));
        api.MapGet("/users/{username}/repos", (HttpContext c, string username) => WritePageAsync(c, ReposOf(username), Ctx.ListGiteaRepository));
        api.MapGet("/orgs/{org}/repos", (HttpContext c, string org) => WritePageAsync(c, ReposOf(org), Ctx.ListGiteaRepository));
        api.MapPost("/user/repos", (HttpContext c) => CreateRepoAsync(c, Caller(c).User.Login));
        api.MapPost("/orgs/{org}/repos", (HttpContext c, string org) => CreateRepoAsync(c, org));
        api.MapGet("/repos/{owner}/{repo}", (HttpContext c, string owner, string repo) => WithRepo(c, owner, repo, r => WriteJsonAsync(c, r.Repository, Ctx.GiteaRepository)));

        api.MapGet("/repos/issues/search", SearchIssuesAsync);
        api.MapGet("/repos/{owner}/{repo}/issues", ListIssuesAsync);
        api.MapPost("/repos/{owner}/{repo}/issues", CreateIssueAsync);
        api.MapGet("/repos/{owner}/{repo}/issues/{index:long}", (HttpContext c, string owner, string repo, long index) => WithIssue(c, owner, repo, index, (r, i) => WriteJsonAsync(c, ToIssue(r, i), Ctx.GiteaIssue)));
        api.MapPatch("/repos/{owner}/{repo}/issues/{index:long}", EditIssueAsync);

        api.MapGet("/repos/{owner}/{repo}/labels", (HttpContext c, string owner, string repo) => WithRepo(c, owner, repo, r => WritePageAsync(c, Snapshot(r.Labels), Ctx.ListGiteaLabel)));
        api.MapPost("/repos/{owner}/{repo}/labels", CreateLabelAsync);
        api.MapGet("/repos/{owner}/{repo}/issues/{index:long}/labels", (HttpContext c, string owner, string repo, long index) => WithIssue(c, owner, repo, index, (r, i) => WriteJsonAsync(c, Snapshot(i.Labels), Ctx.ListGiteaLabel)));
        api.MapPost("/repos/{owner}/{repo}/issues/{index:long}/labels", (HttpContext c, string owner, string repo, long index) => ChangeLabelsAsync(c, owner, repo, index, replace: false));
        api.MapPut("/repos/{owner}/{repo}/issues/{index:long}/labels", (HttpContext c, string owner, string repo, long index) => ChangeLabelsAsync(c, owner, repo, index, replace: true));
        api.MapDelete("/repos/{owner}/{repo}/issues/{index:long}/labels", (HttpContext c, string owner, string repo, long index) => WithIssue(c, owner, repo, index, (r, i) =>
        {
            lock (_gate)
            {
                foreach (GiteaLabel label in i.Labels)
                {
                    RecordEvent(i, Caller(c).User, "label", label, added: false);
                }

                i.Labels.Clear();
                i.UpdatedAt = DateTimeOffset.UtcNow;
            }

            return NoContent(c);
        }));
        api.MapDelete("/repos/{owner}/{repo}/issues/{index:long}/labels/{id:long}", (HttpContext c, string owner, string repo, long index, long id) => WithIssue(c, owner, repo, index, (r, i) =>
        {
            lock (_gate)
            {
                GiteaLabel? label = i.Labels.Find(l => l.Id == id);
                if (label is null)
                {
                    return WriteErrorAsync(c, 404, "not found");
                }

                i.Labels.Remove(label);
                RecordEvent(i, Caller(c).User, "label", label, added: false);
            }

            return NoContent(c);
        }));

        api.MapGet("/repos/{owner}/{repo}/issues/{index:long}/comments", (HttpContext c, string owner, string repo, long index) => WithIssue(c, owner, repo, index, (r, i) => WriteJsonAsync(c, Snapshot(i.Comments), Ctx.ListGiteaComment)));
        api.MapPost("/repos/{owner}/{repo}/issues/{index:long}/comments", CreateCommentAsync);
        api.MapPatch("/repos/{owner}/{repo}/issues/comments/{id:long}", EditCommentAsync);
        api.MapGet("/repos/{owner}/{repo}/issues/{index:long}/timeline", (HttpContext c, string owner, string repo, long index) => WithIssue(c, owner, repo, index, (r, i) =>
        {
            List<GiteaTimelineEvent> events;
            lock (_gate)
            {
                // A comment's entry shows its current text.
                events = i.Timeline.Select(e => e.Type == "comment" && i.Comments.Find(x => x.Id == e.Id) is { } comment ? e with { Body = comment.Body, UpdatedAt = comment.UpdatedAt } : e).ToList();
            }

            return WritePageAsync(c, events, Ctx.ListGiteaTimelineEvent);
        }));

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
        api.MapGet("/repos/{owner}/{repo}/pulls/{index:long}/merge", (HttpContext c, string owner, string repo, long index) => WithPull(c, owner, repo, index, (r, p) => p.Merged ? NoContent(c) : WriteErrorAsync(c, 404, "not found")));
        api.MapPost("/repos/{owner}/{repo}/pulls/{index:long}/update", UpdatePullAsync);
        api.MapGet("/repos/{owner}/{repo}/pulls/{index:long}/reviews", (HttpContext c, string owner, string repo, long index) => WithPull(c, owner, repo, index, (r, p) => WritePageAsync(c, Snapshot(p.Reviews), Ctx.ListGiteaPullReview)));
        api.MapPost("/repos/{owner}/{repo}/pulls/{index:long}/reviews", CreateReviewAsync);

        api.MapPost("/repos/{owner}/{repo}/statuses/{sha}", CreateStatusAsync);
        api.MapGet("/repos/{owner}/{repo}/commits/{reference}/status", CombinedStatusAsync);

        api.MapPost("/admin/users", AdminCreateUserAsync);
        api.MapPost("/users/{username}/tokens", CreateTokenAsync);
    }

    private List<GiteaRepository> ReposOf(string owner)
    {
        lock (_gate)
        {
            return _repos.Values.Where(r => string.Equals(r.Repository.Owner?.Login, owner, StringComparison.OrdinalIgnoreCase)).Select(r => r.Repository).OrderBy(r => r.Id).ToList();
        }
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }

    private static Task NoContent(HttpContext c)
    {
        c.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private Task WithRepo(HttpContext c, string owner, string repo, Func<RepoState, Task> action)
    {
        RepoState? state;
        lock (_gate)
        {
            _repos.TryGetValue($"{owner}/{repo}", out state);
        }

        return state is null ? WriteErrorAsync(c, 404, "not found") : action(state);
    }

    private Task WithIssue(HttpContext c, string owner, string repo, long index, Func<RepoState, IssueState, Task> action) =>
        WithChild(c, owner, repo, r => r.Find(index), action);

    private Task WithPull(HttpContext c, string owner, string repo, long index, Func<RepoState, PullState, Task> action) =>
        WithChild(c, owner, repo, r => r.Pulls.GetValueOrDefault(index), action);

    private Task WithChild<T>(HttpContext c, string owner, string repo, Func<RepoState, T?> find, Func<RepoState, T, Task> action)
        where T : class =>
        WithRepo(c, owner, repo, r =>
        {
            T? child;
            lock (_gate)
            {
                child = find(r);
            }

            return child is null ? WriteErrorAsync(c, 404, "not found") : action(r, child);
        });

    private async Task CreateRepoAsync(HttpContext c, string owner)
    {
        CreateRepoOption? body = await ReadAsync(c, Ctx.CreateRepoOption).ConfigureAwait(false);
        if (body is null || string.IsNullOrWhiteSpace(body.Name))
        {
            await WriteErrorAsync(c, 422, "Name: required").ConfigureAwait(false);
            return;
        }

        GiteaRepository repo;
        lock (_gate)
        {
            if (_repos.ContainsKey($"{owner}/{body.Name}"))
            {
                repo = null!;
            }
            else
            {
                repo = CreateRepo(owner, body.Name, body.Description, body.Private ?? false).Repository;
            }
        }

        await (repo is null ? WriteErrorAsync(c, 409, "The repository with the same name already exists.") : WriteJsonAsync(c, repo, Ctx.GiteaRepository, 201)).ConfigureAwait(false);
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
            };
        }
    }

    private GiteaPullRequest ToPull(RepoState repo, long index)
    {
        lock (_gate)
        {
            IssueState i = repo.Find(index)!;
            PullState p = repo.Pulls[index];
            return new GiteaPullRequest
            {
                Id = p.Id,
                Number = i.Number,
                Title = i.Title,
                Body = i.Body,
                State = i.State,
                User = i.Author,
                Head = new GiteaBranchInfo { Ref = p.HeadRef, Sha = p.HeadSha, Label = p.HeadRef, RepoId = repo.Repository.Id },
                Base = new GiteaBranchInfo { Ref = p.BaseRef, Sha = p.BaseSha, Label = p.BaseRef, RepoId = repo.Repository.Id },
                Mergeable = p.Mergeability == TestMergeability.Mergeable && !p.Merged,
                Merged = p.Merged,
                MergedAt = p.MergedAt,
                MergeCommitSha = p.MergeCommitSha,
                Labels = [.. i.Labels],
                HtmlUrl = $"{repo.Repository.HtmlUrl}/pulls/{i.Number}",
            };
        }
    }

    private Task ListIssuesAsync(HttpContext c, string owner, string repo) => WithRepo(c, owner, repo, r =>
    {
        var filter = new IssueFilter(c.Request.Query);
        (int skip, int limit) = Window(c);
        var page = new List<GiteaIssue>();
        int total = 0;
        lock (_gate)
        {
            // Newest first, as Gitea orders: the filing order backwards. Every match is counted, only the page projected.
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

    private Task SearchIssuesAsync(HttpContext c)
    {
        var filter = new IssueFilter(c.Request.Query);
        List<GiteaIssue> page;
        int total;
        string? owner = c.Request.Query["owner"].FirstOrDefault();
        lock (_gate)
        {
            var matches = _repos.Values
                .Where(r => owner is null || string.Equals(r.Repository.Owner?.Login, owner, StringComparison.OrdinalIgnoreCase))
                .SelectMany(r => r.Issues.Where(filter.Matches).Select(i => (r, i)))
                .OrderByDescending(x => x.i.UpdatedAt)
                .ToList();
            (page, total) = (PageOf(c, matches, x => ToIssue(x.r, x.i)), matches.Count);
        }

        return WritePageAsync(c, page, total, Ctx.ListGiteaIssue);
    }

    /// <summary>Gitea's issue filters, read once per request: state (default open), labels by name any-of (unknown names discarded), type, assignee, q.</summary>
    private sealed class IssueFilter(IQueryCollection query)
    {
        private readonly string _state = query["state"].FirstOrDefault() ?? "open";
        private readonly string? _type = query["type"].FirstOrDefault();
        private readonly string? _assignee = query["assigned_by"].FirstOrDefault();
        private readonly string? _q = query["q"].FirstOrDefault();
        private readonly HashSet<string> _labels = new((query["labels"].FirstOrDefault() ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);

        public bool Matches(IssueState i) =>
            (_state == "all" || i.State == _state)
            && (_type is null || (_type == "pulls") == i.IsPull)
            && (_assignee is null || i.Assignees.Exists(a => string.Equals(a.Login, _assignee, StringComparison.OrdinalIgnoreCase)))
            && (_q is null || i.Title.Contains(_q, StringComparison.OrdinalIgnoreCase) || (i.Body?.Contains(_q, StringComparison.OrdinalIgnoreCase) ?? false))
            && (_labels.Count == 0 || HasAny(i.Labels));

        private bool HasAny(List<GiteaLabel> labels)
        {
            foreach (GiteaLabel label in labels)
            {
                if (_labels.Contains(label.Name))
                {
                    return true;
                }
            }

            return false;
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

            IssueState issue;
            lock (_gate)
            {
                issue = new IssueState { Id = NextId(), Number = r.NextIndex, Title = body.Title, Body = body.Body, Author = Caller(c).User };
                issue.Labels.AddRange(r.Labels.Where(l => body.Labels?.Contains(l.Id) == true));
                issue.Assignees.AddRange((body.Assignees ?? []).Where(_users.ContainsKey).Select(a => _users[a].User));
                if (body.Closed == true)
                {
                    issue.State = "closed";
                    issue.ClosedAt = DateTimeOffset.UtcNow;
                }

                r.Issues.Add(issue);
            }

            return WriteJsonAsync(c, ToIssue(r, issue), Ctx.GiteaIssue, 201);
        }).ConfigureAwait(false);
    }

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
                if (body.Assignees is { } assignees)
                {
                    string? unknown = assignees.FirstOrDefault(a => !_users.ContainsKey(a));
                    if (unknown is not null)
                    {
                        return WriteErrorAsync(c, 422, $"user does not exist [name: {unknown}]");
                    }

                    // Replaces the set; [] clears it. Each change is a timeline event.
                    List<GiteaUser> wanted = [.. assignees.Distinct(StringComparer.OrdinalIgnoreCase).Select(a => _users[a].User)];
                    foreach (GiteaUser gone in i.Assignees.Where(a => !wanted.Any(w => w.Id == a.Id)).ToList())
                    {
                        i.Assignees.Remove(gone);
                        RecordEvent(i, Caller(c).User, "assignees", assignee: gone, added: false);
                    }

                    foreach (GiteaUser added in wanted.Where(w => !i.Assignees.Any(a => a.Id == w.Id)))
                    {
                        i.Assignees.Add(added);
                        RecordEvent(i, Caller(c).User, "assignees", assignee: added);
                    }
                }

                i.Title = body.Title ?? i.Title;
                i.Body = body.Body ?? i.Body;
                if (body.State is { } state && state != i.State)
                {
                    i.State = state;
                    i.ClosedAt = state == "closed" ? DateTimeOffset.UtcNow : null;
                    RecordEvent(i, Caller(c).User, state == "closed" ? "close" : "reopen");
                }

                i.UpdatedAt = DateTimeOffset.UtcNow;
            }

            return WriteJsonAsync(c, ToIssue(r, i), Ctx.GiteaIssue, 201); // Gitea answers 201 to edits
        }).ConfigureAwait(false);
    }

    private async Task CreateLabelAsync(HttpContext c, string owner, string repo)
    {
        CreateLabelOption? body = await ReadAsync(c, Ctx.CreateLabelOption).ConfigureAwait(false);
        await WithRepo(c, owner, repo, r =>
        {
            if (body is null || string.IsNullOrWhiteSpace(body.Name) || string.IsNullOrWhiteSpace(body.Color))
            {
                return WriteErrorAsync(c, 422, "Name, Color: required");
            }

            GiteaLabel label;
            lock (_gate)
            {
                if (r.Labels.Any(l => l.Name == body.Name))
                {
                    return WriteErrorAsync(c, 422, $"label already exists [name: {body.Name}]");
                }

                label = new GiteaLabel { Id = NextId(), Name = body.Name, Color = body.Color.TrimStart('#'), Description = body.Description, Exclusive = body.Exclusive ?? false };
                r.Labels.Add(label);
            }

            return WriteJsonAsync(c, label, Ctx.GiteaLabel, 201);
        }).ConfigureAwait(false);
    }

    /// <summary>Adds (POST) or replaces (PUT) labels: all ids or all names; unknown ones silently dropped; exclusive scopes enforced.</summary>
    private async Task ChangeLabelsAsync(HttpContext c, string owner, string repo, long index, bool replace)
    {
        JsonDocument? doc = null;
        try
        {
            doc = await JsonDocument.ParseAsync(c.Request.Body, cancellationToken: c.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
        }

        using (doc)
        {
            if (doc is null || !doc.RootElement.TryGetProperty("labels", out JsonElement labels) || labels.ValueKind != JsonValueKind.Array)
            {
                await WriteErrorAsync(c, 422, "labels: required").ConfigureAwait(false);
                return;
            }

            JsonElement[] items = [.. labels.EnumerateArray()];
            bool allNumbers = items.All(e => e.ValueKind == JsonValueKind.Number);
            bool allStrings = items.All(e => e.ValueKind == JsonValueKind.String);
            if (!allNumbers && !allStrings)
            {
                await WriteErrorAsync(c, 400, "labels should be an array of strings or integers").ConfigureAwait(false);
                return;
            }

            await WithIssue(c, owner, repo, index, (r, i) =>
            {
                lock (_gate)
                {
                    List<GiteaLabel> wanted = allNumbers
                        ? r.Labels.Where(l => items.Any(e => e.GetInt64() == l.Id)).ToList()
                        : r.Labels.Where(l => items.Any(e => e.GetString() == l.Name)).ToList();
                    GiteaUser doer = Caller(c).User;
                    void Remove(Predicate<GiteaLabel> match)
                    {
                        foreach (GiteaLabel gone in i.Labels.FindAll(match))
                        {
                            i.Labels.Remove(gone);
                            RecordEvent(i, doer, "label", gone, added: false);
                        }
                    }

                    if (replace)
                    {
                        Remove(l => !wanted.Any(w => w.Id == l.Id));
                    }

                    foreach (GiteaLabel label in wanted.Where(l => !i.Labels.Any(x => x.Id == l.Id)))
                    {
                        if (label.Exclusive && Scope(label.Name) is { } scope)
                        {
                            Remove(x => x.Exclusive && Scope(x.Name) == scope);
                        }

                        i.Labels.Add(label);
                        RecordEvent(i, doer, "label", label);
                    }

                    i.UpdatedAt = DateTimeOffset.UtcNow;
                }

                return WriteJsonAsync(c, Snapshot(i.Labels), Ctx.ListGiteaLabel);
            }).ConfigureAwait(false);
        }
    }

    private static string? Scope(string name) => name.LastIndexOf('/') is > 0 and var slash ? name[..slash] : null;

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
                long id = NextId();
                comment = new GiteaComment { Id = id, Body = body.Body, User = Caller(c).User, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, HtmlUrl = $"{r.Repository.HtmlUrl}/issues/{i.Number}#issuecomment-{id}" };
                i.Comments.Add(comment);
                RecordEvent(i, comment.User!, "comment", id: id, body: comment.Body);
            }

            return WriteJsonAsync(c, comment, Ctx.GiteaComment, 201);
        }).ConfigureAwait(false);
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

            return WriteErrorAsync(c, 404, "not found");
        }).ConfigureAwait(false);
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
        }).ConfigureAwait(false);
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

    /// <summary>Gitea's merge: 404 when closed, 405 (empty message) when already merged, 405 "try again later" while checking, 409 on conflict or a moved head, 200 empty.</summary>
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
                    return WriteErrorAsync(c, 405, string.Empty);
                }

                if (i.State == "closed")
                {
                    return WriteErrorAsync(c, 404, "not found");
                }

                switch (p.Mergeability)
                {
                    case TestMergeability.Checking:
                        return WriteErrorAsync(c, 405, "Please try again later");
                    case TestMergeability.Conflict:
                        return WriteErrorAsync(c, 409, "merge failed because of conflict");
                }

                if (body.HeadCommitId is { Length: > 0 } head && head != p.HeadSha)
                {
                    return WriteErrorAsync(c, 409, "head out of date");
                }

                p.Merged = true;
                p.MergedAt = DateTimeOffset.UtcNow;
                p.MergeCommitSha = NewSha();
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

            if (p.Mergeability == TestMergeability.Conflict)
            {
                return WriteErrorAsync(c, 409, c.Request.Query["style"] == "rebase" ? "rebase failed because of conflict" : "merge failed because of conflict");
            }

            p.HeadSha = NewSha();
        }

        c.Response.StatusCode = 200;
        return Task.CompletedTask;
    });

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

            GiteaPullReview review;
            lock (_gate)
            {
                review = new GiteaPullReview { Id = NextId(), State = body.Event, Body = body.Body, User = Caller(c).User, CommitId = body.CommitId ?? p.HeadSha, SubmittedAt = DateTimeOffset.UtcNow };
                p.Reviews.Add(review);
            }

            return WriteJsonAsync(c, review, Ctx.GiteaPullReview);
        }).ConfigureAwait(false);
    }

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
            // A ref may be a branch of an open pull request: resolve it to the head SHA.
            string sha = r.Pulls.Values.FirstOrDefault(p => p.HeadRef == reference)?.HeadSha ?? reference;
            List<GiteaCommitStatus> latest = (r.Statuses.GetValueOrDefault(sha) ?? []).GroupBy(s => s.Context).Select(g => g.Last()).ToList();
            string[] worstFirst = ["error", "failure", "pending", "warning", "success", "skipped"];
            string state = latest.Count == 0 ? "pending" : worstFirst.First(w => latest.Any(s => s.Status == w));
            combined = new GiteaCombinedStatus { Sha = sha, State = state, Statuses = latest, TotalCount = latest.Count };
        }

        return WriteJsonAsync(c, combined, Ctx.GiteaCombinedStatus);
    });

    private async Task AdminCreateUserAsync(HttpContext c)
    {
        if (!Caller(c).User.IsAdmin)
        {
            await WriteErrorAsync(c, 403, "reqSiteAdmin: user is not a site admin").ConfigureAwait(false);
            return;
        }

        // Gitea defaults must_change_password to true when it is absent from the body.
        bool mustChange = true;
        CreateUserOption? body = null;
        using (JsonDocument? doc = await TryParseAsync(c).ConfigureAwait(false))
        {
            if (doc is not null)
            {
                body = doc.RootElement.Deserialize(Ctx.CreateUserOption);
                mustChange = !doc.RootElement.TryGetProperty("must_change_password", out JsonElement m) || m.ValueKind == JsonValueKind.True;
            }
        }

        if (body is null || string.IsNullOrWhiteSpace(body.Username) || string.IsNullOrWhiteSpace(body.Email))
        {
            await WriteErrorAsync(c, 422, "Username, Email: required").ConfigureAwait(false);
            return;
        }

        if (body.Password is { Length: < 8 })
        {
            await WriteErrorAsync(c, 400, "password is too short").ConfigureAwait(false);
            return;
        }

        GiteaUser? user = null;
        lock (_gate)
        {
            if (!_users.ContainsKey(body.Username))
            {
                var state = new UserState(new GiteaUser { Id = NextId(), Login = body.Username, Email = body.Email, FullName = body.FullName, Active = true }, body.Password ?? string.Empty, mustChange);
                _users.Add(body.Username, state);
                user = state.User;
            }
        }

        await (user is null ? WriteErrorAsync(c, 422, "user already exists [name: " + body.Username + "]") : WriteJsonAsync(c, user, Ctx.GiteaUser, 201)).ConfigureAwait(false);
    }

    /// <summary>Token creation needs Basic auth as the user (or an admin); a token is refused with 401.</summary>
    private async Task CreateTokenAsync(HttpContext c, string username)
    {
        if (c.Items[BasicKey] is not true)
        {
            await WriteErrorAsync(c, 401, "auth required").ConfigureAwait(false);
            return;
        }

        UserState caller = Caller(c);
        CreateAccessTokenOption? body = await ReadAsync(c, Ctx.CreateAccessTokenOption).ConfigureAwait(false);
        if (body is null || string.IsNullOrWhiteSpace(body.Name))
        {
            await WriteErrorAsync(c, 422, "Name: required").ConfigureAwait(false);
            return;
        }

        GiteaAccessToken? token = null;
        string? error = null;
        lock (_gate)
        {
            if (!string.Equals(caller.User.Login, username, StringComparison.OrdinalIgnoreCase) && !caller.User.IsAdmin)
            {
                error = "403";
            }
            else if (!_users.TryGetValue(username, out UserState? owner))
            {
                error = "404";
            }
            else if (owner.TokenNames.Contains(body.Name))
            {
                error = "400";
            }
            else
            {
                token = IssueToken(owner, body.Name, body.Scopes ?? ["all"]);
            }
        }

        await (error switch
        {
            "403" => WriteErrorAsync(c, 403, "only the user or a site admin may create its tokens"),
            "404" => WriteErrorAsync(c, 404, "not found"),
            "400" => WriteErrorAsync(c, 400, "access token name has been used already"),
            _ => WriteJsonAsync(c, token!, Ctx.GiteaAccessToken, 201),
        }).ConfigureAwait(false);
    }

    private static async Task<JsonDocument?> TryParseAsync(HttpContext c)
    {
        try
        {
            return await JsonDocument.ParseAsync(c.Request.Body, cancellationToken: c.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
