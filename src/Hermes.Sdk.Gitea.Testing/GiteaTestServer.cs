using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.Gitea.Testing;

/// <summary>
/// An in-memory server that answers the subset of Gitea's API the Hermes client uses the way Gitea 1.26.1 does, row by
/// row of a reading of Gitea's source (<c>tests/specs/gitea-fidelity.md</c>): per-repository issue numbers distinct
/// from global ids; labels by name or id, unknown ones silently dropped, duplicate names allowed; the issue list's
/// label filter ALL-of (and no filter at all when every name is unknown); assignees replaced as a set (an unknown user
/// is a 500); edits answering 201 and, from 1.26, the <c>content_version</c> compare-and-swap; merges answering 405
/// ("The PR is already merged", "Please try again later" while checking or after a conflict was found) and 409; paging
/// with <c>X-Total-Count</c> and, where Gitea sends it, <c>Link</c> (the timeline's count is of its page); token
/// scopes, collaborators and private repositories; Basic-only token creation with scopes required. It binds 127.0.0.1
/// on an ephemeral port. <see cref="GiteaTestServerOptions"/> chooses the release played and how timeline ids relate
/// to commit order.
/// </summary>
public sealed partial class GiteaTestServer : IAsyncDisposable
{
    /// <summary>Gitea's default maximum page size.</summary>
    public const int MaxResponseItems = 50;

    /// <summary>Gitea's default page size.</summary>
    public const int DefaultPagingNum = 30;

    private readonly GiteaTestServerOptions _options;
    private readonly AsyncLocal<Queue<long>?> _reservedIds = new();

    private GiteaTestServer(GiteaTestServerOptions options) => _options = options;

    private WebApplication? _app;

    /// <summary>The root address (<c>http://127.0.0.1:port/</c>); the API is under <c>api/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The options the server runs with.</summary>
    public GiteaTestServerOptions Options => _options;

    /// <summary>Starts a server playing Gitea 1.26 on SQLite, with one site admin (<c>root</c>, password <c>root-password</c>).</summary>
    /// <returns>The running server.</returns>
    public static Task<GiteaTestServer> StartAsync() => StartAsync(new GiteaTestServerOptions());

    /// <summary>Starts a server with one site admin (<c>root</c>).</summary>
    /// <param name="options">The release played, the timeline's id order, the admin's password and an optional hook before each request is applied.</param>
    /// <returns>The running server.</returns>
    public static async Task<GiteaTestServer> StartAsync(GiteaTestServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string adminPassword = options.AdminPassword;
        var server = new GiteaTestServer(options);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        app.UseRouting(); // the gate sees the matched route's values
        app.Use(server.GateAsync);
        server.Map(app.MapGroup("/api/v1"));
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        server._app = app;
        server.AddUser("root", adminPassword, isAdmin: true);
        return server;
    }

