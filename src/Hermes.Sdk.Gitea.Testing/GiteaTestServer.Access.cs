using Microsoft.AspNetCore.Http;

namespace Hermes.Sdk.Gitea.Testing;

/// <summary>A collaborator's permission on a repository.</summary>
public enum GiteaTestAccess
{
    /// <summary>Read: see the repository, open issues and comment (as any signed-in user of a public repository may).</summary>
    Read,

    /// <summary>Write: labels, assignees, merges, statuses — what the task queue needs.</summary>
    Write,

    /// <summary>Admin: also the repository's settings and collaborators.</summary>
    Admin,
}

/// <summary>
/// Gitea's access rules, in the order Gitea applies them (routers/api/v1/api.go at v1.26.1): an unknown token is 401
/// "invalid username, password or token"; a write without a token is 401 "token is required" (reqToken); a token
/// without a scope of the route's category is 403 (tokenRequiresScopes, before the repository is looked up); a private
/// repository the caller cannot see is 404 as if it did not exist (api.go:211, repoAssignment), a <c>public-only</c>
/// token on one is 403 (checkTokenPublicOnly); a write the caller may not make is 403 "write permission is required".
/// Anonymous reads of public repositories are allowed.
/// </summary>
public sealed partial class GiteaTestServer
{
    /// <summary>Grants <paramref name="login"/> a permission on a repository (as a collaborator).</summary>
    /// <param name="owner">Owner.</param>
    /// <param name="repo">Repository.</param>
    /// <param name="login">The user.</param>
    /// <param name="permission">The permission.</param>
    public void AddCollaborator(string owner, string repo, string login, GiteaTestAccess permission = GiteaTestAccess.Write)
    {
        lock (_gate)
        {
            _ = _users[login];
            _repos[$"{owner}/{repo}"].Collaborators[login] = permission;
        }
    }

    /// <summary>The scope category a route belongs to: issues, labels, comments and the timeline are "issue"; the rest of a repository "repository".</summary>
    private static string Category(string path)
    {
        if (path.StartsWith("/api/v1/admin/", StringComparison.Ordinal))
        {
            return "admin";
        }

        if (path is "/api/v1/user" || path.StartsWith("/api/v1/users/", StringComparison.Ordinal) && !path.EndsWith("/repos", StringComparison.Ordinal))
        {
            return "user";
        }

        if (path.StartsWith("/api/v1/repos/issues/", StringComparison.Ordinal))
        {
            return "issue";
        }

        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 6 && parts[2] == "repos" && parts[5] is "issues" or "labels" or "milestones" ? "issue" : "repository";
    }

    /// <summary>Whether a token's scopes allow a request of this category and method (write implies read; <c>all</c> allows everything).</summary>
    private static bool ScopeAllows(IReadOnlyList<string> scopes, string category, bool write) =>
        scopes.Any(s => s == "all" || s == $"write:{category}" || (!write && s == $"read:{category}"));

    /// <summary>The caller's permission on a repository, or null when it may not even see it.</summary>
    private static GiteaTestAccess? PermissionOn(RepoState repo, UserState? caller)
    {
        if (caller is not null)
        {
            if (caller.User.IsAdmin || string.Equals(repo.Repository.Owner?.Login, caller.User.Login, StringComparison.OrdinalIgnoreCase))
            {
                return GiteaTestAccess.Admin;
            }

            if (repo.Collaborators.TryGetValue(caller.User.Login, out GiteaTestAccess granted))
            {
                return granted;
            }
        }

        return repo.Repository.Private == true ? null : GiteaTestAccess.Read;
    }

    /// <summary>
    /// Checks a repository request against the caller's access; writes the error and returns false when refused. The
    /// routes that any reader may write (opening an issue or a pull request, commenting, reviewing) pass
    /// <paramref name="readerMayWrite"/>.
    /// </summary>
    private async Task<bool> AdmitAsync(HttpContext c, RepoState repo, bool readerMayWrite)
    {
        UserState? caller = CallerOrNull(c);
        GiteaTestAccess? permission;
        lock (_gate)
        {
            permission = PermissionOn(repo, caller);
        }

        if (permission is null)
        {
            await WriteErrorAsync(c, 404, "The target couldn't be found.").ConfigureAwait(false);
            return false;
        }

        if (c.Items[ScopesKey] is IReadOnlyList<string> scopes && scopes.Contains("public-only") && repo.Repository.Private == true)
        {
            await WriteErrorAsync(c, 403, "token scope is limited to public users/orgs/repos").ConfigureAwait(false);
            return false;
        }

        bool write = !HttpMethods.IsGet(c.Request.Method);
        if (write && permission == GiteaTestAccess.Read && !readerMayWrite)
        {
            await WriteErrorAsync(c, 403, "write permission is required").ConfigureAwait(false);
            return false;
        }

        return true;
    }
}
