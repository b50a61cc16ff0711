using Hermes.Sdk.Agents;

namespace Hermes.Sdk.Seed;

/// <summary>
/// What the seed's tasks may spend and how far its burn night looks (config.yaml's <c>work</c> section). A limit left
/// out is the role's own: <see cref="WorkerFlow.DefaultBudget"/>, <see cref="ReviewQueue.DefaultBudget"/> or
/// <see cref="WolfTriage.DefaultBudget"/>.
/// </summary>
public sealed record SeedWorkLimits
{
    /// <summary>Tool calls per task (<c>max_tool_calls</c>).</summary>
    public int? MaxToolCalls { get; init; }

    /// <summary>Model tokens per task, input and output (<c>max_tokens</c>).</summary>
    public long? MaxTokens { get; init; }

    /// <summary>Wall time per task (<c>max_wall_time</c>).</summary>
    public TimeSpan? MaxWallTime { get; init; }

    /// <summary>How many stale issues a burn night looks at, oldest activity first (<c>burn_max_issues</c>; default 50).</summary>
    public int BurnMaxIssues { get; init; } = 50;

    /// <summary>How long without activity makes an issue stale for a burn night (<c>burn_stale_after</c>; default 14 days).</summary>
    public TimeSpan BurnStaleAfter { get; init; } = TimeSpan.FromDays(14);

    /// <summary>The role's budget with every limit this section sets put in its place.</summary>
    /// <param name="roleDefault">The role's own budget.</param>
    /// <returns>The budget a task of the seed runs on.</returns>
    public AgentBudget Apply(AgentBudget roleDefault)
    {
        ArgumentNullException.ThrowIfNull(roleDefault);
        return roleDefault with
        {
            MaxToolCalls = MaxToolCalls ?? roleDefault.MaxToolCalls,
            MaxTokens = MaxTokens ?? roleDefault.MaxTokens,
            MaxWallTime = MaxWallTime ?? roleDefault.MaxWallTime,
        };
    }
}
