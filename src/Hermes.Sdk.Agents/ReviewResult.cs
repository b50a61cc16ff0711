namespace Hermes.Sdk.Agents;

/// <summary>A strategist's review of one pull request.</summary>
/// <param name="PullRequest">The pull request's number.</param>
/// <param name="State">The review submitted: <c>APPROVED</c>, <c>REQUEST_CHANGES</c> or <c>COMMENT</c>.</param>
/// <param name="LineComments">How many line comments it carries.</param>
/// <param name="Run">The agent loop's run: its summary, stop reason and audit trail.</param>
public sealed record ReviewResult(long PullRequest, string State, int LineComments, AgentRun Run);
