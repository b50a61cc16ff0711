using System.Globalization;
using System.Text;
using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.Agents;

/// <summary>What a worker did with an issue.</summary>
/// <param name="Branch">Its branch.</param>
/// <param name="PullRequest">The open pull request from it, or null when nothing was committed.</param>
/// <param name="Statuses">The statuses of the pull request's head when it was read, or null without a pull request.</param>
/// <param name="Run">The agent loop's run: its summary, stop reason and audit trail.</param>
public sealed record WorkerResult(string Branch, GiteaPullRequest? PullRequest, GiteaCombinedStatus? Statuses, AgentRun Run)
{
    /// <summary>The comment for the issue: the pull request, the statuses seen, what changed, what could not be done, and every tool call.</summary>
    /// <param name="agent">The worker's name, for the signature.</param>
    /// <returns>Markdown.</returns>
    public string ToComment(string agent)
    {
        var text = new StringBuilder();
        text.AppendLine(PullRequest is { } pr
            ? string.Create(CultureInfo.InvariantCulture, $"**Pull request:** #{pr.Number} ({pr.HtmlUrl}) from `{Branch}`")
            : $"**No pull request:** nothing was committed to `{Branch}`.");
        if (Statuses is { } statuses)
        {
            text.AppendLine().AppendLine("**Status checks seen:**").AppendLine(StatusChecks.Describe(statuses));
        }

        text.AppendLine().AppendLine("**What changed:**").AppendLine(string.IsNullOrWhiteSpace(Run.Text) ? "(the model gave no summary)" : Run.Text.Trim());
        if (Run.StopReason != AgentStopReason.Completed)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"**Could not finish:** stopped by its budget ({Run.StopReason}).");
        }

        if (Run.Audit.Refused > 0)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"**Refused:** {Run.Audit.Refused} tool call(s), outside the worker's role or against a tool's rule (see the audit trail); nothing was written for them.");
        }

        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"<details><summary>Tools: {agent}</summary>").AppendLine().AppendLine(Run.Audit.ToMarkdown()).AppendLine("</details>");
        text.AppendLine().Append(CultureInfo.InvariantCulture, $"— {agent} (worker)");
        return text.ToString();
    }
}
