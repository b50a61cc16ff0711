namespace Hermes.Sdk.Agents;

/// <summary>Why an agent's task ended.</summary>
public enum AgentStopReason
{
    /// <summary>The model gave its final answer.</summary>
    Completed,

    /// <summary>The model asked for more tool calls than <see cref="AgentBudget.MaxToolCalls"/>.</summary>
    ToolCallBudget,

    /// <summary>The task's requests used more than <see cref="AgentBudget.MaxTokens"/>.</summary>
    TokenBudget,

    /// <summary>The task ran longer than <see cref="AgentBudget.MaxWallTime"/>.</summary>
    WallTime,
}
