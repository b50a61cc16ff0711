using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hermes.Sdk.Core;
using Hermes.Sdk.Fleet;
using Hermes.Sdk.Gitea;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hermes.Sdk.CommandCenter;

/// <summary>
/// The operator's command center: five read-only views of the fleet's truth — brief status (<c>/</c>), agent health
/// (<c>/agents</c>), review queue (<c>/reviews</c>), cron state (<c>/cron</c>) and the task board (<c>/tasks</c>) — as
/// server-rendered pages that refresh themselves, and the same data as JSON (<c>/api/brief</c>, <c>/api/agents</c>, …).
/// <list type="bullet">
/// <item>Every tile carries its source and freshness; a source that cannot be read is <c>unknown</c> with the reason and
/// its last good read, data older than its threshold is <c>stale</c>, and nothing is green without a timestamped source.</item>
/// <item>It listens on loopback or a Tailscale address only (refused at start otherwise), checks the Host header
/// (DNS rebinding), answers GET and HEAD only, and reads Gitea with the machine token its options name — no token
/// reaches a page.</item>
/// </list>
/// </summary>
public sealed partial class CommandCenter : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private readonly WebApplication _app;
    private readonly FleetWatch? _watch;
    private readonly GiteaClient? _gitea;

    private CommandCenter(WebApplication app, FleetWatch? watch, GiteaClient? gitea, Uri url)
    {
        _app = app;
        _watch = watch;
        _gitea = gitea;
        Url = url;
    }

    /// <summary>Where it answers (the port filled in when 0 was asked for).</summary>
    public Uri Url { get; }

    /// <summary>Starts the command center.</summary>
    /// <param name="options">What to read and where to listen; validated here (a public or LAN address is refused).</param>
    /// <param name="fleet">A bus of the fleet to read the registry, heartbeats and schedules with (the operator's or an agent's); null shows them unknown.</param>
    /// <param name="loggerFactory">Logging (never a token).</param>
    /// <param name="timeProvider">The clock of freshness and ages.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running command center.</returns>
    /// <exception cref="ArgumentException">The options are unusable, or the listen address is neither loopback nor Tailscale.</exception>
    public static async Task<CommandCenter> StartAsync(CommandCenterOptions options, FleetBus? fleet = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TimeProvider time = timeProvider ?? TimeProvider.System;
        GiteaClient? gitea = null;
        if (options.GiteaUrl is { } giteaUrl && options.Repositories.Count > 0)
        {
            // The machine-scoped token the options name, read once by the client's handler; never looked up elsewhere.
            gitea = GiteaClient.Create(new GiteaClientOptions { BaseUrl = giteaUrl, TokenEnvironmentVariable = options.GiteaTokenEnvironmentVariable }, loggerFactory);
        }

        FleetWatch? watch = fleet is null ? null : await FleetWatch.StartAsync(fleet, time, cancellationToken).ConfigureAwait(false);
        var data = CommandCenterData.Create(options, gitea, watch, time);
        TrustedNetwork.TryGetTrustedAddress(options.Listen, out IPAddress? address);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(address!, options.Listen.Port));
        WebApplication app = builder.Build();
        var hosts = new HashSet<string>(options.AllowedHosts, StringComparer.OrdinalIgnoreCase) { address!.ToString(), $"[{address}]" };
        if (IPAddress.IsLoopback(address))
        {
            hosts.Add("localhost");
        }

        app.Use((context, next) => Guard(context, next, hosts));
        Map(app, "/", "brief", "Brief status", data, v => v.Brief, v => ViewPages.Brief(v.Brief), v => v.Brief.Sources);
        Map(app, "/agents", "agents", "Agent health", data, v => v.Agents, v => ViewPages.Agents(v.Agents), v => v.Agents.Sources);
        Map(app, "/reviews", "reviews", "Review queue", data, v => v.Reviews, v => ViewPages.Reviews(v.Reviews), v => v.Reviews.Sources);
        Map(app, "/cron", "cron", "Cron state", data, v => v.Cron, v => ViewPages.Cron(v.Cron), v => v.Cron.Sources);
        Map(app, "/tasks", "tasks", "Task board", data, v => v.Tasks, v => ViewPages.Tasks(v.Tasks), v => v.Tasks.Sources);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<CommandCenter>();
        LogListening(logger, bound);
        return new CommandCenter(app, watch, gitea, new Uri(bound));
    }

    /// <summary>GET and HEAD only; a Host header that is not this address (DNS rebinding) is refused; nothing is cached by the browser.</summary>
    private static Task Guard(HttpContext context, RequestDelegate next, HashSet<string> hosts)
    {
        HttpResponse response = context.Response;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return response.WriteAsync("The command center is read-only: GET and HEAD only.\n");
        }

        if (!hosts.Contains(context.Request.Host.Host))
        {
            response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            return response.WriteAsync("This Host is not the command center's: it answers only to its own address.\n");
        }

        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        response.Headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }

    private static void Map(WebApplication app, string path, string api, string title, CommandCenterData data, Func<CommandCenterViews, object> view, Func<CommandCenterViews, string> body, Func<CommandCenterViews, IReadOnlyList<SourceStamp>> sources)
    {
        app.MapMethods(path, ["GET", "HEAD"], async (HttpContext context) =>
        {
            CommandCenterViews views = await data.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            DateTimeOffset at = views.Brief.At;
            return Results.Content(Layout.Page(path, title, (int)data.Options.Refresh.TotalSeconds, at, sources(views), body(views)), "text/html; charset=utf-8");
        });
        app.MapMethods($"/api/{api}", ["GET", "HEAD"], async (HttpContext context) =>
        {
            CommandCenterViews views = await data.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            object value = view(views);
            return Results.Json(value, Json);
        });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "The command center answers at {Url}")]
    private static partial void LogListening(ILogger logger, string url);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (_watch is not null)
        {
            await _watch.DisposeAsync().ConfigureAwait(false);
        }

        _gitea?.Dispose();
    }
}
