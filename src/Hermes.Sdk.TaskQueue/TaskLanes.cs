using Hermes.Sdk.Gitea;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.TaskQueue;

/// <summary>Moves held work between the lanes, fenced: a holder that lost its claim (reaped meanwhile) cannot move it.</summary>
internal sealed partial class TaskLanes(GiteaClient client, GiteaTaskQueueOptions options, QueueLabels labels, ILogger logger)
{
    private string Owner => options.Owner;

    private string Repo => options.Repo;

    private IGiteaApi Api => client.Api;

    /// <summary>
    /// Puts held work in <paramref name="lane"/>. The lane label is added before the others go, so the issue is never
    /// seen lane-less mid-move; the forge's answer to that write is the fence: if the claim label is gone from it
    /// (reaped between the check and the write), the move is undone and <see cref="TaskClaimLostException"/> thrown.
    /// </summary>
    public async Task MoveAsync(TaskClaim claim, string lane, string? comment, CancellationToken cancellationToken)
    {
        GiteaIssue before = await EnsureHeldAsync(claim, cancellationToken).ConfigureAwait(false);
        if (comment is not null)
        {
            await CommentAsync(claim.Number, comment, cancellationToken).ConfigureAwait(false);
        }

        List<GiteaLabel> after = await labels.AddAsync(claim.Number, lane, cancellationToken).ConfigureAwait(false);
        if (!after.Has(options.ClaimLabel))
        {
            if (!before.Labels.Has(lane))
            {
                await labels.RemoveAsync(claim.Number, after, [lane], cancellationToken).ConfigureAwait(false);
            }

            throw new TaskClaimLostException(claim);
        }

        await labels.RemoveAsync(claim.Number, after, options.StatusLabels.Where(s => s != lane).Append(options.ReadyLabel), cancellationToken).ConfigureAwait(false);
        LogMoved(claim.Number, lane);
    }

    /// <summary>Reads the issue and throws <see cref="TaskClaimLostException"/> unless it is open and the claim label still on it.</summary>
    public async Task<GiteaIssue> EnsureHeldAsync(TaskClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (!string.Equals(claim.Agent, options.Agent, StringComparison.Ordinal) || claim.Owner != Owner || claim.Repo != Repo)
        {
            throw new ArgumentException($"{claim} belongs to another agent or repository than this queue ({options.Agent} on {Owner}/{Repo}).", nameof(claim));
        }

        GiteaIssue issue = await Api.GetIssueAsync(Owner, Repo, claim.Number, cancellationToken).ConfigureAwait(false);
        if (issue.State != "open" || !issue.Labels.Has(options.ClaimLabel))
        {
            throw new TaskClaimLostException(claim);
        }

        return issue;
    }

    /// <summary>
    /// Adds the agent to the issue's assignees, keeping everyone already there: Gitea replaces the assignee set
    /// (services/issue/issue.go:140 UpdateAssignees), so the set is read just before it is written.
    /// </summary>
    public async Task AssignSelfAsync(TaskClaim claim, CancellationToken cancellationToken)
    {
        GiteaIssue issue = await Api.GetIssueAsync(Owner, Repo, claim.Number, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<GiteaUser> assignees = issue.Assignees ?? [];
        if (!assignees.Any(a => string.Equals(a.Login, options.Agent, StringComparison.OrdinalIgnoreCase)))
        {
            await Api.EditIssueAsync(Owner, Repo, claim.Number, new EditIssueOption { Assignees = [.. assignees.Select(a => a.Login), options.Agent] }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ready again: <c>ready</c> added first, then the lane labels and these agents' claim labels removed, and the agents unassigned.</summary>
    public async Task ReturnToReadyAsync(GiteaIssue issue, IReadOnlyCollection<string> agents, CancellationToken cancellationToken)
    {
        List<GiteaLabel> after = await labels.AddAsync(issue.Number, options.ReadyLabel, cancellationToken).ConfigureAwait(false);
        await labels.RemoveAsync(issue.Number, after, options.StatusLabels.Concat(agents.Select(a => options.ClaimLabelPrefix + a)), cancellationToken).ConfigureAwait(false);
        bool Leaving(GiteaUser user) => agents.Contains(user.Login, StringComparer.OrdinalIgnoreCase);
        if ((issue.Assignees ?? []).Any(Leaving))
        {
            IReadOnlyList<string> rest = [.. issue.Assignees!.Where(a => !Leaving(a)).Select(a => a.Login)];
            await Api.EditIssueAsync(Owner, Repo, issue.Number, new EditIssueOption { Assignees = rest }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Finishes held work: lane labels off, closed. The claim label and assignee stay as the record of who did it.</summary>
    public async Task CloseAsync(GiteaIssue issue, CancellationToken cancellationToken)
    {
        await labels.RemoveAsync(issue.Number, issue.Labels, options.StatusLabels.Append(options.ReadyLabel), cancellationToken).ConfigureAwait(false);
        await Api.EditIssueAsync(Owner, Repo, issue.Number, new EditIssueOption { State = "closed" }, cancellationToken).ConfigureAwait(false);
    }

    public Task<GiteaComment> CommentAsync(long number, string body, CancellationToken cancellationToken) =>
        Api.CreateCommentAsync(Owner, Repo, number, new CreateIssueCommentOption { Body = body }, cancellationToken);

    [LoggerMessage(EventId = 25, Level = LogLevel.Information, Message = "#{Number} moved to '{Lane}'.")]
    private partial void LogMoved(long number, string lane);
}
