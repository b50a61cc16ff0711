namespace Hermes.Sdk.Agents;

/// <summary>
/// Thrown by a tool whose own rule forbids what the model asked (a write outside the agent's branches, an approval over
/// failing checks, a merge that is not green): nothing was written. The loop audits it as
/// <see cref="ToolCallOutcome.Refused"/>, logs it and tells the model the whole reason.
/// </summary>
internal sealed class ToolRuleRefusedException(string message) : InvalidOperationException(message);
