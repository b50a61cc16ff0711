using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Agents;

/// <summary>
/// One task for the agent loop: the conversation that states it, the tools that exist, and who is doing it. Which tools
/// the model is offered is decided from <see cref="Tier"/> and <see cref="TokenScopes"/> before anything is read: text
/// inside an issue, comment, file or diff never widens it.
/// </summary>
/// <param name="Tier">The agent's tier.</param>
/// <param name="Messages">The conversation so far (instructions and the task).</param>
/// <param name="Tools">Every tool that exists; the loop offers only those the tier and the token allow.</param>
/// <param name="TokenScopes">The scopes of the agent's Gitea token.</param>
public sealed record AgentTask(AgentTier Tier, IReadOnlyList<ChatMessage> Messages, IReadOnlyList<AgentTool> Tools, IReadOnlyCollection<string> TokenScopes)
{
    /// <summary>What the task may spend.</summary>
    public AgentBudget Budget { get; init; } = new();
}

/// <summary>How a task ended.</summary>
/// <param name="Text">The model's final answer, or null when the loop was stopped before it.</param>
/// <param name="StopReason">Why it ended.</param>
/// <param name="Audit">Every tool call, with its outcome.</param>
/// <param name="TokensUsed">Model tokens used, input and output.</param>
public sealed record AgentRun(string? Text, AgentStopReason StopReason, AgentAudit Audit, long TokensUsed)
{
    /// <summary>The model's final response (its metadata names who answered), or null when the loop was stopped before it.</summary>
    public ChatResponse? Response { get; init; }
}
