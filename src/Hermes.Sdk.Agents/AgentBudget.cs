namespace Hermes.Sdk.Agents;

/// <summary>What one task may spend before the loop stops it: tool calls, model tokens and wall time.</summary>
public sealed record AgentBudget
{
    /// <summary>Tool calls (default 20). The call past it is refused and the loop ends.</summary>
    public int MaxToolCalls { get; init; } = 20;

    /// <summary>Model tokens, input and output, summed over the task's requests (default 200,000).</summary>
    public long MaxTokens { get; init; } = 200_000;

    /// <summary>Wall time for the whole task (default 10 minutes).</summary>
    public TimeSpan MaxWallTime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws when a limit is not positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxToolCalls, nameof(MaxToolCalls));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTokens, nameof(MaxTokens));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxWallTime, TimeSpan.Zero, nameof(MaxWallTime));
    }
}