    /// <summary>
    /// Gitea reads every path parameter unescaped (services/context/base_path.go <c>PathParam</c>: <c>/{var}</c> given
    /// <c>/a%2fb</c> is <c>a/b</c>), so a ref such as <c>hermes/worker-1/1</c> sent as one escaped segment names the
    /// branch. Kestrel has already decoded every escape but <c>%2F</c>, which it leaves in the path; decoding that
    /// completes Gitea's reading.
    /// </summary>
    private static void UnescapePathParameters(RouteValueDictionary values)
    {
        foreach ((string key, object? value) in values.ToArray())
        {
            if (value is string text && text.Contains('%', StringComparison.Ordinal))
            {
                values[key] = text.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task GateAsync(HttpContext context, Func<Task> next)
    {
        UnescapePathParameters(context.Request.RouteValues);
        string method = context.Request.Method;
        string path = context.Request.Path.Value ?? string.Empty;
        Fault? fault = null;
        lock (_gate)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_requestCounts, (method, path), out _)++;
            fault = _faults.FirstOrDefault(f => f.Remaining > 0 && f.Method == method && path.StartsWith(f.PathPrefix, StringComparison.Ordinal));
            if (fault is not null)
            {
                fault.Remaining--;
            }
        }

        if (fault is not null)
        {
            if (fault.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            await WriteErrorAsync(context, fault.Status, "injected fault").ConfigureAwait(false);
            return;
        }

        if (path is "/api/v1/version" or "/api/v1/settings/api")
        {
            await next().ConfigureAwait(false);
            return;
        }

        string header = context.Request.Headers.Authorization.ToString();
        (UserState? user, IReadOnlyList<string>? scopes, bool basic) = Authenticate(header);
        bool write = !HttpMethods.IsGet(method);
        if (user is null && header.Length > 0)
        {
            await WriteErrorAsync(context, 401, "invalid username, password or token").ConfigureAwait(false);
            return;
        }

        // Anonymous: only reads of repositories (public ones, checked with the repository).
        if (user is null && (write || !path.StartsWith("/api/v1/repos/", StringComparison.Ordinal)))
        {
            await WriteErrorAsync(context, 401, "token is required").ConfigureAwait(false);
            return;
        }

        if (user is { MustChangePassword: true })
        {
            await WriteErrorAsync(context, 403, "You must change your password. Change it at: /user/change_password").ConfigureAwait(false);
            return;
        }

        // Token creation is Basic-only and needs no scope; every other route needs a scope of its category.
        string category = Category(path);
        bool tokenRoute = path.StartsWith("/api/v1/users/", StringComparison.Ordinal) && path.Contains("/tokens", StringComparison.Ordinal);
        if (scopes is not null && !tokenRoute && !ScopeAllows(scopes, category, write))
        {
            string needed = $"{(write ? "write" : "read")}:{category}";
            await WriteErrorAsync(context, 403, $"token does not have at least one of required scope(s), required=[{needed}], token scope={string.Join(',', scopes)}").ConfigureAwait(false);
            return;
        }

        context.Items[CallerKey] = user;
        context.Items[BasicKey] = basic;
        context.Items[ScopesKey] = scopes;
        if (write && _options.TimelineIds == TimelineIdOrder.AllocatedBeforeLock)
        {
            // The database allocates the timeline rows' ids on insert, before the issue row is locked.
            lock (_gate)
            {
                var ids = new Queue<long>();
                for (int i = 0; i < 16; i++)
                {
                    ids.Enqueue(NextId());
                }

                _reservedIds.Value = ids;
            }
        }

        if (_options.BeforeCommitAsync is { } hold)
        {
            await hold(new GiteaTestRequest(method, path, user?.User.Login), context.RequestAborted).ConfigureAwait(false);
        }

        await next().ConfigureAwait(false);
    }

    private const string CallerKey = "hermes.caller";
    private const string BasicKey = "hermes.basic";
    private const string ScopesKey = "hermes.scopes";

    /// <summary>The user, the token's scopes (null for Basic auth, which is not scoped) and whether it was Basic.</summary>
    private (UserState? User, IReadOnlyList<string>? Scopes, bool Basic) Authenticate(string header)
    {
        lock (_gate)
        {
            if (header.StartsWith("token ", StringComparison.OrdinalIgnoreCase) || header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                string secret = header[(header.IndexOf(' ', StringComparison.Ordinal) + 1)..].Trim();
                return _tokens.TryGetValue(secret, out TokenState? token) ? (_users[token.Login], token.Token.Scopes ?? [], false) : (null, null, false);
            }

            if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                string decoded;
                try
                {
                    decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                }
                catch (FormatException)
                {
                    return (null, null, true);
                }

                int colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon > 0 && _users.TryGetValue(decoded[..colon], out UserState? user) && user.Password == decoded[(colon + 1)..] ? (user, null, true) : (null, null, true);
            }

            return (null, null, false);
        }
    }

    private static UserState Caller(HttpContext context) => CallerOrNull(context) ?? throw new InvalidOperationException("This route needs a signed-in caller.");

    private static UserState? CallerOrNull(HttpContext context) => context.Items[CallerKey] as UserState;

    private static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return WriteJsonAsync(context, new GiteaApiError { Message = message, Url = "http://127.0.0.1/api/swagger" }, GiteaJsonContext.Default.GiteaApiError, status);
    }

    private static async Task WriteJsonAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json;charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Request bodies are read as Go's encoding/json reads them: keys match case-insensitively.</summary>
    private static readonly GiteaJsonContext ReadContext = new(new JsonSerializerOptions(GiteaJsonContext.Default.Options) { PropertyNameCaseInsensitive = true });

    private static async Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
    {
        try
        {
            var lenient = (JsonTypeInfo<T>)ReadContext.GetTypeInfo(type.Type)!;
            return await JsonSerializer.DeserializeAsync(context.Request.Body, lenient, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
