using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.Agents;

/// <summary>
/// Sits between the function-invoking loop and the model: counts tokens and tool calls against the budget, and records
/// every call of a tool the agent was not offered as refused (the loop answers it "not found" and runs nothing).
/// </summary>
internal sealed partial class BudgetGuard(IChatClient inner, AgentTask task, IReadOnlySet<string> offered, AgentAudit audit, ILogger logger) : DelegatingChatClient(inner)
{
    private long _tokens;
    private int _calls;

    public long Tokens => Interlocked.Read(ref _tokens);

    public AgentStopReason? Exceeded { get; private set; }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Tokens >= task.Budget.MaxTokens)
        {
            Exceeded = AgentStopReason.TokenBudget;
            throw new AgentBudgetExceededException(AgentStopReason.TokenBudget, $"the task used {Tokens} tokens of its {task.Budget.MaxTokens}");
        }

        ChatResponse response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _tokens, response.Usage?.TotalTokenCount ?? ((response.Usage?.InputTokenCount ?? 0) + (response.Usage?.OutputTokenCount ?? 0)));
        foreach (FunctionCallContent call in response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
        {
            string arguments = AgentAudit.Summarize(call.Arguments);
            if (++_calls > task.Budget.MaxToolCalls)
            {
                audit.Add(new ToolCallRecord(call.Name, arguments, ToolCallOutcome.Refused, $"the task's budget of {task.Budget.MaxToolCalls} tool calls is spent", TimeSpan.Zero));
                LogBudgetSpent(call.Name, task.Budget.MaxToolCalls);
                Exceeded = AgentStopReason.ToolCallBudget;
                throw new AgentBudgetExceededException(AgentStopReason.ToolCallBudget, $"the model asked for more than {task.Budget.MaxToolCalls} tool calls");
            }

            if (!offered.Contains(call.Name))
            {
                string tier = task.Tier.ToString().ToLowerInvariant();
                audit.Add(new ToolCallRecord(call.Name, arguments, ToolCallOutcome.Refused, $"not a tool of the {tier} tier or its token", TimeSpan.Zero));
                LogRefused(call.Name, tier);
            }
        }

        return response;
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The agent loop asks for whole responses: each turn's tool calls are checked before any runs.");

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Refused tool '{Tool}': not a tool of the {Tier} tier or its token.")]
    private partial void LogRefused(string tool, string tier);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Stopped before tool '{Tool}': the task's budget of {Budget} tool calls is spent.")]
    private partial void LogBudgetSpent(string tool, int budget);
}

/// <summary>Thrown inside the loop when a budget is spent; the loop turns it into <see cref="AgentRun.StopReason"/>.</summary>
internal sealed class AgentBudgetExceededException(AgentStopReason reason, string message) : Exception(message)
{
    public AgentStopReason Reason { get; } = reason;
}
