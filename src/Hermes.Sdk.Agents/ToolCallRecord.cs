namespace Hermes.Sdk.Agents;

/// <summary>What became of a tool call.</summary>
public enum ToolCallOutcome
{
    /// <summary>The tool ran and answered.</summary>
    Succeeded,

    /// <summary>The tool ran and failed; the model was told so.</summary>
    Failed,

    /// <summary>
    /// Nothing was done: not a tool of the agent's role or token, the budget was spent, or the tool's own rule forbade
    /// the call (a write outside the agent's branches, an approval over failing checks, a merge that is not green).
    /// </summary>
    Refused,
}

/// <summary>One tool call in an agent's audit trail.</summary>
/// <param name="Tool">The tool's name, as the model asked for it.</param>
/// <param name="Arguments">The arguments, summarised (long values cut).</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="Detail">The result or the error, summarised, or why it was refused.</param>
/// <param name="Duration">How long the tool ran (zero when refused).</param>
public sealed record ToolCallRecord(string Tool, string Arguments, ToolCallOutcome Outcome, string Detail, TimeSpan Duration);
