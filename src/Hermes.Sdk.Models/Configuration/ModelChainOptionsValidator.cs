using System.Globalization;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Models.Configuration;

/// <summary>Validates a <see cref="ModelChainOptions"/> built in code or bound from configuration, at start-up.</summary>
public sealed class ModelChainOptionsValidator : IValidateOptions<ModelChainOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ModelChainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = Validate(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Every problem with the chain, each naming the provider and field.</summary>
    /// <param name="options">The chain.</param>
    /// <returns>The problems; empty when valid.</returns>
    public static IReadOnlyList<string> Validate(ModelChainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.Primary is null)
        {
            problems.Add("Primary: no primary model is configured");
        }

        IReadOnlyList<ModelProviderOptions> providers = options.Providers;
        if (providers.Count < ModelChainOptions.MinimumDepth)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the chain is {providers.Count} deep; at least {ModelChainOptions.MinimumDepth} are required"));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < providers.Count; i++)
        {
            ModelProviderOptions p = providers[i];
            string where = i == 0 ? "Primary" : string.Create(CultureInfo.InvariantCulture, $"Fallbacks[{i - 1}]");
            where += p.Source is null ? string.Empty : $" ({p.Source})";
            if (string.IsNullOrWhiteSpace(p.Model))
            {
                problems.Add($"{where}.Model: the model id is empty");
            }
            else if (!names.Add(p.DisplayName))
            {
                problems.Add($"{where}.Name: two providers are both called '{p.DisplayName}'; give one a distinct Name so reports and metrics can tell them apart");
            }

            if (p.EffectiveBaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"{where}.BaseUrl: an absolute http(s) URL is required{(p.Provider == ModelProviderKind.OpenAICompatible ? " for an OpenAI-compatible provider" : string.Empty)}");
            }

            if (p.RequiresApiKey && string.IsNullOrWhiteSpace(p.ApiKeyEnvironmentVariable))
            {
                problems.Add($"{where}.ApiKeyEnvironmentVariable: required for {p.Provider}; name the environment variable that holds the key");
            }

            if (p.Timeout is { } t && t <= TimeSpan.Zero)
            {
                problems.Add($"{where}.Timeout: must be positive");
            }

            if (p.ContextWindow is <= 0)
            {
                problems.Add($"{where}.ContextWindow: must be positive");
            }

            if (p.MaxOutputTokens is <= 0)
            {
                problems.Add($"{where}.MaxOutputTokens: must be positive");
            }
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add("RequestTimeout: must be positive");
        }

        if (options.FailureThreshold < 1)
        {
            problems.Add("FailureThreshold: must be at least 1");
        }

        if (options.CooldownInitial <= TimeSpan.Zero || options.CooldownMax < options.CooldownInitial)
        {
            problems.Add("CooldownInitial/CooldownMax: the initial cooldown must be positive and not longer than the maximum");
        }

        if (options.MaxTransientRetries < 0)
        {
            problems.Add("MaxTransientRetries: must not be negative");
        }

        if (options.MaxRetryDelay < TimeSpan.Zero)
        {
            problems.Add("MaxRetryDelay: must not be negative");
        }

        if (string.IsNullOrWhiteSpace(options.CrisisMessage))
        {
            problems.Add("CrisisMessage: not set — a person in crisis must never be met with silence; Hermes.Sdk.Safety sets it for a locale (options.UseCrisisLines(\"en-GB\"), or services.AddHermesSafety())");
        }

        return problems;
    }
}
