using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.TaskQueue;

/// <summary>The blueprint's "spawn wolf-1": an agent's own Gitea account and machine-scoped token.</summary>
public static class AgentAccounts
{
    /// <summary>
    /// As a site admin, creates the agent's account (usable at once: <c>must_change_password: false</c>), then a scoped
    /// token for it (Gitea refuses a token without scopes: routers/api/v1/user/app.go CreateAccessToken). The password
    /// is used only here.
    /// </summary>
    /// <param name="admin">A client authenticated as a site admin.</param>
    /// <param name="username">The agent's login.</param>
    /// <param name="email">Its e-mail (Gitea requires one; <c>&lt;agent&gt;@local</c> does).</param>
    /// <param name="password">Its password, used for Basic auth to create the token (Gitea allows nothing else there).</param>
    /// <param name="scopes">The token's scopes, e.g. <c>write:issue</c>, <c>write:repository</c>, <c>read:user</c>.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The token; its secret is shown only now.</returns>
    public static async Task<GiteaAccessToken> SpawnAgentAccountAsync(this GiteaClient admin, string username, string email, string password, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        ArgumentNullException.ThrowIfNull(scopes);
        await admin.Api.AdminCreateUserAsync(new CreateUserOption { Username = username, Email = email, Password = password, MustChangePassword = false }, cancellationToken).ConfigureAwait(false);
        return await admin.CreateAccessTokenAsync(username, password, $"{username}-agent", scopes, cancellationToken).ConfigureAwait(false);
    }
}
