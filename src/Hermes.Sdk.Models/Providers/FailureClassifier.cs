using System.Net;
using System.Net.Sockets;
using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;

namespace Hermes.Sdk.Models.Providers;

/// <summary>Turns whatever a provider SDK threw into a <see cref="ProviderFailure"/>.</summary>
internal static class FailureClassifier
{
    private static readonly string[] ContextLengthMarkers =
    [
        "context_length_exceeded", "maximum context length", "context length", "context window", "prompt is too long", "too many tokens", "reduce the length",
    ];

    private static readonly string[] RefusalMarkers = ["content_filter", "content_policy", "content policy", "responsibleaipolicyviolation", "safety system"];

    private static readonly string[] UnknownModelMarkers = ["model_not_found", "does not exist", "unknown model", "no such model", "invalid model", "not_found_error"];

    public static ProviderFailure Classify(ModelProviderOptions provider, Exception exception, HttpObservation? http, bool timedOut)
    {
        string name = provider.DisplayName;
        string model = provider.Model;
        if (timedOut)
        {
            return new(name, model, ProviderFailureKind.Timeout, null, "no answer within the timeout");
        }

        // An error the provider put inside a 200 answer (OpenRouter, once generation began): classed by its own code,
        // not as the malformed answer the SDK sees.
        if (http?.EmbeddedError is { } reported)
        {
            return Reported(name, model, reported);
        }

        // The HTTP observer normally saw the status; otherwise read it from the SDK's exception.
        HttpStatusCode? observed = http?.StatusCode;
        string? errorBody = http?.ErrorBody;
        if (observed is null or < (HttpStatusCode)400)
        {
            switch (exception)
            {
                case System.ClientModel.ClientResultException { Status: >= 400 } cre:
                    observed = (HttpStatusCode)cre.Status;
                    errorBody ??= cre.Message;
                    break;
                case Anthropic.Exceptions.AnthropicApiException aae when (int)aae.StatusCode >= 400:
                    observed = aae.StatusCode;
                    errorBody ??= aae.ResponseBody;
                    break;
            }
        }

        if (observed is { } status && (int)status >= 400)
        {
            string body = (errorBody ?? string.Empty).ToLowerInvariant();
            int code = (int)status;
            if (code == 429)
            {
                return new(name, model, ProviderFailureKind.RateLimited, status, http?.RetryAfter is { } ra ? $"rate limited; retry after {ra.TotalSeconds:0.###} s" : "rate limited");
            }

            if (code >= 500)
            {
                return new(name, model, ProviderFailureKind.ServerError, status, "the provider is failing");
            }

            if (code is 401 or 403)
            {
                return new(name, model, ProviderFailureKind.AuthenticationFailed, status, "the API key was refused");
            }

            if (ContainsAny(body, RefusalMarkers))
            {
                return new(name, model, ProviderFailureKind.Refused, status, "content filter or policy refusal");
            }

            if (code == 413 || ContainsAny(body, ContextLengthMarkers))
            {
                return new(name, model, ProviderFailureKind.ContextLengthExceeded, status, "the prompt exceeds the model's context");
            }

            if (code == 404 || ContainsAny(body, UnknownModelMarkers))
            {
                return new(name, model, ProviderFailureKind.ModelNotFound, status, $"the provider does not serve the model '{model}'");
            }

            return new(name, model, code == 400 || code == 422 ? ProviderFailureKind.BadRequest : ProviderFailureKind.ServerError, status, "the request was rejected");
        }

        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException or HttpRequestException { StatusCode: null } or HttpIOException or IOException)
            {
                return new(name, model, ProviderFailureKind.Unreachable, http?.StatusCode, e is SocketException s ? $"connection failed ({s.SocketErrorCode})" : "the connection failed or was dropped");
            }
        }

        return new(name, model, ProviderFailureKind.MalformedResponse, http?.StatusCode, $"the response could not be read ({exception.GetType().Name})");
    }

    private static bool ContainsAny(string text, string[] markers)
    {
        foreach (string marker in markers)
        {
            if (text.Contains(marker, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Classes an error reported in an answer's body by its code: an HTTP status (OpenRouter) or a name.</summary>
    internal static ProviderFailure Reported(string name, string model, ProviderReportedError reported)
    {
        string detail = $"the provider reported an error in its answer ({reported.Code}): {reported.Message}";
        string code = reported.Code.ToLowerInvariant();
        ProviderFailureKind kind = reported.Status switch
        {
            429 => ProviderFailureKind.RateLimited,
            401 or 402 or 403 => ProviderFailureKind.AuthenticationFailed,
            408 => ProviderFailureKind.Timeout,
            404 => ProviderFailureKind.ModelNotFound,
            400 or 413 or 422 => ContainsAny(reported.Message.ToLowerInvariant(), ContextLengthMarkers) ? ProviderFailureKind.ContextLengthExceeded : ProviderFailureKind.BadRequest,
            >= 500 => ProviderFailureKind.ServerError,
            _ when code.Contains("rate_limit", StringComparison.Ordinal) => ProviderFailureKind.RateLimited,
            _ when ContainsAny(code, ContextLengthMarkers) => ProviderFailureKind.ContextLengthExceeded,
            _ when ContainsAny(code, RefusalMarkers) || code.Contains("moderation", StringComparison.Ordinal) => ProviderFailureKind.Refused,
            _ => ProviderFailureKind.ServerError,
        };
        return new(name, model, kind, reported.Status is { } s ? (HttpStatusCode)s : null, detail);
    }
}
