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
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.Gitea.Testing;

/// <summary>
/// An in-memory server that answers the subset of Gitea's API (v1.26) the Hermes client uses, with Gitea's semantics:
/// per-repository issue numbers distinct from global ids, labels by name or id (unknown ones silently dropped),
/// exclusive scoped labels, assignees replaced as a set, edits answering 201, pull-request merges answering 405
/// ("Please try again later", or an empty message when already merged) and 409 (conflict, head out of date), paging with
/// <c>Link</c> and <c>X-Total-Count</c> and the real maximum page size (50), token and Basic auth, admin-only endpoints
/// and Basic-only token creation. It binds 127.0.0.1 on an ephemeral port.
/// </summary>
public sealed partial class GiteaTestServer : IAsyncDisposable
{
    /// <summary>Gitea's default maximum page size.</summary>
    public const int MaxResponseItems = 50;

    /// <summary>Gitea's default page size.</summary>
    public const int DefaultPagingNum = 30;

    private WebApplication? _app;

    /// <summary>The root address (<c>http://127.0.0.1:port/</c>); the API is under <c>api/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts a server with one site admin (<c>root</c>).</summary>
    /// <param name="adminPassword">The admin's password.</param>
    /// <returns>The running server.</returns>
    public static async Task<GiteaTestServer> StartAsync(string adminPassword = "root-password")
    {
        var server = new GiteaTestServer();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        app.Use(server.GateAsync);
        server.Map(app.MapGroup("/api/v1"));
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        server._app = app;
        server.AddUser("root", adminPassword, isAdmin: true);
        return server;
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

        (UserState? user, bool basic) = Authenticate(context.Request.Headers.Authorization.ToString());
        if (user is null)
        {
            await WriteErrorAsync(context, 401, "token is required").ConfigureAwait(false);
            return;
        }

        if (user.MustChangePassword)
        {
            await WriteErrorAsync(context, 403, "You must change your password. Change it at: /user/change_password").ConfigureAwait(false);
            return;
        }

        context.Items[CallerKey] = user;
        context.Items[BasicKey] = basic;
        await next().ConfigureAwait(false);
    }

    private const string CallerKey = "hermes.caller";
    private const string BasicKey = "hermes.basic";

    private (UserState? User, bool Basic) Authenticate(string header)
    {
        lock (_gate)
        {
            if (header.StartsWith("token ", StringComparison.OrdinalIgnoreCase) || header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                string secret = header[(header.IndexOf(' ', StringComparison.Ordinal) + 1)..].Trim();
                return _tokens.TryGetValue(secret, out TokenState? token) ? (_users[token.Login], false) : (null, false);
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
                    return (null, true);
                }

                int colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon > 0 && _users.TryGetValue(decoded[..colon], out UserState? user) && user.Password == decoded[(colon + 1)..] ? (user, true) : (null, true);
            }

            return (null, false);
        }
    }

    private static UserState Caller(HttpContext context) => (UserState)context.Items[CallerKey]!;

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

    private static async Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>Writes one page of <paramref name="all"/> with Gitea's headers.</summary>
    private static Task WritePageAsync<T>(HttpContext context, IReadOnlyList<T> all, JsonTypeInfo<List<T>> type) =>
        WritePageAsync(context, PageOf(context, all, item => item), all.Count, type);

    /// <summary>The request's page of <paramref name="all"/> (page and limit as Gitea reads them), projected item by item — only the page is.</summary>
    private static List<T> PageOf<TSource, T>(HttpContext context, IEnumerable<TSource> all, Func<TSource, T> project)
    {
        (int skip, int limit) = Window(context);
        return [.. all.Skip(skip).Take(limit).Select(project)];
    }

    /// <summary>The request's page as items to skip and items to take.</summary>
    private static (int Skip, int Limit) Window(HttpContext context)
    {
        (int page, int limit) = Paging(context);
        return ((int)Math.Min(int.MaxValue, (long)(page - 1) * limit), limit);
    }

    private static (int Page, int Limit) Paging(HttpContext context)
    {
        int page = int.TryParse(context.Request.Query["page"], CultureInfo.InvariantCulture, out int p) && p > 0 ? p : 1;
        int limit = int.TryParse(context.Request.Query["limit"], CultureInfo.InvariantCulture, out int l) ? l : 0;
        return (page, limit <= 0 ? DefaultPagingNum : Math.Min(limit, MaxResponseItems)); // silently clamped, as Gitea does
    }

    /// <summary>Writes one page with Gitea's headers: X-Total-Count (of <paramref name="total"/>) and Link (next, last, first, prev).</summary>
    private static Task WritePageAsync<T>(HttpContext context, List<T> items, int total, JsonTypeInfo<List<T>> type)
    {
        (int page, int limit) = Paging(context);
        int last = Math.Max(1, (total + limit - 1) / limit);
        context.Response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.AccessControlExposeHeaders = "X-Total-Count, Link";
        var links = new List<string>();
        string Url(int n)
        {
            var query = context.Request.Query.Where(q => q.Key is not ("page" or "limit")).Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").ToList();
            query.Add($"limit={limit}");
            query.Add($"page={n}");
            return $"<{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}?{string.Join('&', query)}>";
        }

        if (page < last)
        {
            links.Add($"{Url(page + 1)}; rel=\"next\"");
            links.Add($"{Url(last)}; rel=\"last\"");
        }

        if (page > 1)
        {
            links.Add($"{Url(1)}; rel=\"first\"");
            links.Add($"{Url(page - 1)}; rel=\"prev\"");
        }

        if (links.Count > 0)
        {
            context.Response.Headers.Link = string.Join(',', links);
        }

        return WriteJsonAsync(context, items, type);
    }
}
