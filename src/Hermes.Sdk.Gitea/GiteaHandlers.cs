using System.Net.Http.Headers;
using System.Text.Json;

namespace Hermes.Sdk.Gitea;

/// <summary>
/// Adds <c>Authorization: token …</c> from the agent's own token (environment variable or file), unless the request
/// already carries credentials (Basic auth for token creation). The token is read once and never logged.
/// </summary>
internal sealed class GiteaAuthHandler(GiteaClientOptions options) : DelegatingHandler
{
    private readonly Lazy<string?> _token = new(() => ReadToken(options));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null && _token.Value is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("token", token);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static string? ReadToken(GiteaClientOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.TokenFile))
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(options.TokenFile) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
            {
                throw new InvalidOperationException($"The token file {options.TokenFile} is readable by other users; run: chmod 600 {options.TokenFile}");
            }

            string? line = File.ReadLines(options.TokenFile).FirstOrDefault()?.Trim();
            return string.IsNullOrEmpty(line) ? throw new InvalidOperationException($"The token file {options.TokenFile} is empty.") : line;
        }

        string? value = Environment.GetEnvironmentVariable(options.TokenEnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}

/// <summary>
/// Turns Gitea's error answers into typed <see cref="GiteaException"/>s carrying Gitea's message (read leniently: some
/// bodies are empty or not <c>{message,url}</c>). Used as Refit's exception factory, so it sees only the final answer,
/// after the retry handler.
/// </summary>
internal static class GiteaErrors
{
    public static async ValueTask<Exception?> CreateAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        string body = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        HttpRequestMessage? request = response.RequestMessage;
        GiteaException error = GiteaException.Create(response.StatusCode, request?.Method.Method ?? "?", request?.RequestUri?.AbsolutePath ?? string.Empty, ReadMessage(body));

        // Refit keeps only its own exception types in IApiResponse.Error; methods returning IApiResponse (the paged
        // lists) find the typed error on their request instead.
        request?.Options.Set(ErrorKey, error);
        return error;
    }

    /// <summary>Where the typed error of a failed request is kept for methods that return <see cref="Refit.IApiResponse"/>.</summary>
    internal static readonly HttpRequestOptionsKey<GiteaException> ErrorKey = new("Hermes.Sdk.Gitea.Error");

    /// <summary>The typed error recorded for an unsuccessful response.</summary>
    internal static GiteaException? Recorded(Refit.IApiResponse response) =>
        response.RequestMessage?.Options.TryGetValue(ErrorKey, out GiteaException? error) == true ? error : null;

    internal static string? ReadMessage(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString();
            }
        }
        catch (JsonException)
        {
        }

        // Not {message,url} (e.g. a merge conflict's serialized error): keep a bounded, single-line excerpt.
        string flat = body.ReplaceLineEndings(" ").Trim();
        return flat.Length > 300 ? flat[..300] + "…" : flat;
    }
}
