namespace Hermes.Sdk.Models.Configuration;

/// <summary>The wire protocol and defaults of a model provider.</summary>
public enum ModelProviderKind
{
    /// <summary>Anthropic's Messages API (official <c>Anthropic</c> SDK).</summary>
    Anthropic,

    /// <summary>OpenAI's chat completions API.</summary>
    OpenAI,

    /// <summary>OpenRouter (OpenAI-compatible); its free tiers are not private.</summary>
    OpenRouter,

    /// <summary>A local Ollama server (OpenAI-compatible, <c>/v1</c>).</summary>
    Ollama,

    /// <summary>A llama.cpp server (OpenAI-compatible).</summary>
    LlamaCpp,

    /// <summary>A vLLM server (OpenAI-compatible).</summary>
    Vllm,

    /// <summary>Any other OpenAI-compatible endpoint; <c>base_url</c> is required.</summary>
    OpenAICompatible,
}

/// <summary>Whether a provider may log or train on prompts.</summary>
public enum PrivacyClass
{
    /// <summary>Local inference or a paid tier with a no-log policy: sensitive requests may go here.</summary>
    Private,

    /// <summary>May log prompts (for example free tiers): never sent a request marked sensitive.</summary>
    Public,
}

/// <summary>One model in the chain.</summary>
public sealed class ModelProviderOptions
{
    /// <summary>A label for logs and reports (default: <c>provider/model</c>).</summary>
    public string? Name { get; set; }

    /// <summary>The provider.</summary>
    public ModelProviderKind Provider { get; set; }

    /// <summary>The model id the provider knows (YAML <c>model</c>, or the engine's alias <c>default</c>).</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>The API base URL; defaults per provider (required for <see cref="ModelProviderKind.OpenAICompatible"/>).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The name of the environment variable holding the API key (YAML <c>api_key_env</c> or <c>key_env</c>). Never the key itself.</summary>
    public string? ApiKeyEnvironmentVariable { get; set; }

    /// <summary>The privacy class; defaults to <see cref="PrivacyClass.Private"/> for local servers, Anthropic and OpenAI, <see cref="PrivacyClass.Public"/> for OpenRouter.</summary>
    public PrivacyClass? Privacy { get; set; }

    /// <summary>The model's context window in tokens, when known; used to pick a larger model after a context-length error.</summary>
    public int? ContextWindow { get; set; }

    /// <summary>The default output budget for providers that require one (Anthropic).</summary>
    public const int DefaultMaxOutputTokens = 4096;

    /// <summary>The output budget sent when a request sets none and the provider requires one (Anthropic; default <see cref="DefaultMaxOutputTokens"/>).</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>How long one attempt may take before the chain moves on (default: the chain's request timeout).</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Where the entry came from (file:line:column), for messages.</summary>
    public string? Source { get; set; }

    /// <summary>The label used in logs, reports and responses.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? $"{ProviderName}/{Model}" : Name;

    /// <summary>The provider as config.yaml spells it (<c>openai-compatible</c>, <c>llamacpp</c>, …).</summary>
    private string ProviderName => Provider == ModelProviderKind.OpenAICompatible ? "openai-compatible" : Provider.ToString().ToLowerInvariant();

    /// <summary>The effective privacy class.</summary>
    public PrivacyClass EffectivePrivacy => Privacy ?? (Provider == ModelProviderKind.OpenRouter ? PrivacyClass.Public : PrivacyClass.Private);

    /// <summary>Whether the provider needs an API key (local servers do not).</summary>
    public bool RequiresApiKey => Provider is ModelProviderKind.Anthropic or ModelProviderKind.OpenAI or ModelProviderKind.OpenRouter;

    /// <summary>The effective base URL.</summary>
    public Uri? EffectiveBaseUrl => BaseUrl ?? Provider switch
    {
        ModelProviderKind.Anthropic => new Uri("https://api.anthropic.com"),
        ModelProviderKind.OpenAI => new Uri("https://api.openai.com/v1"),
        ModelProviderKind.OpenRouter => new Uri("https://openrouter.ai/api/v1"),
        ModelProviderKind.Ollama => new Uri("http://127.0.0.1:11434/v1"),
        ModelProviderKind.LlamaCpp => new Uri("http://127.0.0.1:8080/v1"),
        ModelProviderKind.Vllm => new Uri("http://127.0.0.1:8000/v1"),
        _ => null,
    };
}

