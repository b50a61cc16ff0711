using Hermes.Sdk.Gitea;
using Hermes.Sdk.TaskQueue;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hermes.Sdk task queue.</summary>
public static class TaskQueueServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="GiteaTaskQueue"/>: this agent's hands on a repository's label task queue. Needs
    /// <c>services.AddHermesGitea(…)</c> (the agent's own token). Options are validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Names the repository and the agent, and the lane labels when not the defaults.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddHermesTaskQueue(this IServiceCollection services, Action<GiteaTaskQueueOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<GiteaTaskQueueOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GiteaTaskQueueOptions>, GiteaTaskQueueOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new GiteaTaskQueue(
            sp.GetRequiredService<GiteaClient>(),
            sp.GetRequiredService<IOptions<GiteaTaskQueueOptions>>(),
            sp.GetService<ILogger<GiteaTaskQueue>>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
