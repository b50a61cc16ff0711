using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.Safety;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the agent's conscience and ship gate.</summary>
public static class SafetyServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="Conscience"/> (the soul, checked against its pin at start-up: a drifted soul stops the agent) and
    /// <see cref="ShipGate"/>. Put the conscience in front of the model chain with
    /// <c>services.AddChatClient(…).UseConscience()</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Where the soul, test set and records are; the locale.</param>
    /// <returns>The options builder.</returns>
    public static OptionsBuilder<SafetyOptions> AddHermesSafety(this IServiceCollection services, Action<SafetyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<SafetyOptions> options = services.AddOptions<SafetyOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SafetyOptions>, SafetyOptionsValidator>());

        // A registered model chain answers a crisis turn it cannot serve in the words of this locale's lines.
        services.AddOptions<ModelChainOptions>().PostConfigure<IOptions<SafetyOptions>>((chain, safety) => chain.CrisisMessage ??= CrisisFallback.MessageFor(safety.Value.Locale));
        services.TryAddSingleton(sp => Conscience.Load(sp.GetRequiredService<IOptions<SafetyOptions>>().Value));
        services.TryAddSingleton(sp => new ShipGate(sp.GetRequiredService<IOptions<SafetyOptions>>(), sp.GetService<TimeProvider>()));
        return options;
    }

    /// <summary>Wraps the chat client (typically the model chain) in the conscience registered by <see cref="AddHermesSafety"/>.</summary>
    /// <param name="builder">The chat client builder.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseConscience(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new ConscienceChatClient(inner, services.GetRequiredService<Conscience>()));
    }

    /// <summary>Wraps the chat client in a given conscience.</summary>
    /// <param name="builder">The chat client builder.</param>
    /// <param name="conscience">The conscience.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseConscience(this ChatClientBuilder builder, Conscience conscience)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(conscience);
        return builder.Use(inner => new ConscienceChatClient(inner, conscience));
    }
}
