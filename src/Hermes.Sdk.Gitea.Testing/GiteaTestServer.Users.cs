using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Hermes.Sdk.Gitea.Testing;

/// <summary>Users made by the site admin, and access tokens.</summary>
public sealed partial class GiteaTestServer
{
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

        // Absent or shorter than MIN_PASSWORD_LENGTH (8): 400 "PasswordIsRequired" (routers/api/v1/admin/user.go).
        if (body.Password is not { Length: >= 8 })
        {
            await WriteErrorAsync(c, 400, "PasswordIsRequired").ConfigureAwait(false);
            return;
        }

        GiteaUser? user = null;
        lock (_gate)
        {
            if (!_users.ContainsKey(body.Username) && !_users.Values.Any(x => string.Equals(x.User.Email, body.Email, StringComparison.OrdinalIgnoreCase)))
            {
                var state = new UserState(new GiteaUser { Id = NextId(), Login = body.Username, Email = body.Email, FullName = body.FullName, Active = true }, body.Password ?? string.Empty, mustChange);
                _users.Add(body.Username, state);
                user = state.User;
            }
        }

        await (user is null ? WriteErrorAsync(c, 422, $"user already exists [name: {body.Username}] or e-mail address has been used [email: {body.Email}]") : WriteJsonAsync(c, user, Ctx.GiteaUser, 201)).ConfigureAwait(false);
    }

    /// <summary>
    /// POST users/{name}/tokens (routers/api/v1/api.go:983-987, user/app.go): the user or a site admin, else 403
    /// (reqSelfOrAdmin runs first); then Basic auth, else 401 "auth required" (reqBasicOrRevProxyAuth); a name in use is
    /// 400; no scopes is 400 "access token must have a scope" (user/app.go:124); 201 with the secret shown once.
    /// </summary>
    private async Task CreateTokenAsync(HttpContext c, string username)
    {
        UserState caller = Caller(c);
        if (!string.Equals(caller.User.Login, username, StringComparison.OrdinalIgnoreCase) && !caller.User.IsAdmin)
        {
            await WriteErrorAsync(c, 403, "only the user or a site admin may create its tokens").ConfigureAwait(false);
            return;
        }

        if (c.Items[BasicKey] is not true)
        {
            await WriteErrorAsync(c, 401, "auth required").ConfigureAwait(false);
            return;
        }

        CreateAccessTokenOption? body = await ReadAsync(c, Ctx.CreateAccessTokenOption).ConfigureAwait(false);
        if (body is null || string.IsNullOrWhiteSpace(body.Name))
        {
            await WriteErrorAsync(c, 422, "Name: required").ConfigureAwait(false);
            return;
        }

        if (body.Scopes is not { Count: > 0 })
        {
            await WriteErrorAsync(c, 400, "access token must have a scope").ConfigureAwait(false);
            return;
        }

        GiteaAccessToken? token = null;
        string? error = null;
        lock (_gate)
        {
            if (!_users.TryGetValue(username, out UserState? owner))
            {
                error = "404";
            }
            else if (owner.TokenNames.Contains(body.Name))
            {
                error = "400";
            }
            else
            {
                token = IssueToken(owner, body.Name, body.Scopes);
            }
        }

        await (error switch
        {
            "404" => WriteErrorAsync(c, 404, "The target couldn't be found."),
            "400" => WriteErrorAsync(c, 400, "access token name has been used already"),
            _ => WriteJsonAsync(c, token!, Ctx.GiteaAccessToken, 201),
        }).ConfigureAwait(false);
    }
}
