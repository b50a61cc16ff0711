using Hermes.Sdk.Skills;

namespace Hermes.Sdk.Agents;

/// <summary>
/// The agent's skills as tools, for every tier (the sixth commandment: procedural memory): list, read on demand and
/// follow; record a verification; and, having finished a task in a new way, propose a skill through the library's
/// create path (validated, written atomically) or fix an outdated one (its previous version kept).
/// </summary>
public static class SkillAgentTools
{
    private static readonly AgentTier[] AllTiers = [AgentTier.Strategist, AgentTier.Worker, AgentTier.Wolf];

    /// <summary>The skill tools of a library (<see cref="SkillTools.Create"/>), offered to every tier.</summary>
    /// <param name="library">The agent's skill library.</param>
    /// <returns>The tools.</returns>
    public static IReadOnlyList<AgentTool> All(SkillLibrary library) =>
        [.. SkillTools.Create(library).Select(f => new AgentTool(f, AllTiers))];
}
