using Hermes.Sdk.Skills;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the agent's skills.</summary>
public static class SkillsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="SkillLibrary"/> (roots validated at start-up). Use <see cref="SkillTools.Create"/> to hand the skills to a model as tools.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">The roots, highest precedence first (project, user, fleet-shared).</param>
    /// <returns>The options builder.</returns>
    public static OptionsBuilder<SkillLibraryOptions> AddHermesSkills(this IServiceCollection services, Action<SkillLibraryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        OptionsBuilder<SkillLibraryOptions> options = services.AddOptions<SkillLibraryOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SkillLibraryOptions>, SkillLibraryOptionsValidator>());
        services.TryAddSingleton(sp => new SkillLibrary(sp.GetRequiredService<IOptions<SkillLibraryOptions>>(), sp.GetService<ILogger<SkillLibrary>>(), sp.GetService<TimeProvider>()));
        return options;
    }
}
