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
        api.MapGet("/version", (HttpContext c) => WriteJsonAsync(c, new GiteaServerVersion { Version = VersionString }, Ctx.GiteaServerVersion));
        api.MapGet("/settings/api", (HttpContext c) => WriteJsonAsync(c, new GiteaApiSettings { MaxResponseItems = MaxResponseItems, DefaultPagingNum = DefaultPagingNum }, Ctx.GiteaApiSettings));
        api.MapGet("/user", (HttpContext c) => WriteJsonAsync(c, Caller(c).User, Ctx.GiteaUser));

        api.MapGet("/user/repos", (HttpContext c) => WritePageAsync(c, ReposOf(Caller(c).User.Login), Ctx.ListGiteaRepository));
        api.MapGet("/users/{username}/repos", (HttpContext c, string username) => WritePageAsync(c, ReposOf(username), Ctx.ListGiteaRepository));
        api.MapGet("/orgs/{org}/repos", (HttpContext c, string org) => WritePageAsync(c, ReposOf(org), Ctx.ListGiteaRepository));
        api.MapPost("/user/repos", (HttpContext c) => CreateRepoAsync(c, Caller(c).User.Login));
        api.MapPost("/orgs/{org}/repos", (HttpContext c, string org) => CreateRepoAsync(c, org));
        api.MapGet("/repos/{owner}/{repo}", (HttpContext c, string owner, string repo) => WithRepo(c, owner, repo, r => WriteJsonAsync(c, r.Repository, Ctx.GiteaRepository)));
        api.MapPut("/repos/{owner}/{repo}/collaborators/{collaborator}", AddCollaboratorAsync);

        MapIssues(api);
        MapLabels(api);
        MapPulls(api);
        MapContents(api);
        MapReviews(api);

        api.MapPost("/admin/users", AdminCreateUserAsync);
        api.MapPost("/users/{username}/tokens", CreateTokenAsync);
    }

    private string VersionString => _options.Version switch
    {
        GiteaTestVersion.Gitea124 => "1.24.7",
        GiteaTestVersion.Gitea125 => "1.25.4",
        _ => "1.26.1",
    };

    private List<GiteaRepository> ReposOf(string owner)
    {
        lock (_gate)
        {
            return _repos.Values.Where(r => string.Equals(r.Repository.Owner?.Login, owner, StringComparison.OrdinalIgnoreCase)).Select(r => r.Repository).OrderBy(r => r.Id).ToList();
        }
    }

    /// <summary>PUT collaborators/{name}: repository admins only; 204 (routers/api/v1/repo/collaborators.go AddOrUpdateCollaborator).</summary>
    private async Task AddCollaboratorAsync(HttpContext c, string owner, string repo, string collaborator)
    {
        GiteaTestAccess permission = GiteaTestAccess.Write;
        using (JsonDocument? doc = await TryParseAsync(c).ConfigureAwait(false))
        {
            if (doc is not null && doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("permission", out JsonElement p) && p.ValueKind == JsonValueKind.String)
            {
                permission = p.GetString() switch { "read" => GiteaTestAccess.Read, "admin" => GiteaTestAccess.Admin, _ => GiteaTestAccess.Write };
            }
        }

        await WithRepo(c, owner, repo, r =>
        {
            lock (_gate)
            {
                if (PermissionOn(r, Caller(c)) != GiteaTestAccess.Admin)
                {
                    return WriteErrorAsync(c, 403, "user is not admin of this repository");
                }

                if (!_users.ContainsKey(collaborator))
                {
                    return WriteErrorAsync(c, 422, $"user does not exist [name: {collaborator}]");
                }

                r.Collaborators[collaborator] = permission;
            }

            return NoContent(c);
        }).ConfigureAwait(false);
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

    /// <summary>
    /// Runs <paramref name="action"/> on the repository once the caller is admitted to it (<see cref="AdmitAsync"/>);
    /// 404 for a repository that does not exist or that the caller may not see.
    /// </summary>
    private async Task WithRepo(HttpContext c, string owner, string repo, Func<RepoState, Task> action, bool readerMayWrite = false)
    {
        RepoState? state;
        lock (_gate)
        {
            _repos.TryGetValue($"{owner}/{repo}", out state);
        }

        if (state is null)
        {
            await WriteErrorAsync(c, 404, "The target couldn't be found.").ConfigureAwait(false);
            return;
        }

        if (await AdmitAsync(c, state, readerMayWrite).ConfigureAwait(false))
        {
            await action(state).ConfigureAwait(false);
        }
    }

    private Task WithIssue(HttpContext c, string owner, string repo, long index, Func<RepoState, IssueState, Task> action, bool readerMayWrite = false) =>
        WithChild(c, owner, repo, r => r.Find(index), action, readerMayWrite);

    private Task WithPull(HttpContext c, string owner, string repo, long index, Func<RepoState, PullState, Task> action, bool readerMayWrite = false) =>
        WithChild(c, owner, repo, r => r.Pulls.GetValueOrDefault(index), action, readerMayWrite);

    private Task WithChild<T>(HttpContext c, string owner, string repo, Func<RepoState, T?> find, Func<RepoState, T, Task> action, bool readerMayWrite = false)
        where T : class =>
        WithRepo(c, owner, repo, r =>
        {
            T? child;
            lock (_gate)
            {
                child = find(r);
            }

            return child is null ? WriteErrorAsync(c, 404, "The target couldn't be found.") : action(r, child);
        }, readerMayWrite);

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
                repo = CreateRepo(owner, body.Name, body.Description, body.Private ?? false, body.AutoInit ?? false).Repository;
            }
        }

        await (repo is null ? WriteErrorAsync(c, 409, "The repository with the same name already exists.") : WriteJsonAsync(c, repo, Ctx.GiteaRepository, 201)).ConfigureAwait(false);
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