/// <summary>When the chain goes back to the primary after failing over.</summary>
public enum ReturnToPrimary
{
    /// <summary>Every turn starts at the primary again (skipping providers whose circuit is open).</summary>
    PerTurn,

    /// <summary>Stay on the provider that last answered until it fails or the primary's circuit closes after a health probe.</summary>
    Sticky,
}

/// <summary>The chain of models and how it fails over.</summary>
public sealed class ModelChainOptions
{
    /// <summary>The blueprint's minimum depth.</summary>
    public const int MinimumDepth = 3;

    /// <summary>The primary model (YAML <c>model:</c>).</summary>
    public ModelProviderOptions? Primary { get; set; }

    /// <summary>The fallbacks, in order (YAML <c>fallback_providers:</c>, or the legacy single <c>fallback_model:</c>).</summary>
    public IList<ModelProviderOptions> Fallbacks { get; } = [];

    /// <summary>Per-turn or sticky return to the primary. Default per turn.</summary>
    public ReturnToPrimary ReturnToPrimary { get; set; } = ReturnToPrimary.PerTurn;

    /// <summary>How long one attempt may take by default. Default 60 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Consecutive failures that open a provider's circuit. Default 1: an agent makes few calls, so one outage is enough evidence.</summary>
    public int FailureThreshold { get; set; } = 1;

    /// <summary>How long an open circuit skips a provider before it is probed again; doubles per failed probe. Default 30 s.</summary>
    public TimeSpan CooldownInitial { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest cooldown. Default 10 minutes.</summary>
    public TimeSpan CooldownMax { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Retries of a rate-limited or failing (429/5xx) provider within one request. Default 2.</summary>
    public int MaxTransientRetries { get; set; } = 2;

    /// <summary>The longest wait before a retry, whatever Retry-After says. Default 10 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Retry a 429/5xx provider (with backoff) before moving on. Default false: failover first — a waiting retry
    /// never delays an answer another provider can give now; transient failures are retried after the chain is walked.
    /// </summary>
    public bool RetryBeforeFailover { get; set; }

    /// <summary>
    /// The answer given on a turn marked as a crisis when every model fails: it needs no model. Required: the chain
    /// will not start without it, because a person in crisis must never be met with silence or an error. The words are
    /// crisis policy and belong to Hermes.Sdk.Safety, which sets them for the seed's locale
    /// (<c>options.UseCrisisLines(locale)</c>, or <c>services.AddHermesSafety()</c>, which does it for a registered chain).
    /// </summary>
    public string? CrisisMessage { get; set; }

    /// <summary>
    /// A system message sent first in every health probe (<see cref="Chain.ModelChain.ProbeAsync"/>) and failover proof
    /// (<see cref="Chain.ModelChain.ProveFailoverAsync"/>), so that no request reaches a model without it. Hermes.Sdk.Safety's
    /// conscience text goes here (the seed sets it from <c>SOUL.md</c>): the soul leads every request, probes included.
    /// Null sends the probe alone.
    /// </summary>
    public string? ProbeInstructions { get; set; }

    /// <summary>The models in order: primary first.</summary>
    public IReadOnlyList<ModelProviderOptions> Providers => Primary is null ? [.. Fallbacks] : [Primary, .. Fallbacks];

    internal void CopyTo(ModelChainOptions target)
    {
        target.Primary = Primary;
        target.Fallbacks.Clear();
        foreach (ModelProviderOptions fallback in Fallbacks)
        {
            target.Fallbacks.Add(fallback);
        }

        target.ReturnToPrimary = ReturnToPrimary;
        target.RequestTimeout = RequestTimeout;
        target.FailureThreshold = FailureThreshold;
        target.CooldownInitial = CooldownInitial;
        target.CooldownMax = CooldownMax;
        target.MaxTransientRetries = MaxTransientRetries;
        target.MaxRetryDelay = MaxRetryDelay;
        target.RetryBeforeFailover = RetryBeforeFailover;
        target.CrisisMessage = CrisisMessage ?? target.CrisisMessage;
        target.ProbeInstructions = ProbeInstructions ?? target.ProbeInstructions;
    }
}
