using System.Net;
using System.Net.Http.Headers;

namespace Hermes.Sdk.Models.Providers;

/// <summary>What the HTTP layer saw during one provider attempt.</summary>
internal sealed class HttpObservation
{
    public HttpStatusCode? StatusCode { get; set; }

    public TimeSpan? RetryAfter { get; set; }

    public string? ErrorBody { get; set; }

    /// <summary>
    /// An error the provider reported inside a 200 answer — OpenRouter's <c>{"error": {"code", "message"}}</c> body, or
    /// a stream event carrying an <c>error</c> object or <c>finish_reason: "error"</c> — once generation had begun.
    /// </summary>
    public ProviderReportedError? EmbeddedError { get; set; }
}

/// <summary>An error a provider reported in its answer's body: its code (a number or a string) and message.</summary>
internal sealed record ProviderReportedError(string Code, string Message)
{
    /// <summary>The code as an HTTP status, when it is one (OpenRouter's numeric codes are).</summary>
    public int? Status => int.TryParse(Code, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int n) && n is >= 400 and < 600 ? n : null;

    /// <summary>Reads an <c>error</c> object at the top of a JSON answer or event, or a <c>finish_reason</c> of <c>error</c>.</summary>
    public static ProviderReportedError? Find(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            System.Text.Json.JsonElement root = document.RootElement;
            if (root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("error", out System.Text.Json.JsonElement error) && error.ValueKind == System.Text.Json.JsonValueKind.Object)
            {
                string code = error.TryGetProperty("code", out System.Text.Json.JsonElement c) ? c.ToString() : error.TryGetProperty("type", out System.Text.Json.JsonElement t) ? t.ToString() : "error";
                string message = error.TryGetProperty("message", out System.Text.Json.JsonElement m) ? m.ToString() : "the provider reported an error";
                return new ProviderReportedError(code, message);
            }

            if (root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("choices", out System.Text.Json.JsonElement choices) && choices.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                foreach (System.Text.Json.JsonElement choice in choices.EnumerateArray())
                {
                    if (choice.TryGetProperty("finish_reason", out System.Text.Json.JsonElement finish) && finish.ValueKind == System.Text.Json.JsonValueKind.String && finish.GetString() == "error")
                    {
                        return new ProviderReportedError("error", "the provider ended the answer with finish_reason 'error'");
                    }
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: the SDK reports a malformed answer on its own.
        }

        return null;
    }
}

/// <summary>
/// Records the status, Retry-After and error body of each provider call for the attempt in progress (an
/// <see cref="AsyncLocal{T}"/> set by the endpoint), so failures are classified the same way whichever SDK made the
/// call. Error bodies are kept only for classification; they are never logged.
/// </summary>
internal sealed class ProviderHttpObserver : DelegatingHandler
{
    private const int MaxErrorBody = 4096;
    private static readonly AsyncLocal<HttpObservation?> CurrentObservation = new();

    public static HttpObservation? Current
    {
        get => CurrentObservation.Value;
        set => CurrentObservation.Value = value;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (Current is { } observation)
        {
            observation.StatusCode = response.StatusCode;
            observation.RetryAfter = ReadRetryAfter(response.Headers);
            if ((int)response.StatusCode >= 400)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
                string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                observation.ErrorBody = body.Length > MaxErrorBody ? body[..MaxErrorBody] : body;
            }
            else if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                // Errors after generation began arrive as data events with an error object (OpenRouter): watch the
                // stream as the SDK reads it.
                var watched = new StreamContent(new SseErrorWatch(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), observation));
                foreach (KeyValuePair<string, IEnumerable<string>> header in response.Content.Headers)
                {
                    watched.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                response.Content = watched;
            }
            else if (response.Content.Headers.ContentType?.MediaType is "application/json" or null)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
                string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                observation.EmbeddedError = ProviderReportedError.Find(body);
            }
        }

        return response;
    }

    internal static TimeSpan? ReadRetryAfter(HttpResponseHeaders headers)
    {
        if (headers.TryGetValues("retry-after-ms", out IEnumerable<string>? ms)
            && double.TryParse(ms.FirstOrDefault(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double millis)
            && millis >= 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        if (headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta;
            }

            if (retryAfter.Date is { } date)
            {
                TimeSpan wait = date - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }
}
