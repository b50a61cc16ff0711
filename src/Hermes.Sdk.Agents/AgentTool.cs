using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Agents;

/// <summary>A tool and who may use it: the tiers it belongs to and the token scope it needs.</summary>
public sealed class AgentTool
{
    /// <summary>Creates the tool.</summary>
    /// <param name="function">The function the model calls.</param>
    /// <param name="tiers">The tiers whose agents are offered it.</param>
    /// <param name="requiredScope">The Gitea token scope it needs (e.g. <c>write:issue</c>; a write scope covers its read), or null.</param>
    public AgentTool(AIFunction function, IReadOnlyCollection<AgentTier> tiers, string? requiredScope = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(tiers);
        Function = function;
        Tiers = tiers;
        RequiredScope = requiredScope;
    }

    /// <summary>The function.</summary>
    public AIFunction Function { get; }

    /// <summary>The tiers whose agents are offered it.</summary>
    public IReadOnlyCollection<AgentTier> Tiers { get; }

    /// <summary>The token scope it needs, or null.</summary>
    public string? RequiredScope { get; }

    /// <summary>The tool's name.</summary>
    public string Name => Function.Name;

    /// <summary>
    /// Whether an agent of <paramref name="tier"/> holding <paramref name="scopes"/> may use it. Gitea's rule: a
    /// <c>write:</c> scope covers the <c>read:</c> of its category, and <c>all</c> covers everything.
    /// </summary>
    /// <param name="tier">The agent's tier.</param>
    /// <param name="scopes">The agent's token scopes.</param>
    /// <returns>Whether it is offered.</returns>
    public bool IsAllowed(AgentTier tier, IReadOnlyCollection<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (!Tiers.Contains(tier))
        {
            return false;
        }

        if (RequiredScope is null || scopes.Contains(RequiredScope) || scopes.Contains("all"))
        {
            return true;
        }

        return RequiredScope.StartsWith("read:", StringComparison.Ordinal) && scopes.Contains("write:" + RequiredScope["read:".Length..]);
    }
}
