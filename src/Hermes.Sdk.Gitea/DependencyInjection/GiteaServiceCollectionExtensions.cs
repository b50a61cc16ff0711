using Hermes.Sdk.Gitea;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hermes.Sdk Gitea client.</summary>
public static class GiteaServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IGiteaApi"/> (Refit's generated client on <see cref="IHttpClientFactory"/>) and
    /// <see cref="GiteaClient"/>. The pipeline: the agent's token, then retries of
    /// idempotent requests only (GET, PUT, DELETE…) on 429/5xx/connection failures, honouring Retry-After.
    /// 401/403 are never retried; failures surface as typed <see cref="GiteaException"/>s. Options are validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the forge address and where the token is.</param>
    /// <returns>The HTTP client builder, to add handlers.</returns>
    public static IHttpClientBuilder AddHermesGitea(this IServiceCollection services, Action<GiteaClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<GiteaClientOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GiteaClientOptions>, GiteaClientOptionsValidator>());
        services.TryAddSingleton<GiteaClient>();

        var settings = new RefitSettings(SystemTextJsonContentSerializer.ForContext(GiteaJsonContext.Default))
        {
            ExceptionFactory = GiteaErrors.CreateAsync,
        };
        IHttpClientBuilder builder = services
            .AddRefitGeneratedClient<IGiteaApi>(settings)
            .ConfigureHttpClient((sp, client) =>
            {
                GiteaClientOptions options = sp.GetRequiredService<IOptions<GiteaClientOptions>>().Value;
                client.BaseAddress = options.ApiBase;
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline's timeouts apply
            })
            .AddHttpMessageHandler(sp => new GiteaAuthHandler(sp.GetRequiredService<IOptions<GiteaClientOptions>>().Value));

        builder.AddResilienceHandler("hermes-gitea", (pipeline, context) =>
        {
            GiteaClientOptions options = context.ServiceProvider.GetRequiredService<IOptions<GiteaClientOptions>>().Value;
            var retry = new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.MaxRetries, 1),
                Delay = options.RetryDelay,
                BackoffType = Polly.DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
            };
            retry.DisableForUnsafeHttpMethods(); // POST and PATCH are never retried: they are not idempotent
            if (options.MaxRetries > 0)
            {
                pipeline.AddRetry(retry);
            }

            pipeline.AddTimeout(options.AttemptTimeout);
        });
        return builder;
    }
}
