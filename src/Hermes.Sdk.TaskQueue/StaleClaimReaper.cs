using Hermes.Sdk.Gitea;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.TaskQueue;

/// <summary>
/// Returns silent claims to ready: an assigned or in-progress issue with no activity for
/// <see cref="GiteaTaskQueueOptions.StaleAfter"/>, and the labels of contenders that died before stepping back.
/// </summary>
internal sealed partial class StaleClaimReaper(GiteaClient client, GiteaTaskQueueOptions options, QueueLabels labels, TaskLanes lanes, TimeProvider time, ILogger logger)
{
    public async Task<IReadOnlyList<ReapedClaim>> ReapAsync(CancellationToken cancellationToken)
    {
        // One query per claim label, then the union: Gitea's issue filter is ALL-of (models/issues/issue_search.go:159-165),
        // so asking for several claim labels at once finds only issues carrying all of them. Collected first: reaping
        // changes the very lists being paged.
        var held = new Dictionary<long, GiteaIssue>();
        foreach (string claimLabel in await labels.ReadClaimLabelsAsync(cancellationToken).ConfigureAwait(false))
        {
            await foreach (GiteaIssue issue in client.ListIssuesAsync(options.Owner, options.Repo, "open", [claimLabel], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (issue.Labels.Has(claimLabel))
                {
                    held.TryAdd(issue.Number, issue);
                }
            }
        }

        var reaped = new List<ReapedClaim>();
        DateTimeOffset now = time.GetUtcNow();
        foreach (GiteaIssue candidate in held.Values.OrderBy(i => i.Number))
        {
            if (candidate.Labels.Has(options.BlockedLabel) || candidate.Labels.Has(options.InReviewLabel) || now - candidate.UpdatedAt < options.StaleAfter)
            {
                continue;
            }

            // Confirm on a fresh read: the holder may have just spoken.
            GiteaIssue issue = await client.Api.GetIssueAsync(options.Owner, options.Repo, candidate.Number, cancellationToken).ConfigureAwait(false);
            string[] agents = [.. issue.Labels.Select(l => l.Name).Where(options.IsClaimLabel).Select(options.AgentOf)];
            if (issue.State != "open" || agents.Length == 0 || now - issue.UpdatedAt < options.StaleAfter)
            {
                continue;
            }

            // Every claim label on a silent issue goes: a holder that spoke would have moved updated_at, and several labels
            // are a contest whose agents all died before stepping back.
            string reason = $"no activity since {issue.UpdatedAt:u} (stale after {options.StaleAfter})";
            await lanes.CommentAsync(issue.Number, $"Reaped by {options.Agent}: the claim of {string.Join(", ", agents)} had {reason}. Returned to `{options.ReadyLabel}`.", cancellationToken).ConfigureAwait(false);
            await lanes.ReturnToReadyAsync(issue, agents, cancellationToken).ConfigureAwait(false);
            reaped.Add(new ReapedClaim(issue.Number, agents, issue.UpdatedAt, reason));
            TaskQueueDiagnostics.Reaped.Add(agents.Length);
            LogReaped(issue.Number, string.Join(", ", agents), reason);
        }

        return reaped;
    }

    [LoggerMessage(EventId = 28, Level = LogLevel.Warning, Message = "Reaped #{Number} from {Agents}: {Reason}.")]
    private partial void LogReaped(long number, string agents, string reason);
}
