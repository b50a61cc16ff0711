using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.TaskQueue;

/// <summary>The command center's task-board lanes, derived only from the forge: labels, assignees and state.</summary>
public enum TaskLane
{
    /// <summary>Nobody holds it (no claim label, no assignee).</summary>
    Unassigned,

    /// <summary>Claimed, work not started (it keeps the ready label until it starts).</summary>
    Assigned,

    /// <summary>Claimed and labelled in progress.</summary>
    InProgress,

    /// <summary>Waiting on something outside the agent.</summary>
    Blocked,

    /// <summary>A pull request is under review.</summary>
    InReview,

    /// <summary>The signals contradict each other; <see cref="TaskCard.Ambiguity"/> says how. Never guessed.</summary>
    Ambiguous,
}

/// <summary>A claim an agent won: it alone holds the issue until it releases, completes, or is reaped.</summary>
/// <param name="Owner">The repository's owner.</param>
/// <param name="Repo">The repository.</param>
/// <param name="Number">The issue's number.</param>
/// <param name="Title">The issue's title when claimed.</param>
/// <param name="Agent">The agent holding it.</param>
public sealed record TaskClaim(string Owner, string Repo, long Number, string Title, string Agent)
{
    /// <inheritdoc />
    public override string ToString() => $"{Owner}/{Repo}#{Number} held by {Agent}";
}

/// <summary>One issue on the task board.</summary>
/// <param name="Number">The issue's number.</param>
/// <param name="Title">Its title.</param>
/// <param name="Lane">Its lane.</param>
/// <param name="Holders">Agents whose claim labels are on it (more than one only while a race is being settled).</param>
/// <param name="Assignees">Its assignees' logins.</param>
/// <param name="IsReady">Whether it carries the ready label.</param>
/// <param name="LastActivity">When anything last happened on it.</param>
/// <param name="Ambiguity">Why the lane is <see cref="TaskLane.Ambiguous"/>; otherwise null.</param>
public sealed record TaskCard(long Number, string Title, TaskLane Lane, IReadOnlyList<string> Holders, IReadOnlyList<string> Assignees, bool IsReady, DateTimeOffset LastActivity, string? Ambiguity)
{
    /// <summary>Places an issue in its lane from the forge's signals alone.</summary>
    internal static TaskCard Classify(GiteaIssue issue, GiteaTaskQueueOptions options)
    {
        string[] holders = [.. issue.Labels.Where(l => l.Name.StartsWith(options.ClaimLabelPrefix, StringComparison.Ordinal)).Select(l => l.Name[options.ClaimLabelPrefix.Length..]).Order(StringComparer.Ordinal)];
        string[] assignees = [.. (issue.Assignees ?? []).Select(a => a.Login)];
        string[] statuses = [.. options.StatusLabels.Where(s => issue.Labels.Has(s))];
        bool ready = issue.Labels.Has(options.ReadyLabel);
        TaskLane statusLane = statuses.Length == 0 ? TaskLane.Assigned
            : statuses[0] == options.InProgressLabel ? TaskLane.InProgress
            : statuses[0] == options.BlockedLabel ? TaskLane.Blocked
            : TaskLane.InReview;

        string? ambiguity =
            holders.Length > 1 ? $"claimed by several agents ({string.Join(", ", holders)}): a race not yet settled"
            : statuses.Length > 1 ? $"several lane labels ({string.Join(", ", statuses)})"
            : holders.Length == 0 && assignees.Length == 0 && statuses.Length > 0 ? $"labelled '{statuses[0]}' but nobody holds or is assigned it"
            : ready && statuses.Length > 0 ? $"labelled '{options.ReadyLabel}' yet '{statuses[0]}'"
            : ready && holders.Length == 0 && assignees.Length > 0 ? $"labelled '{options.ReadyLabel}' yet assigned to {string.Join(", ", assignees)} with no claim"
            : holders.Length == 1 && assignees.Length > 0 && !assignees.Contains(holders[0], StringComparer.OrdinalIgnoreCase) ? $"claimed by {holders[0]} but assigned to {string.Join(", ", assignees)}"
            : null;

        TaskLane lane = ambiguity is not null ? TaskLane.Ambiguous
            : holders.Length == 0 && assignees.Length == 0 ? TaskLane.Unassigned
            : statusLane;
        return new TaskCard(issue.Number, issue.Title, lane, holders, assignees, ready, issue.UpdatedAt, ambiguity);
    }
}

/// <summary>The open issues of a repository by lane, read from the forge at <see cref="ReadAt"/>.</summary>
/// <param name="Owner">The repository's owner.</param>
/// <param name="Repo">The repository.</param>
/// <param name="ReadAt">When it was read (a board is a projection, never live truth).</param>
/// <param name="Cards">Every open issue.</param>
public sealed record TaskBoard(string Owner, string Repo, DateTimeOffset ReadAt, IReadOnlyList<TaskCard> Cards)
{
    /// <summary>The cards in a lane.</summary>
    /// <param name="lane">The lane.</param>
    /// <returns>Its cards, by number.</returns>
    public IReadOnlyList<TaskCard> this[TaskLane lane] => [.. Cards.Where(c => c.Lane == lane).OrderBy(c => c.Number)];
}

/// <summary>What <see cref="GiteaTaskQueue.ReapStaleAsync"/> did to one issue.</summary>
/// <param name="Number">The issue's number.</param>
/// <param name="Agents">The agents whose claim labels were removed.</param>
/// <param name="LastActivity">The issue's last activity before reaping.</param>
/// <param name="Reason">Why: a stale claim returned to ready, or an abandoned losing claim cleared.</param>
public sealed record ReapedClaim(long Number, IReadOnlyList<string> Agents, DateTimeOffset LastActivity, string Reason);

/// <summary>The agent no longer holds a claim: it was reaped as stale or released by someone else.</summary>
public sealed class TaskClaimLostException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="claim">The claim that was lost.</param>
    public TaskClaimLostException(TaskClaim claim)
        : base($"{claim.Agent} no longer holds {claim.Owner}/{claim.Repo}#{claim.Number}: its claim label is gone (reaped as stale, or released by someone else). Pick another task.")
    {
        Claim = claim;
    }

    /// <summary>The lost claim.</summary>
    public TaskClaim Claim { get; }
}
