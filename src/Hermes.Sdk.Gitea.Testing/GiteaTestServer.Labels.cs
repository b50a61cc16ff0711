using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hermes.Sdk.Gitea.Testing;

/// <summary>Repository labels and the labels of an issue.</summary>
public sealed partial class GiteaTestServer
{
    private void MapLabels(RouteGroupBuilder api)
    {
        api.MapGet("/repos/{owner}/{repo}/labels", (HttpContext c, string owner, string repo) => WithRepo(c, owner, repo, r => WritePageAsync(c, Snapshot(r.Labels), Ctx.ListGiteaLabel, PageHeaders.TotalOnly)));
        api.MapPost("/repos/{owner}/{repo}/labels", CreateLabelAsync);
        api.MapDelete("/repos/{owner}/{repo}/labels/{id:long}", DeleteRepoLabelAsync);
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
        api.MapDelete("/repos/{owner}/{repo}/issues/{index:long}/labels/{id:long}", RemoveIssueLabelAsync);
    }

    /// <summary>
    /// POST labels (routers/api/v1/repo/label.go:168): always a new label, 201 — Gitea does not check names are unique
    /// (models/issues/label.go NewLabel is a bare insert; go-gitea#37192, "won't fix").
    /// </summary>
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
                label = new GiteaLabel { Id = NextId(), Name = body.Name, Color = body.Color.TrimStart('#'), Description = body.Description, Exclusive = body.Exclusive ?? false };
                r.Labels.Add(label);
            }

            return WriteJsonAsync(c, label, Ctx.GiteaLabel, 201);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// DELETE an issue's label by id: an id that is no label at all is 422 (issue_label.go:184, GetLabelByID); a label
    /// the issue does not carry is 204 with no event and no change to <c>updated_at</c>
    /// (models/issues/issue_label.go:158-166 deletes nothing and returns nil).
    /// </summary>
    private Task RemoveIssueLabelAsync(HttpContext c, string owner, string repo, long index, long id) => WithIssue(c, owner, repo, index, (r, i) =>
    {
        lock (_gate)
        {
            if (!_repos.Values.Any(x => x.Labels.Exists(l => l.Id == id)))
            {
                return WriteErrorAsync(c, 422, $"label does not exist [label_id: {id}]");
            }

            if (i.Labels.Find(l => l.Id == id) is { } label)
            {
                i.Labels.Remove(label);
                RecordEvent(i, Caller(c).User, "label", label, added: false);
            }
        }

        return NoContent(c);
    });

    /// <summary>DELETE a repository label: gone from every issue (timeline entries keep a null label).</summary>
    private Task DeleteRepoLabelAsync(HttpContext c, string owner, string repo, long id) => WithRepo(c, owner, repo, r =>
    {
        lock (_gate)
        {
            if (r.Labels.RemoveAll(l => l.Id == id) == 0)
            {
                return WriteErrorAsync(c, 404, "The target couldn't be found.");
            }

            foreach (IssueState issue in r.Issues)
            {
                issue.Labels.RemoveAll(l => l.Id == id);
            }
        }

        return NoContent(c);
    });

    /// <summary>
    /// Adds (POST) or replaces (PUT) labels (routers/api/v1/repo/issue_label.go): all ids or all names, mixed is 400
    /// (:344); names resolve to every label of this repository with that name (duplicates included), ids to labels of
    /// this repository; unknown ones are silently dropped; exclusive scopes enforced; the answer is all the issue's
    /// labels, read after the write committed (:69-124).
    /// </summary>
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
            if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                await WriteErrorAsync(c, 422, "invalid body").ConfigureAwait(false);
                return;
            }

            // A missing "labels" is an empty list (the binding leaves it nil); anything but an array is a 400.
            JsonElement[] items = [];
            if (doc.RootElement.TryGetProperty("labels", out JsonElement labels) && labels.ValueKind != JsonValueKind.Null)
            {
                if (labels.ValueKind != JsonValueKind.Array)
                {
                    await WriteErrorAsync(c, 400, "labels should be an array of strings or integers").ConfigureAwait(false);
                    return;
                }

                items = [.. labels.EnumerateArray()];
            }

            bool allNumbers = items.All(e => e.ValueKind == JsonValueKind.Number);
            bool allStrings = items.All(e => e.ValueKind == JsonValueKind.String);
            if (!allNumbers && !allStrings)
            {
                await WriteErrorAsync(c, 400, "labels should be an array of strings or integers").ConfigureAwait(false);
                return;
            }

            await WithIssue(c, owner, repo, index, async (r, i) =>
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

                // The answer is a separate read after the commit (issue_label.go:117 GetLabelsByIssueID): other writes
                // may land in between.
                if (_options.BeforeCommitAsync is { } hold && CallerOrNull(c) is { } caller)
                {
                    await hold(new GiteaTestRequest(c.Request.Method, c.Request.Path.Value ?? string.Empty, caller.User.Login, ReadBack: true), c.RequestAborted).ConfigureAwait(false);
                }

                await WriteJsonAsync(c, Snapshot(i.Labels), Ctx.ListGiteaLabel).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
    }

    private static string? Scope(string name) => name.LastIndexOf('/') is > 0 and var slash ? name[..slash] : null;
}
