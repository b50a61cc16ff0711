using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.TaskQueue;

/// <summary>
/// One agent's view of one repository's label task queue: which repository, who the agent is, and the label names
/// of the lanes. Validated when the queue is created (and at start-up under DI).
/// </summary>
public sealed class GiteaTaskQueueOptions
{
    /// <summary>The repository's owner (user or organisation).</summary>
    public string Owner { get; set; } = string.Empty;

    /// <summary>The repository's name.</summary>
    public string Repo { get; set; } = string.Empty;

    /// <summary>
    /// The agent — its Gitea login, which its token must authenticate as (one token per agent, never a shared or human
    /// one). Its claim label is <see cref="ClaimLabelPrefix"/> + this name, e.g. <c>assigned:wolf-1</c>.
    /// </summary>
    public string Agent { get; set; } = string.Empty;

    /// <summary>The label of work waiting to be taken. Default <c>ready</c>.</summary>
    public string ReadyLabel { get; set; } = "ready";

    /// <summary>The prefix of claim labels. Default <c>assigned:</c>.</summary>
    public string ClaimLabelPrefix { get; set; } = "assigned:";

    /// <summary>The label of work being done. Default <c>in-progress</c>.</summary>
    public string InProgressLabel { get; set; } = "in-progress";

    /// <summary>The label of work waiting on something outside the agent. Default <c>blocked</c>.</summary>
    public string BlockedLabel { get; set; } = "blocked";

    /// <summary>The label of work with a pull request under review. Default <c>in-review</c>.</summary>
    public string InReviewLabel { get; set; } = "in-review";

    /// <summary>
    /// Make the agent one of the issue's assignees when it starts the work (<see cref="GiteaTaskQueue.StartAsync"/>),
    /// keeping the assignees already there: the assignee shows who is working, the claim label who holds it. Default true.
    /// </summary>
    public bool AssignOnStart { get; set; } = true;

    /// <summary>
    /// How long a claim (assigned or in progress) may go without any activity on the issue — comment, label change,
    /// edit — before <see cref="GiteaTaskQueue.ReapStaleAsync"/> returns it to <see cref="ReadyLabel"/>. Blocked and
    /// in-review work waits on others and is not reaped. Default 2 hours.
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// The fleet shares out the ready list so its agents rarely write to the same issue: ranked by the claim labels in
    /// the repository, each agent reads its own pages of the list first, then helps with the newer half of others'.
    /// Set false to take the oldest issue first (strict FIFO) — only for a small fleet that needs strict order: with
    /// twenty agents it claims at about a hundredth of the shared-out rate (docs/gitea.md, Benchmark). Default true.
    /// </summary>
    public bool SpreadClaims { get; set; } = true;

    /// <summary>The agent's claim label, e.g. <c>assigned:wolf-1</c>.</summary>
    public string ClaimLabel => ClaimLabelPrefix + Agent;

    internal IEnumerable<string> StatusLabels => [InProgressLabel, BlockedLabel, InReviewLabel];

    /// <summary>Ready, not a pull request, and nobody's claim on it.</summary>
    internal bool IsClaimable(GiteaIssue issue) =>
        issue.PullRequest is null && issue.Labels.Has(ReadyLabel) && issue.Labels.CountStartingWith(ClaimLabelPrefix) == 0;

    internal bool IsClaimLabel(string name) => name.StartsWith(ClaimLabelPrefix, StringComparison.Ordinal);

    /// <summary>The agent a claim label names.</summary>
    internal string AgentOf(string claimLabel) => claimLabel[ClaimLabelPrefix.Length..];
}

/// <summary>Validates <see cref="GiteaTaskQueueOptions"/>.</summary>
internal sealed partial class GiteaTaskQueueOptionsValidator : IValidateOptions<GiteaTaskQueueOptions>
{
    public ValidateOptionsResult Validate(string? name, GiteaTaskQueueOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Owner) || string.IsNullOrWhiteSpace(options.Repo))
        {
            problems.Add("Owner/Repo: name the repository whose issues are the task queue");
        }

        if (!AgentName().IsMatch(options.Agent ?? string.Empty))
        {
            problems.Add($"Agent: '{options.Agent}' is not a Gitea login (letters, digits, '-', '_', '.'; up to 40 characters)");
        }

        string[] labels = [options.ReadyLabel, options.InProgressLabel, options.BlockedLabel, options.InReviewLabel];
        foreach (string label in labels.Append(options.ClaimLabelPrefix))
        {
            if (string.IsNullOrWhiteSpace(label) || label.Contains(',', StringComparison.Ordinal))
            {
                problems.Add($"labels: '{label}' is not usable (empty, or contains ',' which Gitea's label filter splits on)");
            }
        }

        if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Length)
        {
            problems.Add("labels: ready, in-progress, blocked and in-review must be four different labels");
        }

        if (labels.Any(l => !string.IsNullOrEmpty(options.ClaimLabelPrefix) && l?.StartsWith(options.ClaimLabelPrefix, StringComparison.Ordinal) == true))
        {
            problems.Add($"labels: a lane label starts with the claim prefix '{options.ClaimLabelPrefix}'");
        }

        if (options.StaleAfter <= TimeSpan.Zero)
        {
            problems.Add("StaleAfter: must be positive");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    private static partial Regex AgentName();
}
