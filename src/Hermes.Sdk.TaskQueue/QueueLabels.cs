using Hermes.Sdk.Gitea;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.TaskQueue;

/// <summary>
/// The repository's queue labels — the four lanes and the claim labels — settled to one id per name and written by id.
/// </summary>
/// <remarks>
/// Gitea allows several labels of one name (models/issues/label.go NewLabel is a bare insert; go-gitea#37192, "won't
/// fix"), so agents that start together on a fresh repository each create <c>ready</c>. Then adding by name puts every
/// one of them on an issue (names resolve to all their ids: routers/api/v1/repo/issue_label.go → GetLabelIDsInRepoByNames),
/// and <c>labels=ready</c> matches only issues carrying all of them (the filter is ALL-of:
/// models/issues/issue_search.go:159-165). Every agent settles the same way: the lowest id of a name is kept (it was
/// created first, so every agent's listing shows it), issues carrying an extra get the kept one, and the extras are
/// deleted. Agents converge whoever settles first; settling twice is harmless.
/// </remarks>
internal sealed partial class QueueLabels(GiteaClient client, GiteaTaskQueueOptions options, ILogger logger)
{
    private Dictionary<string, long> _ids = new(StringComparer.Ordinal);
    private string[] _roster = [];

    private string Owner => options.Owner;

    private string Repo => options.Repo;

    /// <summary>The fleet as the claim labels say — every agent that ever initialised a queue here — in order.</summary>
    public string[] Roster => Volatile.Read(ref _roster);

