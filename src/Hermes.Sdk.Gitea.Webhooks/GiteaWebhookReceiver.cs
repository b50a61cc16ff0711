using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hermes.Sdk.Gitea.Webhooks;

/// <summary>
/// Receives Gitea's webhooks on a loopback or Tailscale address and turns the deliveries that mean work into
/// <see cref="GiteaWakeUp"/>s: an issue that now carries the ready label (<c>X-Gitea-Event: issues</c>, actions
/// <c>opened</c>, <c>reopened</c>, <c>label_updated</c>), and a pull request opened, reopened, pushed to or with a
/// review requested (<c>X-Gitea-Event: pull_request</c>, actions <c>opened</c>, <c>reopened</c>, <c>synchronized</c>,
/// <c>review_requested</c>; modules/webhook/type.go maps each event type to that header). Every delivery must carry a
/// valid <c>X-Gitea-Signature</c> (401 otherwise); a delivery that means nothing for the agent is acknowledged (204).
/// Polling stays the fallback: a wake-up only shortens the wait.
/// </summary>
public sealed partial class GiteaWebhookReceiver : IAsyncDisposable
{
    private static readonly string[] IssueActions = ["opened", "reopened", "label_updated"];
    private static readonly string[] PullActions = ["opened", "reopened", "synchronized", "review_requested"];
    private readonly WebApplication _app;
    private readonly GiteaWebhookOptions _options;
    private readonly string _secret;
    private readonly Channel<GiteaWakeUp> _wakeUps = Channel.CreateBounded<GiteaWakeUp>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly ILogger _logger;

    private GiteaWebhookReceiver(WebApplication app, GiteaWebhookOptions options, string secret, ILogger logger)
    {
        _app = app;
        _options = options;
        _secret = secret;
        _logger = logger;
    }

    /// <summary>The address Gitea should post to (the port filled in when 0 was asked for).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The wake-ups, in the order they arrived (the oldest dropped past 256 unread).</summary>
    public ChannelReader<GiteaWakeUp> WakeUps => _wakeUps.Reader;

    /// <summary>Starts listening.</summary>
    /// <param name="options">Where and how; validated here.</param>
    /// <param name="environment">Reads the secret's variable; default the process environment.</param>
    /// <param name="loggerFactory">Logs refused deliveries (never their bodies or the secret).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running receiver.</returns>
    /// <exception cref="ArgumentException">The options are unusable.</exception>
    /// <exception cref="InvalidOperationException">The secret's variable is not set.</exception>
    public static async Task<GiteaWebhookReceiver> StartAsync(GiteaWebhookOptions options, Func<string, string?>? environment = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string secret = (environment ?? Environment.GetEnvironmentVariable)(options.SecretEnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"The webhook secret variable {options.SecretEnvironmentVariable} is not set; set it to the secret of the hook in Gitea.");
        Uri listen = options.Listen!;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Parse(listen.Host.Trim('[', ']')), listen.Port);
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
        });
        WebApplication app = builder.Build();
        var receiver = new GiteaWebhookReceiver(app, options, secret, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<GiteaWebhookReceiver>());
        string path = string.IsNullOrEmpty(listen.AbsolutePath) ? "/" : listen.AbsolutePath;
        app.MapPost(path, receiver.ReceiveAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(bound), path);
        return receiver;
    }

    /// <summary>Waits for the next wake-up.</summary>
    /// <param name="cancellationToken">Stops waiting (e.g. when the polling interval is over).</param>
    /// <returns>The wake-up.</returns>
    public ValueTask<GiteaWakeUp> WaitAsync(CancellationToken cancellationToken = default) => _wakeUps.Reader.ReadAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _wakeUps.Writer.TryComplete();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        string? delivery = context.Request.Headers["X-Gitea-Delivery"].FirstOrDefault();
        if (!GiteaWebhookSignature.IsValid(_secret, body, context.Request.Headers["X-Gitea-Signature"].FirstOrDefault()))
        {
            LogRefused(delivery ?? "(no delivery id)", context.Connection.RemoteIpAddress?.ToString() ?? "?");
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (Interpret(context.Request.Headers["X-Gitea-Event"].FirstOrDefault(), body, delivery) is { } wakeUp)
        {
            _wakeUps.Writer.TryWrite(wakeUp);
            LogWoken(wakeUp.Reason, wakeUp.Repository, wakeUp.Number);
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>The wake-up a signed delivery means, or null (structs from modules/structs/hook.go: IssuePayload, PullRequestPayload).</summary>
    internal GiteaWakeUp? Interpret(string? gitEvent, byte[] body, string? delivery)
    {
        if (gitEvent is not ("issues" or "pull_request"))
        {
            return null;
        }

        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }

        string action = root.TryGetProperty("action", out JsonElement a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : string.Empty;
        string repository = root.TryGetProperty("repository", out JsonElement r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("full_name", out JsonElement f) ? f.GetString() ?? string.Empty : string.Empty;
        if (_options.Repository is { } only && !string.Equals(only, repository, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (gitEvent == "issues" && IssueActions.Contains(action) && root.TryGetProperty("issue", out JsonElement issue) && issue.ValueKind == JsonValueKind.Object)
        {
            bool ready = issue.TryGetProperty("labels", out JsonElement labels) && labels.ValueKind == JsonValueKind.Array
                && labels.EnumerateArray().Any(l => l.TryGetProperty("name", out JsonElement n) && string.Equals(n.GetString(), _options.ReadyLabel, StringComparison.Ordinal));
            bool open = !issue.TryGetProperty("state", out JsonElement state) || state.GetString() == "open";
            return ready && open && issue.TryGetProperty("number", out JsonElement number) ? new GiteaWakeUp(GiteaWakeReason.IssueReady, repository, number.GetInt64(), delivery) : null;
        }

        if (gitEvent == "pull_request" && PullActions.Contains(action) && root.TryGetProperty("number", out JsonElement pr) && pr.ValueKind == JsonValueKind.Number)
        {
            return new GiteaWakeUp(GiteaWakeReason.ReviewNeeded, repository, pr.GetInt64(), delivery);
        }

        return null;
    }

    [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "Refused webhook delivery {Delivery} from {Remote}: the signature does not match.")]
    private partial void LogRefused(string delivery, string remote);

    [LoggerMessage(EventId = 71, Level = LogLevel.Information, Message = "Woken: {Reason} for {Repository}#{Number}.")]
    private partial void LogWoken(GiteaWakeReason reason, string repository, long number);
}
