using System.Net;

namespace Hermes.Sdk.Models.Chain;

/// <summary>Why one provider could not answer.</summary>
public enum ProviderFailureKind
{
    /// <summary>HTTP 429: rate limited. Retried with backoff (honouring Retry-After) and failed over.</summary>
    RateLimited,

    /// <summary>HTTP 5xx: the provider is failing. Retried with backoff and failed over.</summary>
    ServerError,

    /// <summary>HTTP 401/403: the key is wrong or lacks access. Failed over at once.</summary>
    AuthenticationFailed,

    /// <summary>The API key's environment variable is not set. Failed over at once.</summary>
    MissingApiKey,

    /// <summary>The provider does not know the model (404 or an unknown-model error). Failed over at once.</summary>
    ModelNotFound,

    /// <summary>No answer within the timeout. Failed over.</summary>
    Timeout,

    /// <summary>Connection refused, reset or dropped, or the host is unknown. Failed over.</summary>
    Unreachable,

    /// <summary>A 2xx answer that could not be read (garbage JSON). Failed over.</summary>
    MalformedResponse,

    /// <summary>A 2xx answer with no content. Failed over.</summary>
    EmptyResponse,

    /// <summary>A stream that ended without a finish reason. Failed over if nothing was streamed yet.</summary>
    Truncated,

    /// <summary>The prompt is longer than the model's context. Moved to a provider with a larger context, if configured.</summary>
    ContextLengthExceeded,

    /// <summary>HTTP 400: the request itself is malformed. Not failed over: another model will not fix it.</summary>
    BadRequest,

    /// <summary>The provider refused or its content filter blocked the request. Final: never retried elsewhere.</summary>
    Refused,

    /// <summary>Not tried: the request is sensitive and the provider is not private.</summary>
    SkippedNotPrivate,

    /// <summary>Not tried: the provider's circuit is open after recent failures.</summary>
    SkippedCircuitOpen,

    /// <summary>Not tried: its context window is not larger than the one that overflowed.</summary>
    SkippedContextTooSmall,
}

/// <summary>One provider's failure within a chain request (no prompt text, no key).</summary>
/// <param name="Provider">The provider's display name.</param>
/// <param name="Model">The model id.</param>
/// <param name="Kind">What went wrong.</param>
/// <param name="StatusCode">The HTTP status, when there was one.</param>
/// <param name="Detail">A short explanation (never prompt text or secrets).</param>
public sealed record ProviderFailure(string Provider, string Model, ProviderFailureKind Kind, HttpStatusCode? StatusCode, string Detail)
{
    /// <summary>Whether the failure may pass by itself (429, 5xx, timeout, dropped connection).</summary>
    public bool IsTransient => Kind is ProviderFailureKind.RateLimited or ProviderFailureKind.ServerError or ProviderFailureKind.Timeout or ProviderFailureKind.Unreachable or ProviderFailureKind.MalformedResponse or ProviderFailureKind.EmptyResponse or ProviderFailureKind.Truncated;

    /// <summary><c>provider (model): kind [HTTP n] — detail</c>.</summary>
    /// <returns>The formatted failure.</returns>
    public override string ToString() =>
        $"{Provider} ({Model}): {Kind}{(StatusCode is { } s ? $" [HTTP {(int)s}]" : string.Empty)} — {Detail}";
}

/// <summary>Base class of the chain's typed errors.</summary>
public abstract class ModelChainException : Exception
{
    private protected ModelChainException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>Every provider failed or was skipped: the agent is deaf, loudly. <see cref="Failures"/> lists each provider's failure.</summary>
public sealed class ModelChainExhaustedException : ModelChainException
{
    internal ModelChainExhaustedException(IReadOnlyList<ProviderFailure> failures)
        : base($"Every model in the chain failed ({failures.Count} attempts):{Environment.NewLine}{string.Join(Environment.NewLine, failures.Select(f => "  - " + f))}")
    {
        Failures = failures;
    }

    /// <summary>Each attempt's failure, in order.</summary>
    public IReadOnlyList<ProviderFailure> Failures { get; }
}

/// <summary>The provider rejected the request as malformed (HTTP 400); no other model was tried.</summary>
public sealed class ModelRequestRejectedException : ModelChainException
{
    internal ModelRequestRejectedException(ProviderFailure failure, Exception? inner)
        : base($"The request was rejected as malformed by {failure.Provider} ({failure.Model}): {failure.Detail}. Another model would not fix it, so the chain stopped.", inner)
    {
        Failure = failure;
    }

    /// <summary>The rejection.</summary>
    public ProviderFailure Failure { get; }
}

/// <summary>The provider refused the request or its content filter blocked it. Refusals are final: no other model is asked.</summary>
public sealed class ModelRefusalException : ModelChainException
{
    internal ModelRefusalException(ProviderFailure failure, Exception? inner)
        : base($"{failure.Provider} ({failure.Model}) refused the request: {failure.Detail}. Refusals are final; the request was not sent to another model.", inner)
    {
        Failure = failure;
    }

    /// <summary>The refusal.</summary>
    public ProviderFailure Failure { get; }
}

/// <summary>
/// A streaming response broke after output had already reached the caller. The chain does not fail over then
/// (another model would restart the answer mid-sentence); the caller decides whether to retry the turn.
/// </summary>
public sealed class ModelStreamInterruptedException : ModelChainException
{
    internal ModelStreamInterruptedException(ProviderFailure failure, Exception? inner)
        : base($"The streamed answer from {failure.Provider} ({failure.Model}) broke after output had been delivered: {failure.Kind} — {failure.Detail}.", inner)
    {
        Failure = failure;
    }

    /// <summary>What broke.</summary>
    public ProviderFailure Failure { get; }
}

/// <summary>
/// One provider failed. Thrown by a single provider's client (<see cref="ModelChain.GetProviderClient(int)"/>), which
/// bypasses failover; the chain itself reports failures through the other <see cref="ModelChainException"/> types.
/// </summary>
public sealed class ModelProviderException : ModelChainException
{
    internal ModelProviderException(ProviderFailure failure, TimeSpan? retryAfter, Exception? inner)
        : base(failure.ToString(), inner)
    {
        Failure = failure;
        RetryAfter = retryAfter;
    }

    /// <summary>What went wrong.</summary>
    public ProviderFailure Failure { get; }

    /// <summary>How long the provider asked callers to wait (Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; }
}