    /// <summary>
    /// Reads the repository's labels, creates the queue's missing ones when asked, settles duplicates, and refreshes the
    /// ids and the roster.
    /// </summary>
    public async Task RefreshAsync(bool createMissing, CancellationToken cancellationToken)
    {
        List<GiteaLabel> labels = await ListAsync(cancellationToken).ConfigureAwait(false);
        if (createMissing)
        {
            (string Name, string Color, string Description)[] missing = [.. Wanted().Where(w => !labels.Exists(l => l.Name == w.Name))];
            foreach ((string name, string color, string description) in missing)
            {
                await client.Api.CreateLabelAsync(Owner, Repo, new CreateLabelOption { Name = name, Color = color, Description = description }, cancellationToken).ConfigureAwait(false);
            }

            if (missing.Length > 0)
            {
                // Read again: another agent may have created the same ones meanwhile.
                labels = await ListAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        IGrouping<string, GiteaLabel>[] queueLabels = [.. labels.Where(l => IsQueueLabel(l.Name)).GroupBy(l => l.Name, StringComparer.Ordinal)];
        foreach (IGrouping<string, GiteaLabel> duplicated in queueLabels.Where(g => g.Skip(1).Any()))
        {
            await SettleAsync(duplicated.Key, [.. duplicated.Select(l => l.Id).Order()], cancellationToken).ConfigureAwait(false);
        }

        Volatile.Write(ref _ids, queueLabels.ToDictionary(g => g.Key, g => g.Min(l => l.Id), StringComparer.Ordinal));
        Volatile.Write(ref _roster, [.. labels
            .Select(l => l.Name)
            .Append(options.ClaimLabel)
            .Where(options.IsClaimLabel)
            .Select(options.AgentOf)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)]);
    }

    /// <summary>
    /// Adds a queue label by its settled id; the issue's labels after the write (read after it committed:
    /// routers/api/v1/repo/issue_label.go:69-124). Gitea drops an unknown id silently (b3), so when the label is not on
    /// the answer it was deleted meanwhile (by a person, or settled away): the labels are read afresh and the write made
    /// once more. Null when it is still not there.
    /// </summary>
    public async Task<List<GiteaLabel>?> TryAddAsync(long number, string name, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            if (Volatile.Read(ref _ids).TryGetValue(name, out long id))
            {
                List<GiteaLabel> after = await client.Api.AddIssueLabelsAsync(Owner, Repo, number, new IssueLabelIdsOption { Labels = [id] }, cancellationToken).ConfigureAwait(false);
                if (after.Has(name))
                {
                    return after;
                }
            }

            if (attempt == 1)
            {
                return null;
            }

            await RefreshAsync(createMissing: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a queue label, or throws when the forge would not put it on.</summary>
    public async Task<List<GiteaLabel>> AddAsync(long number, string name, CancellationToken cancellationToken) =>
        await TryAddAsync(number, name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Gitea did not put label '{name}' on {Owner}/{Repo}#{number}.");

    /// <summary>
    /// Removes the named labels that <paramref name="current"/> shows on the issue — by id, as Gitea requires, and every
    /// id of a duplicated name. Already gone is fine: 204 on real Gitea (models/issues/issue_label.go:158-166), 422 when
    /// the label itself was deleted (routers/api/v1/repo/issue_label.go:184).
    /// </summary>
    public async Task RemoveAsync(long number, IEnumerable<GiteaLabel> current, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<string>(names, StringComparer.Ordinal);
        foreach (GiteaLabel label in current.Where(l => wanted.Contains(l.Name)).ToList())
        {
            try
            {
                await client.Api.RemoveIssueLabelAsync(Owner, Repo, number, label.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is GiteaNotFoundException or GiteaValidationException)
            {
                // Someone removed it first, or deleted the label itself: the outcome is the same.
            }
        }
    }

    /// <summary>The names of the claim labels in the repository, from a fresh read.</summary>
    public async Task<IReadOnlyList<string>> ReadClaimLabelsAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(createMissing: false, cancellationToken).ConfigureAwait(false);
        return [.. Roster.Select(agent => options.ClaimLabelPrefix + agent)];
    }

    /// <summary>
    /// Keeps the lowest id of a duplicated name: every issue (open or closed) carrying another id gets the kept one, then
    /// the others are deleted. Issues are found by Gitea's search, whose label filter is any-of
    /// (routers/api/v1/repo/issue.go:252 IncludedAnyLabelIDs) and spans repositories, so the issue's repository is checked.
    /// </summary>
    private async Task SettleAsync(string name, long[] ids, CancellationToken cancellationToken)
    {
        long keep = ids[0];
        var extras = new HashSet<long>(ids.Skip(1));
        int relabelled = 0;
        await foreach (GiteaIssue issue in client.SearchIssuesAsync(null, "all", [name], Owner, cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(issue.Repository?.Name, Repo, StringComparison.OrdinalIgnoreCase)
                && string.Equals(issue.Repository?.Owner, Owner, StringComparison.OrdinalIgnoreCase)
                && issue.Labels.Any(l => extras.Contains(l.Id))
                && !issue.Labels.Any(l => l.Id == keep))
            {
                await client.Api.AddIssueLabelsAsync(Owner, Repo, issue.Number, new IssueLabelIdsOption { Labels = [keep] }, cancellationToken).ConfigureAwait(false);
                relabelled++;
            }
        }

        foreach (long extra in extras)
        {
            try
            {
                await client.Api.DeleteLabelAsync(Owner, Repo, extra, cancellationToken).ConfigureAwait(false);
            }
            catch (GiteaNotFoundException)
            {
                // Another agent settled it first.
            }
        }

        LogSettled(name, extras.Count, keep, relabelled);
    }

    private async Task<List<GiteaLabel>> ListAsync(CancellationToken cancellationToken)
    {
        var labels = new List<GiteaLabel>();
        await foreach (GiteaLabel label in client.ListLabelsAsync(Owner, Repo, cancellationToken).ConfigureAwait(false))
        {
            labels.Add(label);
        }

        return labels;
    }

    private bool IsQueueLabel(string name) =>
        options.IsClaimLabel(name) || name == options.ReadyLabel || options.StatusLabels.Contains(name, StringComparer.Ordinal);

    private IEnumerable<(string Name, string Color, string Description)> Wanted() =>
    [
        (options.ReadyLabel, "#0e8a16", "Ready to be claimed by an agent"),
        (options.InProgressLabel, "#fbca04", "An agent is working on it"),
        (options.BlockedLabel, "#b60205", "Waiting on something outside the agent"),
        (options.InReviewLabel, "#1d76db", "A pull request is under review"),
        (options.ClaimLabel, "#5319e7", $"Claimed by {options.Agent}"),
    ];

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Label '{Name}' existed {Extras} time(s) too many (agents created it together); kept id {Kept}, relabelled {Relabelled} issue(s), deleted the rest.")]
    private partial void LogSettled(string name, int extras, long kept, int relabelled);
}
