using System.Net;
using System.Net.Http.Headers;

namespace Hermes.Sdk.Models.Providers;

/// <summary>What the HTTP layer saw during one provider attempt.</summary>
internal sealed class HttpObservation
{
    public HttpStatusCode? StatusCode { get; set; }

    public TimeSpan? RetryAfter { get; set; }

    public string? ErrorBody { get; set; }
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
