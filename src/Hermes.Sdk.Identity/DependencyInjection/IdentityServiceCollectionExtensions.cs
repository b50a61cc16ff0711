using Hermes.Sdk.Identity.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Hermes.Sdk.Identity services.</summary>
public static class IdentityServiceCollectionExtensions
{
    /// <summary>
    /// Adds the agent identity store (<see cref="IdentityStore"/>) and, when an agent name is configured, its
    /// identity (<see cref="AgentIdentityProvider"/>). Options are validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the store (root folder, agent name, passphrase source, KDF costs).</param>
    /// <returns>The options builder, to bind configuration or add validation.</returns>
    public static OptionsBuilder<IdentityStoreOptions> AddHermesIdentity(this IServiceCollection services, Action<IdentityStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<IdentityStoreOptions> builder = services.AddOptions<IdentityStoreOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IdentityStoreOptions>, IdentityStoreOptionsValidator>());
        // Logging is optional: a host without AddLogging still gets a store.
        services.TryAddSingleton(sp => new IdentityStore(sp.GetRequiredService<IOptions<IdentityStoreOptions>>().Value, sp.GetService<Microsoft.Extensions.Logging.ILogger<IdentityStore>>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<AgentIdentityProvider>();
        return builder;
    }
}
