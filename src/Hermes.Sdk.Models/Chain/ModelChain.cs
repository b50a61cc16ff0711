using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Anthropic;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.Models.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI;

namespace Hermes.Sdk.Models.Chain;

/// <summary>
/// The agent's fallback model chain as an <see cref="IChatClient"/>: the primary model first, then each fallback, so
/// the agent never goes deaf.
/// </summary>
/// <remarks>
/// <para>
/// Each failure is classified (see <see cref="ProviderFailureKind"/>): 401/403, unknown models, timeouts and refused
/// connections move on at once; 429 and 5xx move on and are retried with jittered backoff honouring Retry-After
/// (bounded by <see cref="ModelChainOptions.MaxRetryDelay"/>) once the chain has been walked; a malformed request
/// (400) stops the chain; a refusal or content-filter verdict is final; a context-length error moves to a provider
/// with a larger <see cref="ModelProviderOptions.ContextWindow"/>. A 200 with no content and a stream without a finish
/// reason are failures, not answers.
/// </para>
/// <para>
/// Streaming fails over transparently while nothing has reached the caller. Once output has been delivered, a break
/// surfaces as <see cref="ModelStreamInterruptedException"/> naming the provider — splicing another model's answer
/// onto half a sentence would be worse than an honest error.
/// </para>
/// <para>
/// Each provider has a circuit breaker sized for low-volume agents (one failure opens it by default), so a dead
/// provider is skipped at once and probed again after a cooldown. A request marked sensitive
/// (<see cref="ModelChainChatExtensions.MarkSensitive"/>) never reaches a provider whose privacy class is public. A turn
/// marked as a crisis (<see cref="ModelChainChatExtensions.MarkCrisis"/>) is never met with an error: if every model
/// fails, the chain answers with <see cref="ModelChainOptions.CrisisMessage"/>.
/// </para>
/// <para>Every response names the provider and model that answered (<see cref="ModelChainChatExtensions.GetAnsweringProvider(ChatResponse)"/>).</para>
/// </remarks>
public sealed partial class ModelChain : IChatClient
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client the chain uses.</summary>
    public const string HttpClientName = "Hermes.Sdk.Models";

    /// <summary>The provider name stamped on the fixed crisis answer.</summary>
    public const string CrisisFallbackProvider = "hermes-crisis-fallback";

    private const string ProofInvalidKey = "hermes-failover-proof-invalid-key";
    private static readonly Uri ProofUnreachable = new("http://127.0.0.1:9/v1");

    private readonly ProviderEndpoint[] _endpoints;
    private readonly ProviderHealth[] _health;
    private readonly ChainRouter _router;
    private readonly HttpMessageHandler? _ownHandler;
    private readonly IHttpClientFactory? _httpClientFactory;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Func<string, string?> _environment;
    private readonly ChatClientMetadata _metadata;
    private int _sticky;

    /// <summary>Creates the chain.</summary>
    /// <param name="options">The chain (see <see cref="ModelChainConfig.Load"/>); validated here.</param>
    /// <param name="httpClientFactory">Supplies the HTTP clients (named <see cref="HttpClientName"/>, as <c>AddHermesModelChain</c> registers it with the handler that reads Retry-After); null to use the chain's own connection pool.</param>
    /// <param name="loggerFactory">Logs failovers and circuit changes (never prompt text or keys).</param>
    /// <param name="timeProvider">The clock for timeouts, backoff and cooldowns.</param>
    /// <param name="environment">Reads API key variables (default: the process environment).</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public ModelChain(
        ModelChainOptions options,
        IHttpClientFactory? httpClientFactory = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        Func<string, string?>? environment = null)
        : this(options, httpClientFactory, loggerFactory, timeProvider, environment, sabotagePrimary: false)
    {
    }

    private ModelChain(
        ModelChainOptions options,
        IHttpClientFactory? httpClientFactory,
        ILoggerFactory? loggerFactory,
        TimeProvider? timeProvider,
        Func<string, string?>? environment,
        bool sabotagePrimary)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = ModelChainOptionsValidator.Validate(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The model chain is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Select(p => "  - " + p))}", nameof(options));
        }

        Options = options;
        Time = timeProvider ?? TimeProvider.System;
        _httpClientFactory = httpClientFactory;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<ModelChain>();
        _environment = environment ?? Environment.GetEnvironmentVariable;
        if (httpClientFactory is null)
        {
            _ownHandler = new ProviderHttpObserver
            {
                InnerHandler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
            };
        }

        IReadOnlyList<ModelProviderOptions> providers = options.Providers;
        _endpoints = new ProviderEndpoint[providers.Count];
        _health = new ProviderHealth[providers.Count];
        for (int i = 0; i < providers.Count; i++)
        {
            _endpoints[i] = CreateEndpoint(providers[i], sabotagePrimary && i == 0);
            _health[i] = new ProviderHealth(options, Time);
        }

        _metadata = new ChatClientMetadata("hermes-model-chain", providers[0].EffectiveBaseUrl, providers[0].Model);
        _router = new ChainRouter(this);
    }

    /// <summary>The chain's options.</summary>
    public ModelChainOptions Options { get; }

    /// <summary>The models in order, primary first.</summary>
    public IReadOnlyList<ModelProviderOptions> Providers => Options.Providers;

    internal TimeProvider Time { get; }

    /// <summary>Raised for each failed attempt (used by the failover proof).</summary>
    internal event Action<ProviderFailure>? FailureObserved;

    /// <summary>
    /// One model of the chain on its own, bypassing failover (safety tests judge each model individually). Its
    /// failures throw <see cref="ModelProviderException"/>; its answers are checked and stamped like the chain's.
    /// </summary>
    /// <param name="index">The model's position: 0 is the primary.</param>
    /// <returns>The model's client (owned by the chain; do not dispose it).</returns>
    public IChatClient GetProviderClient(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _endpoints.Length);
        return _endpoints[index];
    }

    /// <summary>The circuit state of one model.</summary>
    /// <param name="index">The model's position: 0 is the primary.</param>
    /// <returns>The state.</returns>
    public CircuitState GetCircuitState(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _health.Length);
        return _health[index].State;
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        IList<ChatMessage> list = Materialize(messages);
        try
        {
            return await _router.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelChainException ex) when (options.IsCrisis())
        {
            LogCrisisFallback(ex);
            return new ChatResponse(CreateCrisisMessage())
            {
                FinishReason = ChatFinishReason.Stop,
                ModelId = CrisisFallbackProvider,
                AdditionalProperties = CrisisStamp(),
            };
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IList<ChatMessage> list = Materialize(messages);
        bool crisis = options.IsCrisis();
        IAsyncEnumerator<ChatResponseUpdate> enumerator = _router.GetStreamingResponseAsync(list, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        ModelChainException? failed = null;
        bool delivered = false;
        try
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (ModelChainException ex) when (crisis)
                {
                    failed = ex;
                    break;
                }

                delivered = true;
                yield return enumerator.Current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }

        if (failed is not null)
        {
            // A person in crisis is never met with an error, even when a model broke mid-answer.
            LogCrisisFallback(failed);
            ChatMessage message = CreateCrisisMessage();
            yield return new ChatResponseUpdate(ChatRole.Assistant, (delivered ? "\n\n" : string.Empty) + message.Text)
            {
                FinishReason = ChatFinishReason.Stop,
                ModelId = CrisisFallbackProvider,
                AdditionalProperties = CrisisStamp(),
            };
        }
    }

    /// <summary>
    /// Probes every model on its own with a tiny request and reports each as reachable, auth failed, rate limited,
    /// down, missing its key or not serving the model. Results also update each provider's circuit.
    /// </summary>
    /// <param name="progress">Receives each result as it arrives.</param>
    /// <param name="cancellationToken">Cancels the probes.</param>
    /// <returns>The report, in chain order.</returns>
    public async Task<ModelChainProbeReport> ProbeAsync(IProgress<ProviderProbeResult>? progress = null, CancellationToken cancellationToken = default)
    {
        var probes = new Task<ProviderProbeResult>[_endpoints.Length];
        for (int i = 0; i < _endpoints.Length; i++)
        {
            probes[i] = ProbeOneAsync(i, progress, cancellationToken);
        }

        return new ModelChainProbeReport(await Task.WhenAll(probes).ConfigureAwait(false));
    }

    /// <summary>
    /// The blueprint's test of the chain: "set a bad API key for the primary; verify the agent falls to the next".
    /// Builds a throw-away copy of the chain whose primary gets an invalid key (or, for a keyless local server, an
    /// unreachable address), sends one short request and one short streaming request, and checks that both were
    /// answered by a fallback after the primary failed. The live chain's circuits are not touched.
    /// </summary>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What happened.</returns>
    public async Task<FailoverProof> ProveFailoverAsync(CancellationToken cancellationToken = default)
    {
        ModelProviderOptions primary = Options.Providers[0];
        bool keyed = primary.ApiKeyEnvironmentVariable is not null || primary.RequiresApiKey;
        string sabotage = keyed
            ? $"the primary ({primary.DisplayName}) was given an invalid API key"
            : $"the primary ({primary.DisplayName}) has no key to break, so it was pointed at an unreachable address ({ProofUnreachable})";

        using var proof = new ModelChain(Options, _httpClientFactory, _loggerFactory, Time, _environment, sabotagePrimary: true);
        var failures = new List<ProviderFailure>();
        proof.FailureObserved += f =>
        {
            lock (failures)
            {
                failures.Add(f);
            }
        };

        var stopwatch = Stopwatch.StartNew();
        string? answeredBy = null, streamedBy = null, error = null;
        try
        {
            ChatResponse response = await proof.GetResponseAsync(ProbeMessages(), ProbeOptions(), cancellationToken).ConfigureAwait(false);
            answeredBy = response.GetAnsweringProvider();
            await foreach (ChatResponseUpdate update in proof.GetStreamingResponseAsync(ProbeMessages(), ProbeOptions(), cancellationToken).ConfigureAwait(false))
            {
                streamedBy ??= update.GetAnsweringProvider();
            }
        }
        catch (ModelChainException ex)
        {
            error = ex.Message;
        }

        ProviderFailure? primaryFailure = failures.FirstOrDefault(f => f.Provider == primary.DisplayName);
        return new FailoverProof(sabotage, primaryFailure, answeredBy, streamedBy, [.. failures], error, stopwatch.Elapsed);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _router.Dispose();
        foreach (ProviderEndpoint endpoint in _endpoints)
        {
            endpoint.Dispose();
        }

        _ownHandler?.Dispose();
    }

    /// <summary>The order in which a new request walks the chain.</summary>
    internal List<ProviderEndpoint> OrderForNewRequest()
    {
        int start = Options.ReturnToPrimary == ReturnToPrimary.Sticky ? Volatile.Read(ref _sticky) : 0;
        var order = new List<ProviderEndpoint>(_endpoints.Length);
        if (start == 0)
        {
            order.AddRange(_endpoints);
            return order;
        }

        // Sticky: stay on the provider that last answered; a provider ahead of it is probed first once its cooldown
        // has ended (health-checked return), and otherwise tried only after the rest.
        for (int i = 0; i < start; i++)
        {
            if (_health[i].State == CircuitState.HalfOpen)
            {
                order.Add(_endpoints[i]);
            }
        }

        for (int i = start; i < _endpoints.Length; i++)
        {
            order.Add(_endpoints[i]);
        }

        for (int i = 0; i < start; i++)
        {
            if (!order.Contains(_endpoints[i]))
            {
                order.Add(_endpoints[i]);
            }
        }

        return order;
    }

    internal ProviderHealth Health(ProviderEndpoint endpoint) => _health[IndexOf(endpoint)];

    internal void OnSuccess(ProviderEndpoint endpoint, int failedAttempts)
    {
        int index = IndexOf(endpoint);
        if (_health[index].State != CircuitState.Closed)
        {
            LogCircuitClosed(endpoint.Options.DisplayName);
        }

        _health[index].RecordSuccess();
        Volatile.Write(ref _sticky, index);
        ModelsDiagnostics.Requests.Add(1, new("hermes.provider", endpoint.Options.DisplayName), new("hermes.outcome", failedAttempts == 0 ? "answered" : "answered_after_failover"));
        if (failedAttempts > 0)
        {
            LogAnsweredAfterFailover(endpoint.Options.DisplayName, endpoint.Options.Model, failedAttempts);
        }
    }

    internal void OnFailure(ProviderEndpoint endpoint, ModelProviderException exception, ProviderEndpoint? next, bool outputCommitted)
    {
        ProviderFailure failure = exception.Failure;
        FailureObserved?.Invoke(failure);
        ModelsDiagnostics.ProviderFailures.Add(1, new("hermes.provider", failure.Provider), new("hermes.failure", failure.Kind.ToString()));
        int status = failure.StatusCode is { } s ? (int)s : 0;
        string action = outputCommitted ? "output had already been streamed, so the chain stops here"
            : next is not null ? $"failing over to {next.Options.DisplayName}"
            : "no further provider to fail over to now";
        LogProviderFailed(failure.Provider, failure.Model, failure.Kind, status, failure.Detail, action);
        if (next is not null)
        {
            ModelsDiagnostics.Failovers.Add(1, new("hermes.from", failure.Provider), new("hermes.to", next.Options.DisplayName), new("hermes.failure", failure.Kind.ToString()));
        }

        if (CountsAgainstHealth(failure.Kind))
        {
            ProviderHealth health = Health(endpoint);
            if (health.RecordFailure(exception.RetryAfter))
            {
                LogCircuitOpened(failure.Provider, health.OpenUntil ?? Time.GetUtcNow());
            }
        }
    }

    private static bool CountsAgainstHealth(ProviderFailureKind kind) =>
        kind is not (ProviderFailureKind.BadRequest or ProviderFailureKind.Refused or ProviderFailureKind.ContextLengthExceeded
            or ProviderFailureKind.SkippedCircuitOpen or ProviderFailureKind.SkippedContextTooSmall or ProviderFailureKind.SkippedNotPrivate);

    private int IndexOf(ProviderEndpoint endpoint) => Array.IndexOf(_endpoints, endpoint);

    private ProviderEndpoint CreateEndpoint(ModelProviderOptions provider, bool sabotage)
    {
        string? variable = provider.ApiKeyEnvironmentVariable;
        string? key = variable is null ? null : _environment(variable);
        string? missingVariable = variable is not null && string.IsNullOrEmpty(key) ? variable : null;
        Uri baseUrl = provider.EffectiveBaseUrl!;
        if (sabotage)
        {
            if (variable is not null || provider.RequiresApiKey)
            {
                key = ProofInvalidKey;
                missingVariable = null;
            }
            else
            {
                baseUrl = ProofUnreachable;
            }
        }

        // Each provider SDK gets its own HttpClient over a shared handler (an SDK may dispose its client). From the
        // factory, the named client's pipeline carries the observer (AddHermesModelChain registers it).
        HttpClient http = _httpClientFactory?.CreateClient(HttpClientName)
            ?? new HttpClient(_ownHandler!, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        TimeSpan timeout = provider.Timeout ?? Options.RequestTimeout;
        IChatClient inner = provider.Provider == ModelProviderKind.Anthropic
            ? CreateAnthropic(provider, baseUrl, key, http)
            : CreateOpenAICompatible(provider, baseUrl, key, http);
        return new ProviderEndpoint(provider, inner, timeout, missingVariable);
    }

    private static IChatClient CreateOpenAICompatible(ModelProviderOptions provider, Uri baseUrl, string? key, HttpClient http)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = baseUrl,
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0), // the chain decides about retries, not the SDK
            NetworkTimeout = Timeout.InfiniteTimeSpan, // the chain's per-attempt and idle timeouts apply
        };

        // Local servers take no key, but the SDK insists on a credential; they ignore the header.
        var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(key) ? "no-key" : key), options);
        return client.GetChatClient(provider.Model).AsIChatClient();
    }

    private static IChatClient CreateAnthropic(ModelProviderOptions provider, Uri baseUrl, string? key, HttpClient http)
    {
        var client = new AnthropicClient(new Anthropic.Core.ClientOptions
        {
            ApiKey = string.IsNullOrEmpty(key) ? "no-key" : key,
            BaseUrl = baseUrl.ToString().TrimEnd('/'),
            HttpClient = http,
            MaxRetries = 0, // the chain decides about retries, not the SDK
            Timeout = TimeSpan.FromHours(1), // the chain's per-attempt and idle timeouts apply
        });
        return client.AsIChatClient(provider.Model, provider.MaxOutputTokens ?? ModelProviderOptions.DefaultMaxOutputTokens);
    }

    private async Task<ProviderProbeResult> ProbeOneAsync(int index, IProgress<ProviderProbeResult>? progress, CancellationToken cancellationToken)
    {
        ProviderEndpoint endpoint = _endpoints[index];
        long started = Time.GetTimestamp();
        ProviderProbeResult result;
        try
        {
            ChatResponse response = await endpoint.GetResponseAsync(ProbeMessages(), ProbeOptions(), cancellationToken).ConfigureAwait(false);
            _health[index].RecordSuccess();
            result = new ProviderProbeResult(endpoint.Options.DisplayName, endpoint.Options.Model, ProviderProbeStatus.Reachable, Time.GetElapsedTime(started), null);
        }
        catch (ModelProviderException ex)
        {
            if (CountsAgainstHealth(ex.Failure.Kind))
            {
                _health[index].RecordFailure(ex.RetryAfter);
            }

            result = new ProviderProbeResult(endpoint.Options.DisplayName, endpoint.Options.Model, ProviderProbeResult.StatusOf(ex.Failure.Kind), Time.GetElapsedTime(started), ex.Failure);
        }

        progress?.Report(result);
        return result;
    }

    private const string ProbePrompt = "Reply with the single word: ok";

    /// <summary>The probe, behind <see cref="ModelChainOptions.ProbeInstructions"/> when they are set.</summary>
    private List<ChatMessage> ProbeMessages() => Options.ProbeInstructions is { Length: > 0 } instructions
        ? [new ChatMessage(ChatRole.System, instructions), new ChatMessage(ChatRole.User, ProbePrompt)]
        : [new ChatMessage(ChatRole.User, ProbePrompt)];

    private static ChatOptions ProbeOptions() => new() { MaxOutputTokens = 64 };

    private ChatMessage CreateCrisisMessage() => new(ChatRole.Assistant, Options.CrisisMessage!); // validated non-empty at construction

    private static AdditionalPropertiesDictionary CrisisStamp() => new()
    {
        [ModelChainChatExtensions.ProviderKey] = CrisisFallbackProvider,
        [ModelChainChatExtensions.ProviderModelKey] = CrisisFallbackProvider,
    };

    private static IList<ChatMessage> Materialize(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);

        // Failover may send the conversation several times: it must be a repeatable sequence.
        return messages as IList<ChatMessage> ?? [.. messages];
    }

    private void LogCrisisFallback(ModelChainException ex)
    {
        ModelsDiagnostics.CrisisFallbacks.Add(1);
        LogCrisisAnswered(ex.GetType().Name);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Model provider {Provider} ({Model}) failed: {Kind} (HTTP {Status}) — {Detail}; {Action}.")]
    private partial void LogProviderFailed(string provider, string model, ProviderFailureKind kind, int status, string detail, string action);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Answered by {Provider} ({Model}) after {FailedAttempts} failed attempt(s).")]
    private partial void LogAnsweredAfterFailover(string provider, string model, int failedAttempts);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Circuit opened for {Provider}: skipped until {Until:O}, then probed again.")]
    private partial void LogCircuitOpened(string provider, DateTimeOffset until);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Circuit closed for {Provider}: it answered again.")]
    private partial void LogCircuitClosed(string provider);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Every model failed on a crisis turn ({Reason}); answered with the fixed crisis message so the person is not met with an error.")]
    private partial void LogCrisisAnswered(string reason);
}
