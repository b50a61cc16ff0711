using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hermes.Sdk.Models fallback chain.</summary>
public static class ModelChainServiceCollectionExtensions
{
    /// <summary>
    /// Adds the fallback model chain as <see cref="ModelChain"/> and as the <see cref="IChatClient"/>, with its HTTP
    /// client from <see cref="IHttpClientFactory"/> (named <see cref="ModelChain.HttpClientName"/>). The options are
    /// validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the chain in code.</param>
    /// <returns>The options builder.</returns>
    public static OptionsBuilder<ModelChainOptions> AddHermesModelChain(this IServiceCollection services, Action<ModelChainOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        OptionsBuilder<ModelChainOptions> builder = services.AddOptions<ModelChainOptions>().Configure(configure);
        Register(services);
        return builder;
    }

    /// <summary>
    /// Adds the fallback model chain read from the seed's YAML (<c>model:</c> and <c>fallback_providers:</c>; see
    /// <see cref="ModelChainConfig"/>). A bad file fails start-up with every problem located by file, line and column.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configPath">The YAML file.</param>
    /// <returns>The options builder, to adjust the chain further.</returns>
    public static OptionsBuilder<ModelChainOptions> AddHermesModelChain(this IServiceCollection services, string configPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configPath);
        return services.AddHermesModelChain(options => ModelChainConfig.Load(configPath).CopyTo(options));
    }

    private static void Register(IServiceCollection services)
    {
        services.AddOptions<ModelChainOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelChainOptions>, ModelChainOptionsValidator>());
        // The chain's own timeouts apply (per attempt, idle while streaming); the observer records status, Retry-After
        // and error bodies so every SDK's failures are classified alike.
        services.AddHttpClient(ModelChain.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(() => new Hermes.Sdk.Models.Providers.ProviderHttpObserver());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ModelChain(
            sp.GetRequiredService<IOptions<ModelChainOptions>>().Value,
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IChatClient>(sp => sp.GetRequiredService<ModelChain>());
    }
}
