using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Gitea;

/// <summary>Where the forge is and how the agent authenticates. Validated at start-up.</summary>
public sealed class GiteaClientOptions
{
    /// <summary>The forge's root address, e.g. <c>https://forge.example</c> (the API is under <c>/api/v1</c>).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The environment variable holding the agent's token (default <c>GITEA_TOKEN</c>).</summary>
    public string TokenEnvironmentVariable { get; set; } = "GITEA_TOKEN";

    /// <summary>A file holding the token (first line), used when set; it must not be readable by others.</summary>
    public string? TokenFile { get; set; }

    /// <summary>Retries of an idempotent request after 429/5xx/connection failures (honouring Retry-After). Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry delay (exponential with jitter). Default 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt may take. Default 30 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The page size asked for when the server's maximum is unknown. Default 50 (Gitea's default maximum).</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>The API root, <c>{BaseUrl}/api/v1/</c>.</summary>
    public Uri ApiBase => new(new Uri(BaseUrl!.ToString().TrimEnd('/') + "/"), "api/v1/");
}

/// <summary>Validates <see cref="GiteaClientOptions"/>.</summary>
internal sealed class GiteaClientOptionsValidator : IValidateOptions<GiteaClientOptions>
{
    public ValidateOptionsResult Validate(string? name, GiteaClientOptions options)
    {
        var problems = new List<string>();
        if (options.BaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add("BaseUrl: the forge's absolute http(s) address is required (e.g. https://forge.example)");
        }

        if (string.IsNullOrWhiteSpace(options.TokenEnvironmentVariable) && string.IsNullOrWhiteSpace(options.TokenFile))
        {
            problems.Add("TokenEnvironmentVariable/TokenFile: name where the agent's token is");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            problems.Add("MaxRetries: must be 0 to 10");
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.AttemptTimeout <= TimeSpan.Zero)
        {
            problems.Add("RetryDelay/AttemptTimeout: must be positive");
        }

        if (options.PageSize is < 1 or > 1000)
        {
            problems.Add("PageSize: must be 1 to 1000");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
