using Hermes.Sdk.Fleet;
using Hermes.Sdk.Identity.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the fleet bus.</summary>
public static class FleetServiceCollectionExtensions
{
    /// <summary>
    /// Adds a connected <see cref="FleetBus"/> for this agent, authenticated with the NKey of its identity
    /// (<c>AddHermesIdentity</c>). Options are validated at start-up, including the plaintext rule. Resolve it with
    /// <c>await provider.GetRequiredService&lt;Task&lt;FleetBus&gt;&gt;()</c> (the connection is made once, on first use).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">The fleet, the agent, the server.</param>
    /// <returns>The options builder.</returns>
    public static OptionsBuilder<FleetOptions> AddHermesFleet(this IServiceCollection services, Action<FleetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        OptionsBuilder<FleetOptions> options = services.AddOptions<FleetOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FleetOptions>, FleetOptionsValidator>());
        services.TryAddSingleton(sp => new Lazy<Task<FleetBus>>(async () =>
        {
            AgentIdentity identity = await sp.GetRequiredService<AgentIdentityProvider>().GetIdentityAsync().ConfigureAwait(false);
            return await FleetBus.ConnectAsync(sp.GetRequiredService<IOptions<FleetOptions>>().Value, identity.NKey, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()).ConfigureAwait(false);
        }));
        services.TryAddSingleton(sp => sp.GetRequiredService<Lazy<Task<FleetBus>>>().Value);
        return options;
    }
}
