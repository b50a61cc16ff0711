using System.Collections.Concurrent;
using System.Diagnostics;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Gitea;

/// <summary>
/// One agent's hands on a repository's label task queue — the blueprint's "issues labelled <c>ready</c> are the queue;
/// claim one with <c>assigned:&lt;agent&gt;</c>; first label writer wins".
/// </summary>
/// <remarks>
/// <para>
/// Gitea has no compare-and-swap on labels, so a claim is <em>verified after write</em>: the agent adds its own claim
/// label (an add never removes anyone else's), and reads the labels the forge returns after the write. If its label is
/// the only claim label, it won: any claim written before it would be visible, and any written after it will see this
/// one. If several are present, the forge's own ordering decides — the issue timeline's label events, whose ids
/// increase in the order the forge recorded them — and the earliest claim wins; the others remove their label and move
/// on. Exactly one agent ever believes it holds an issue.
/// </para>
/// <para>
/// The winner (by default) becomes the assignee; <c>ready</c> stays until the work moves to a lane, so the claim itself
/// is the blueprint's single label write. Lifecycle calls move the issue through the command center's lanes:
/// <see cref="StartAsync"/> (in progress), <see cref="BlockAsync"/>,
/// <see cref="LinkPullRequestAsync"/> (in review), <see cref="ReleaseAsync"/> (back to ready) and
/// <see cref="CompleteAsync"/> (closed). Each first checks the claim is still held and throws
/// <see cref="TaskClaimLostException"/> when it is not. <see cref="ReapStaleAsync"/> returns silent claims to ready.
/// </para>
/// <para>The queue is safe to use concurrently. Register it with <c>services.AddHermesGiteaTaskQueue(…)</c>.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The blueprint's name for it: the label task queue.")]
public sealed partial class GiteaTaskQueue
{
    /// <summary>
    /// The smallest page the ready list is read by. Sharing it out, the fleet's agents use pages of about the list's
    /// length over the fleet's size (up to the forge's largest page): every agent derives the same size from the same
    /// counts, so their pages line up, and a share costs few reads.
    /// </summary>
    private const int CandidatePage = 10;

    /// <summary>
    /// How many refills one claim may use — each found candidates that others took first — before it answers "nothing
    /// for now" rather than chase a queue that is being emptied under it (or an issue that cannot be labelled).
    /// </summary>
    private const int MaxRefills = 64;

    /// <summary>How long read candidates are trusted; older ones are read afresh instead of written to blindly.</summary>
    private static readonly TimeSpan CandidateLifetime = TimeSpan.FromSeconds(10);

    private readonly GiteaClient _client;
    private readonly GiteaTaskQueueOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<(GiteaIssue Issue, bool Theirs)> _candidates = new();
    private Task? _initialization;
    private long _candidatesReadAt;
    private long _readyTotal = -1;
    private int _pageSize = CandidatePage;
    private int _homeRound;
    private long _roundStartedAt;
    private bool _leftToOwners;
    private bool _steppedBack;
    private string[] _roster = [];

    /// <summary>Creates the queue. Call <see cref="InitializeAsync"/> first, or let the first operation do it.</summary>
    /// <param name="client">The agent's Gitea client (its own token).</param>
    /// <param name="options">The queue's options; validated here.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock the reaper judges staleness by; default the system clock.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public GiteaTaskQueue(GiteaClient client, IOptions<GiteaTaskQueueOptions> options, ILogger<GiteaTaskQueue>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options.Value;
        ValidateOptionsResult result = new GiteaTaskQueueOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, _options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(GiteaTaskQueueOptions), result.Failures);
        }

        _logger = logger ?? NullLogger<GiteaTaskQueue>.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The queue's options.</summary>
    public GiteaTaskQueueOptions Options => _options;

    private string Owner => _options.Owner;

    private string Repo => _options.Repo;

    private IGiteaApi Api => _client.Api;

    /// <summary>
    /// Checks the token authenticates as <see cref="GiteaTaskQueueOptions.Agent"/> (one machine-scoped token per
    /// agent: a claim made with another's token would be a lie), and creates the lane labels and the agent's claim
    /// label where missing. Idempotent; every other operation calls it first.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <exception cref="InvalidOperationException">The token belongs to another user.</exception>
    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        Task? initialization = Volatile.Read(ref _initialization);
        if (initialization is null || initialization.IsFaulted || initialization.IsCanceled)
        {
            // Idempotent, so two callers racing here at most check twice; a failed check is retried next time.
            initialization = InitializeCoreAsync();
            Volatile.Write(ref _initialization, initialization);
        }

        return initialization.WaitAsync(cancellationToken);
    }

    private async Task InitializeCoreAsync()
    {
        CancellationToken cancellationToken = CancellationToken.None;
        GiteaUser me = await Api.GetCurrentUserAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(me.Login, _options.Agent, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"The Gitea token authenticates as '{me.Login}', but the queue's agent is '{_options.Agent}'. Give each agent its own account and token; claims must be made in the agent's own name.");
        }

        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (GiteaLabel label in _client.ListLabelsAsync(Owner, Repo, cancellationToken).ConfigureAwait(false))
        {
            existing.Add(label.Name);
        }

        (string Name, string Color, string Description)[] wanted =
        [
            (_options.ReadyLabel, "#0e8a16", "Ready to be claimed by an agent"),
            (_options.InProgressLabel, "#fbca04", "An agent is working on it"),
            (_options.BlockedLabel, "#b60205", "Waiting on something outside the agent"),
            (_options.InReviewLabel, "#1d76db", "A pull request is under review"),
            (_options.ClaimLabel, "#5319e7", $"Claimed by {_options.Agent}"),
        ];
        foreach ((string name, string color, string description) in wanted.Where(w => !existing.Contains(w.Name)))
        {
            await _client.CreateLabelOrFindAsync(Owner, Repo, name, color, description, cancellationToken).ConfigureAwait(false); // listed above: missing
        }

        SetRoster(existing.Append(_options.ClaimLabel));
    }

    /// <summary>Open issues waiting to be claimed: labelled ready, no claim label, not pull requests.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The ready issues.</returns>
    public async IAsyncEnumerable<GiteaIssue> ListReadyAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (GiteaIssue issue in _client.ListIssuesAsync(Owner, Repo, "open", [_options.ReadyLabel], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (IsClaimable(issue))
            {
                yield return issue;
            }
        }
    }

    /// <summary>The open issues this agent holds — what it should resume after a restart.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The claims.</returns>
    public async IAsyncEnumerable<TaskClaim> ListMineAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (GiteaIssue issue in _client.ListIssuesAsync(Owner, Repo, "open", [_options.ClaimLabel], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (HasLabel(issue.Labels, _options.ClaimLabel))
            {
                yield return new TaskClaim(Owner, Repo, issue.Number, issue.Title, _options.Agent);
            }
        }
    }

    /// <summary>
    /// Claims the next ready issue: tries candidates in this agent's order (see
    /// <see cref="GiteaTaskQueueOptions.SpreadClaims"/>) until one claim is won. A claim is one label write; <c>ready</c>
    /// stays on the issue until <see cref="StartAsync"/> (or any lane move) takes it off, and the claim label keeps
    /// other agents away meanwhile.
    /// </summary>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>
    /// The claim, or null when no ready work is left for this agent now (with spreading, a few stragglers in busy
    /// agents' shares are left to them; ask again later).
    /// </returns>
    public async Task<TaskClaim?> ClaimNextAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (_time.GetElapsedTime(Volatile.Read(ref _candidatesReadAt)) > CandidateLifetime)
        {
            _candidates.Clear();
        }

        for (int refills = 0; ;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_candidates.TryDequeue(out (GiteaIssue Issue, bool Theirs) candidate))
            {
                if (refills++ == MaxRefills || !await RefillCandidatesAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                continue;
            }

            if (await ClaimCoreAsync(candidate.Issue, cancellationToken).ConfigureAwait(false) is { } claim)
            {
                Volatile.Write(ref _steppedBack, false);
                return claim;
            }

            Volatile.Write(ref _steppedBack, true);

            if (!_options.SpreadClaims || candidate.Theirs)
            {
                // Without spreading everyone goes for the oldest first, and helping with another's share met its owner
                // or another helper: either way the rest of these candidates are contended. Read the queue afresh.
                _candidates.Clear();
            }
            else if (await RosterChangedAsync(cancellationToken).ConfigureAwait(false))
            {
                // Lost on its own page, and the fleet is not what this agent paged the list for (agents that start
                // together each read the roster before all the others are on it): every page it holds may be another's.
                // A new round pages the list afresh. Otherwise it was a helper, and the rest of the page is still good.
                _candidates.Clear();
                Volatile.Write(ref _roundStartedAt, 0);
            }
        }
    }

    /// <summary>Claims a particular issue if it is ready and unclaimed.</summary>
    /// <param name="number">The issue's number.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The claim, or null when the issue is not claimable or another agent won it.</returns>
    public async Task<TaskClaim?> TryClaimAsync(long number, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        GiteaIssue issue = await Api.GetIssueAsync(Owner, Repo, number, cancellationToken).ConfigureAwait(false);
        if (issue.State != "open" || !IsClaimable(issue))
        {
            LogNotClaimable(number);
            return null;
        }

        return await ClaimCoreAsync(issue, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks held work in progress (also after <see cref="BlockAsync"/>: the blocker is gone).</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="TaskClaimLostException">The agent no longer holds it.</exception>
    public async Task StartAsync(TaskClaim claim, CancellationToken cancellationToken = default)
    {
        await MoveToLaneAsync(claim, _options.InProgressLabel, comment: null, cancellationToken).ConfigureAwait(false);
        if (_options.AssignOnStart)
        {
            await AssignSelfAsync(claim, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds the agent to the issue's assignees, keeping everyone already there: Gitea replaces the assignee set
    /// (services/issue/issue.go:140 UpdateAssignees), so the set is read just before it is written.
    /// </summary>
    private async Task AssignSelfAsync(TaskClaim claim, CancellationToken cancellationToken)
    {
        GiteaIssue issue = await Api.GetIssueAsync(Owner, Repo, claim.Number, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<GiteaUser> assignees = issue.Assignees ?? [];
        if (!assignees.Any(a => IsAgent(a.Login)))
        {
            await Api.EditIssueAsync(Owner, Repo, claim.Number, new EditIssueOption { Assignees = [.. assignees.Select(a => a.Login), _options.Agent] }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records progress as a comment — which is also activity, so the reaper leaves the claim alone.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="message">What was done.</param>
    /// <param name="cancellationToken">Cancels the comment.</param>
    /// <returns>The comment.</returns>
    /// <exception cref="TaskClaimLostException">The agent no longer holds it.</exception>
    public async Task<GiteaComment> ReportProgressAsync(TaskClaim claim, string message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        await EnsureHeldAsync(claim, cancellationToken).ConfigureAwait(false);
        return await CommentAsync(claim.Number, message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks held work blocked, saying why in a comment. The reaper does not reap blocked work.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="reason">What it waits on (required: a blocked card without a reason helps nobody).</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="TaskClaimLostException">The agent no longer holds it.</exception>
    public Task BlockAsync(TaskClaim claim, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return MoveToLaneAsync(claim, _options.BlockedLabel, $"Blocked: {reason}", cancellationToken);
    }

    /// <summary>Links an open pull request and moves the issue to in review.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="pullRequestNumber">The pull request's number in the same repository.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="TaskClaimLostException">The agent no longer holds it.</exception>
    /// <exception cref="InvalidOperationException">The pull request is not open.</exception>
    public async Task LinkPullRequestAsync(TaskClaim claim, long pullRequestNumber, CancellationToken cancellationToken = default)
    {
        GiteaPullRequest pr = await Api.GetPullRequestAsync(Owner, Repo, pullRequestNumber, cancellationToken).ConfigureAwait(false);
        if (pr.State != "open")
        {
            throw new InvalidOperationException($"{Owner}/{Repo}#{pullRequestNumber} is {(pr.Merged ? "merged" : pr.State)}; only an open pull request can put an issue in review.");
        }

        await MoveToLaneAsync(claim, _options.InReviewLabel, $"In review: #{pullRequestNumber}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives held work back: ready again, no claim, no lane label, the agent no longer assigned.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="reason">Why, posted as a comment when given.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="TaskClaimLostException">The agent no longer holds it.</exception>
    public async Task ReleaseAsync(TaskClaim claim, string? reason = null, CancellationToken cancellationToken = default)
    {
        GiteaIssue issue = await EnsureHeldAsync(claim, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(reason))
        {
            await CommentAsync(claim.Number, $"Released by {claim.Agent}: {reason}", cancellationToken).ConfigureAwait(false);
        }

        await ReturnToReadyAsync(issue, [claim.Agent], cancellationToken).ConfigureAwait(false);
        LogReleased(claim.Number, claim.Agent);
    }

    /// <summary>
    /// Finishes held work: removes the lane labels and closes the issue. The claim label and assignee stay as the
    /// record of who did it.
    /// </summary>
    /// <param name="claim">The claim.</param>
    /// <param name="summary">What was done, posted as a comment when given.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="TaskClaimLostException">The agent no longer holds it.</exception>
    public async Task CompleteAsync(TaskClaim claim, string? summary = null, CancellationToken cancellationToken = default)
    {
        GiteaIssue issue = await EnsureHeldAsync(claim, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(summary))
        {
            await CommentAsync(claim.Number, summary, cancellationToken).ConfigureAwait(false);
        }

        await RemoveLabelsAsync(issue, _options.StatusLabels.Append(_options.ReadyLabel), cancellationToken).ConfigureAwait(false);
        await Api.EditIssueAsync(Owner, Repo, claim.Number, new EditIssueOption { State = "closed" }, cancellationToken).ConfigureAwait(false);
        LogCompleted(claim.Number, claim.Agent);
    }

    /// <summary>
    /// Returns silent claims to ready: an assigned or in-progress issue with no activity for
    /// <see cref="GiteaTaskQueueOptions.StaleAfter"/> gets a comment saying why, loses its claim label, lane label and
    /// assignee, and is ready again. Also clears the labels of agents that lost a race and died before removing theirs.
    /// Blocked and in-review issues wait on others and are left alone. Any agent (or a supervisor) may run it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>What was reaped.</returns>
    public async Task<IReadOnlyList<ReapedClaim>> ReapStaleAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var claimLabels = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (GiteaLabel label in _client.ListLabelsAsync(Owner, Repo, cancellationToken).ConfigureAwait(false))
        {
            if (IsClaimLabel(label))
            {
                claimLabels.Add(label.Name);
            }
        }

        // One query per claim label, then the union: Gitea's issue filter is ALL-of (models/issues/issue_search.go:159-165),
        // so asking for several claim labels at once finds only issues carrying all of them. Collected first: reaping
        // changes the very lists being paged.
        var held = new Dictionary<long, GiteaIssue>();
        foreach (string claimLabel in claimLabels)
        {
            await foreach (GiteaIssue issue in _client.ListIssuesAsync(Owner, Repo, "open", [claimLabel], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (HasLabel(issue.Labels, claimLabel))
                {
                    held.TryAdd(issue.Number, issue);
                }
            }
        }

        var reaped = new List<ReapedClaim>();
        DateTimeOffset now = _time.GetUtcNow();
        foreach (GiteaIssue candidate in held.Values.OrderBy(i => i.Number))
        {
            if (HasLabel(candidate.Labels, _options.BlockedLabel) || HasLabel(candidate.Labels, _options.InReviewLabel) || now - candidate.UpdatedAt < _options.StaleAfter)
            {
                continue;
            }

            // Confirm on a fresh read: the holder may have just spoken.
            GiteaIssue issue = await Api.GetIssueAsync(Owner, Repo, candidate.Number, cancellationToken).ConfigureAwait(false);
            List<GiteaLabel> claims = ClaimLabelsOf(issue);
            if (issue.State != "open" || claims.Count == 0 || now - issue.UpdatedAt < _options.StaleAfter)
            {
                continue;
            }

            // Every claim label on a silent issue goes: a holder that spoke would have moved updated_at, and several labels
            // are a contest whose agents all died before stepping back.
            string[] agents = [.. claims.Select(l => AgentOf(l.Name))];
            string reason = $"no activity since {issue.UpdatedAt:u} (stale after {_options.StaleAfter})";
            await CommentAsync(issue.Number, $"Reaped by {_options.Agent}: the claim of {string.Join(", ", agents)} had {reason}. Returned to `{_options.ReadyLabel}`.", cancellationToken).ConfigureAwait(false);
            await ReturnToReadyAsync(issue, agents, cancellationToken).ConfigureAwait(false);
            reaped.Add(new ReapedClaim(issue.Number, agents, issue.UpdatedAt, reason));
            GiteaDiagnostics.Reaped.Add(agents.Length);
            LogReaped(issue.Number, string.Join(", ", agents), reason);
        }

        return reaped;
    }

    /// <summary>Reads the task board: every open issue in its lane, with ambiguity said rather than guessed.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The board.</returns>
    public async Task<TaskBoard> GetBoardAsync(CancellationToken cancellationToken = default)
    {
        var cards = new List<TaskCard>();
        DateTimeOffset readAt = _time.GetUtcNow();
        await foreach (GiteaIssue issue in _client.ListIssuesAsync(Owner, Repo, "open", cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            cards.Add(Classify(issue, _options));
        }

        return new TaskBoard(Owner, Repo, readAt, cards);
    }

    /// <summary>Places an issue in its lane from the forge's signals alone.</summary>
    internal static TaskCard Classify(GiteaIssue issue, GiteaTaskQueueOptions options)
    {
        string[] holders = [.. issue.Labels.Where(l => l.Name.StartsWith(options.ClaimLabelPrefix, StringComparison.Ordinal)).Select(l => l.Name[options.ClaimLabelPrefix.Length..]).Order(StringComparer.Ordinal)];
        string[] assignees = [.. (issue.Assignees ?? []).Select(a => a.Login)];
        string[] statuses = [.. options.StatusLabels.Where(s => HasLabel(issue.Labels, s))];
        bool ready = HasLabel(issue.Labels, options.ReadyLabel);
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

    /// <summary>
    /// The claim protocol on one issue: one label write, verified by the labels the forge answers it with (read after the
    /// write committed). The agent holds the issue only if its claim label is the only one there and <c>ready</c> is
    /// still on: any claim committed before its write shows in that answer, and any committed after it shows its label in
    /// the later one's answer, so no two agents can each see only their own — on any database, whatever order the
    /// timeline's ids come in. Seeing another claim, it steps back (removes its own) without asking who came first: the
    /// timeline cannot tell commit order on MySQL or PostgreSQL. If every contender steps back, the issue is ready and
    /// unclaimed again, and the next try takes it.
    /// </summary>
    private async Task<TaskClaim?> ClaimCoreAsync(GiteaIssue issue, CancellationToken cancellationToken)
    {
        using Activity? activity = GiteaDiagnostics.ActivitySource.StartActivity("hermes.gitea.claim");
        activity?.SetTag("hermes.agent", _options.Agent);
        activity?.SetTag("hermes.issue", $"{Owner}/{Repo}#{issue.Number}");

        List<GiteaLabel>? after = await TryAddLabelAsync(issue.Number, _options.ClaimLabel, cancellationToken).ConfigureAwait(false);
        if (after is not null && !HasLabel(after, _options.ReadyLabel))
        {
            // No longer ready: its holder has started it (or a person took it out of the queue). Not ours to take.
            await RemoveLabelsAsync(issue.Number, after, [_options.ClaimLabel], cancellationToken).ConfigureAwait(false);
            after = null;
            LogNotClaimable(issue.Number);
        }
        else if (after is not null && ClaimLabelCount(after) > 1)
        {
            await RemoveLabelsAsync(issue.Number, after, [_options.ClaimLabel], cancellationToken).ConfigureAwait(false);
            int others = ClaimLabelCount(after) - 1;
            LogLostRace(issue.Number, others);
            after = null;
        }

        if (after is null)
        {
            Record(activity, "lost");
            return null;
        }

        Record(activity, "won");
        LogWon(issue.Number);
        return new TaskClaim(Owner, Repo, issue.Number, issue.Title, _options.Agent);
    }

    /// <summary>
    /// Reads claim candidates so that a fleet rarely writes to the same issue. With
    /// <see cref="GiteaTaskQueueOptions.SpreadClaims"/> the agents share out the ready list by pages: the fleet's roster is
    /// the claim labels in the repository, and the agent ranked <c>r</c> of <c>n</c> reads pages <c>r+1</c>,
    /// <c>r+1+n</c>, … oldest issue first. With its own pages used up, one single-issue read of a random other agent's
    /// page says whether its owner has more than half of it to go; if so, the agent helps with that page's newer half.
    /// Otherwise it answers "nothing for now", and asked again, counts what is left and reads the list from its oldest
    /// end. Without spreading, everyone reads the oldest page, oldest first.
    /// </summary>
    /// <returns>False when no ready, unclaimed issue is left for this agent now.</returns>
    private async Task<bool> RefillCandidatesAsync(CancellationToken cancellationToken)
    {
        if (!_options.SpreadClaims)
        {
            // Oldest first — but after stepping back from a contest, in this agent's own shuffle of the oldest page, or
            // every contender would meet again on the same issue.
            CandidateOrder order = Volatile.Read(ref _steppedBack) ? CandidateOrder.Theirs : CandidateOrder.OldestFirst;
            if (EnqueueCandidates(await ReadReadyPageAsync(PageCount(), cancellationToken).ConfigureAwait(false), order))
            {
                return true;
            }

            // The oldest page is all claimed (claimed issues keep `ready` until started): read on, the client filters.
            await RefreshRosterAsync(cancellationToken).ConfigureAwait(false);
            return EnqueueCandidates(await ScanReadyAsync(cancellationToken).ConfigureAwait(false), CandidateOrder.OldestFirst);
        }

        if (_time.GetElapsedTime(Volatile.Read(ref _roundStartedAt)) > CandidateLifetime)
        {
            await StartRoundAsync(cancellationToken).ConfigureAwait(false);
        }

        while (NextHomePage() is { } page)
        {
            if (EnqueueCandidates(await ReadReadyPageAsync(page, cancellationToken).ConfigureAwait(false), CandidateOrder.OldestFirst))
            {
                return true;
            }
        }

        // Own pages done. What is left in the others' pages is theirs to finish — every issue taken from under an owner
        // costs it a lost race, as its own candidates still hold it — unless the owner has more than half its page to go:
        // one issue read says so (see BehindOwnerAsync), and then this agent helps with the newer half of that page.
        // Stragglers still there after this agent answered "nothing for now" once may have lost their owner, so then
        // they are fair game: the list is read from its oldest end (Gitea's label filter is ALL-of, so "ready and no
        // claim" cannot be asked of it; the client filters).
        if (await BehindOwnerAsync(cancellationToken).ConfigureAwait(false) is { } theirs
            && EnqueueCandidates(await ReadTheirsAsync(theirs, cancellationToken).ConfigureAwait(false), CandidateOrder.Theirs))
        {
            return true;
        }

        bool owed = Volatile.Read(ref _leftToOwners);
        if (owed && EnqueueCandidates(await ScanReadyAsync(cancellationToken).ConfigureAwait(false), CandidateOrder.Theirs))
        {
            return true;
        }

        // Nothing for this agent now. Next time a new round starts (the fleet and the list may have changed since), and
        // what may have been left to others now (the agent did not look) is fair game then.
        Volatile.Write(ref _leftToOwners, !owed);
        Volatile.Write(ref _roundStartedAt, 0);
        return false;
    }

    /// <summary>
    /// A new round of this agent's own pages (new work lands on them too): learns who is in the fleet now and how long
    /// the ready list is, so that every agent derives the same pages.
    /// </summary>
    private async Task StartRoundAsync(CancellationToken cancellationToken)
    {
        // Two independent reads: one round trip's wait, not two.
        Task roster = RefreshRosterAsync(cancellationToken);
        Task<long?> ready = CountOpenIssuesAsync(_options.ReadyLabel, cancellationToken);
        await Task.WhenAll(roster, ready).ConfigureAwait(false);

        if (await ready.ConfigureAwait(false) is { } total)
        {
            Volatile.Write(ref _readyTotal, total);
            int fleet = FleetPlace().Size;
            int share = (int)Math.Min(int.MaxValue - 1, (total + fleet - 1) / fleet);
            share += share % 2; // even, so that the newer half of a page can be read on its own
            Volatile.Write(ref _pageSize, Math.Clamp(share, CandidatePage, await _client.MaxPageSizeAsync(cancellationToken).ConfigureAwait(false)));
        }

        Volatile.Write(ref _homeRound, 0);
        Volatile.Write(ref _roundStartedAt, _time.GetTimestamp());
    }

    /// <summary>
    /// Helping with another agent's page, whose owner works from its oldest end: only the page's newer half is read (the
    /// list runs newest first, so that is the first half at half the page size, when the size is even), and of that
    /// the newer half of what is still claimable is taken.
    /// </summary>
    private async Task<IEnumerable<GiteaIssue>> ReadTheirsAsync(int page, CancellationToken cancellationToken)
    {
        int size = PageSize;
        return NewerHalf(size % 2 == 0
            ? await ReadReadyPageAsync((2 * page) - 1, cancellationToken, size / 2).ConfigureAwait(false)
            : await ReadReadyPageAsync(page, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Of the claimable issues in another agent's share, the newer half: its owner works from the oldest end.</summary>
    private IEnumerable<GiteaIssue> NewerHalf(IEnumerable<GiteaIssue> theirs)
    {
        List<GiteaIssue> claimable = [.. theirs.Where(IsClaimable).OrderByDescending(i => i.Number)];
        return claimable.Take((claimable.Count + 1) / 2);
    }

    /// <summary>This agent's next own page of the ready list, or null when they are used up.</summary>
    private int? NextHomePage()
    {
        (int rank, int fleet) = FleetPlace();
        int round = Interlocked.Increment(ref _homeRound) - 1;
        long page = rank + 1 + ((long)round * fleet);

        // Before the first read the length of the queue is unknown: read the first own page and learn it.
        return Volatile.Read(ref _readyTotal) < 0 ? (round == 0 ? (int)page : null)
            : page <= PageCount() ? (int)page
            : null;
    }

    private enum CandidateOrder
    {
        /// <summary>By issue number: the order work was filed.</summary>
        OldestFirst,

        /// <summary>Another agent's share: in this agent's own stable shuffle, so helpers rarely pick the same issue.</summary>
        Theirs,
    }

    /// <summary>
    /// Another agent's page, picked at random, whose owner still has more than half of it to go — or null. The owner
    /// works from the page's oldest end, so the newest issue of its older half is the last of that half it takes: one
    /// read of that single issue (a page of one) tells, as cheaply as a count.
    /// </summary>
    private async Task<int?> BehindOwnerAsync(CancellationToken cancellationToken)
    {
        (int rank, int fleet) = FleetPlace();
        int pages = PageCount();
        int others = pages - ((pages - rank + fleet - 1) / fleet); // pages p ≤ pages with (p − 1) mod fleet ≠ rank
        if (others <= 0)
        {
            return null;
        }

        // The k-th other page, k at random: skip this agent's own pages, which recur every fleet-th page.
        int k = Random.Shared.Next(others);
        int page = k + (k / (fleet - 1)) + (k % (fleet - 1) >= rank ? 1 : 0) + 1;
        long size = PageSize;
        long probe = ((page - 1) * size) + (size / 2) + 1;
        if (probe > int.MaxValue)
        {
            return page;
        }

        List<GiteaIssue> lastOfOlderHalf = await ReadReadyPageAsync((int)probe, cancellationToken, pageSize: 1).ConfigureAwait(false);
        return lastOfOlderHalf.Exists(IsClaimable) ? page : null;
    }

    /// <summary>This agent's place in the fleet: its rank in the roster, and the roster's size (at least one).</summary>
    private (int Rank, int Size) FleetPlace()
    {
        string[] roster = Volatile.Read(ref _roster);
        return (Math.Max(0, Array.IndexOf(roster, _options.Agent)), Math.Max(1, roster.Length));
    }

    /// <summary>The page size the ready list is read by: the round's shared size when spreading, else the smallest.</summary>
    private int PageSize => _options.SpreadClaims ? Volatile.Read(ref _pageSize) : CandidatePage;

    /// <summary>How many pages of <paramref name="size"/> (default <see cref="PageSize"/>) the ready list last had; at least one.</summary>
    private int PageCount(int? size = null)
    {
        int by = size ?? PageSize;
        return (int)Math.Clamp((Volatile.Read(ref _readyTotal) + by - 1) / by, 1, int.MaxValue);
    }

    /// <summary>Reads the ready list from its oldest end, the largest pages the forge serves, until some claimable issues turn up.</summary>
    private async Task<List<GiteaIssue>> ScanReadyAsync(CancellationToken cancellationToken)
    {
        var found = new List<GiteaIssue>();
        int limit = await _client.MaxPageSizeAsync(cancellationToken).ConfigureAwait(false);
        for (int page = PageCount(limit); page >= 1 && found.Count < CandidatePage; page--)
        {
            found.AddRange((await ReadReadyPageAsync(page, cancellationToken, limit).ConfigureAwait(false)).Where(IsClaimable));
        }

        return found;
    }

    private async Task<List<GiteaIssue>> ReadReadyPageAsync(int page, CancellationToken cancellationToken, int? pageSize = null)
    {
        GiteaPage<GiteaIssue> ready = await _client.FetchPageAsync(
            (p, limit, ct) => Api.ListIssuesAsync(Owner, Repo, "open", _options.ReadyLabel, "issues", null, null, p, limit, ct),
            page,
            pageSize ?? PageSize,
            cancellationToken).ConfigureAwait(false);
        if (ready.TotalCount is { } total)
        {
            Volatile.Write(ref _readyTotal, total);
        }

        return ready.Items;
    }

    /// <summary>How many open issues carry <paramref name="label"/> (one label: Gitea's filter is ALL-of, models/issues/issue_search.go:159-165).</summary>
    private async Task<long?> CountOpenIssuesAsync(string label, CancellationToken cancellationToken) =>
        (await _client.FetchPageAsync((p, limit, ct) => Api.ListIssuesAsync(Owner, Repo, "open", label, "issues", null, null, p, limit, ct), 1, 1, cancellationToken).ConfigureAwait(false)).TotalCount;

    /// <summary>The fleet, as the claim labels in the repository say: every agent that ever initialised a queue here.</summary>
    private async Task RefreshRosterAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (GiteaLabel label in _client.ListLabelsAsync(Owner, Repo, cancellationToken).ConfigureAwait(false))
        {
            names.Add(label.Name);
        }

        SetRoster(names.Append(_options.ClaimLabel));
    }

    /// <summary>Reads the roster again; whether it differs from the one this agent had.</summary>
    private async Task<bool> RosterChangedAsync(CancellationToken cancellationToken)
    {
        string[] before = Volatile.Read(ref _roster);
        await RefreshRosterAsync(cancellationToken).ConfigureAwait(false);
        return !before.AsSpan().SequenceEqual(Volatile.Read(ref _roster));
    }

    private void SetRoster(IEnumerable<string> labels) => Volatile.Write(ref _roster, [.. labels
        .Where(l => l.StartsWith(_options.ClaimLabelPrefix, StringComparison.Ordinal))
        .Select(AgentOf)
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)]);

    private bool EnqueueCandidates(IEnumerable<GiteaIssue> issues, CandidateOrder order)
    {
        List<GiteaIssue> claimable = [.. issues.Where(IsClaimable)];
        IEnumerable<GiteaIssue> ordered = order == CandidateOrder.Theirs
            ? claimable.OrderBy(i => SpreadKey(_options.Agent, i.Number))
            : claimable.OrderBy(i => i.Number);
        foreach (GiteaIssue issue in ordered)
        {
            _candidates.Enqueue((issue, order == CandidateOrder.Theirs));
        }

        Volatile.Write(ref _candidatesReadAt, _time.GetTimestamp());
        return claimable.Count > 0;
    }

    /// <summary>A stable per-agent shuffle: the same agent always tries issues in the same order, different agents differently.</summary>
    internal static ulong SpreadKey(string agent, long number)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{agent}#{number}"), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    private async Task MoveToLaneAsync(TaskClaim claim, string lane, string? comment, CancellationToken cancellationToken)
    {
        GiteaIssue before = await EnsureHeldAsync(claim, cancellationToken).ConfigureAwait(false);
        if (comment is not null)
        {
            await CommentAsync(claim.Number, comment, cancellationToken).ConfigureAwait(false);
        }

        // Add before remove: the issue is never seen lane-less mid-move. The forge's answer is the fence: if the claim
        // label is gone from it (reaped between the check above and this write), the move is undone and the claim lost.
        List<GiteaLabel> after = await AddLabelAsync(claim.Number, lane, cancellationToken).ConfigureAwait(false);
        if (!HasLabel(after, _options.ClaimLabel))
        {
            if (!HasLabel(before.Labels, lane))
            {
                await RemoveLabelsAsync(claim.Number, after, [lane], cancellationToken).ConfigureAwait(false);
            }

            throw new TaskClaimLostException(claim);
        }

        await RemoveLabelsAsync(claim.Number, after, _options.StatusLabels.Where(s => s != lane).Append(_options.ReadyLabel), cancellationToken).ConfigureAwait(false);
        LogMoved(claim.Number, lane);
    }

    /// <summary>Reads the issue and throws <see cref="TaskClaimLostException"/> unless the claim label is still on it.</summary>
    private async Task<GiteaIssue> EnsureHeldAsync(TaskClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (!string.Equals(claim.Agent, _options.Agent, StringComparison.Ordinal) || claim.Owner != Owner || claim.Repo != Repo)
        {
            throw new ArgumentException($"{claim} belongs to another agent or repository than this queue ({_options.Agent} on {Owner}/{Repo}).", nameof(claim));
        }

        GiteaIssue issue = await Api.GetIssueAsync(Owner, Repo, claim.Number, cancellationToken).ConfigureAwait(false);
        if (issue.State != "open" || !HasLabel(issue.Labels, _options.ClaimLabel))
        {
            throw new TaskClaimLostException(claim);
        }

        return issue;
    }

    /// <summary>Ready again: <c>ready</c> added first, then the lane labels and these agents' claim labels removed, and the agents unassigned.</summary>
    private async Task ReturnToReadyAsync(GiteaIssue issue, IReadOnlyCollection<string> agents, CancellationToken cancellationToken)
    {
        List<GiteaLabel> after = await AddLabelAsync(issue.Number, _options.ReadyLabel, cancellationToken).ConfigureAwait(false);
        await RemoveLabelsAsync(issue.Number, after, _options.StatusLabels.Concat(agents.Select(a => _options.ClaimLabelPrefix + a)), cancellationToken).ConfigureAwait(false);
        bool Leaving(GiteaUser user) => agents.Contains(user.Login, StringComparer.OrdinalIgnoreCase);
        if ((issue.Assignees ?? []).Any(Leaving))
        {
            IReadOnlyList<string> rest = [.. issue.Assignees!.Where(a => !Leaving(a)).Select(a => a.Login)];
            await Api.EditIssueAsync(Owner, Repo, issue.Number, new EditIssueOption { Assignees = rest }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<List<GiteaLabel>> AddLabelAsync(long number, string name, CancellationToken cancellationToken) =>
        await TryAddLabelAsync(number, name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Gitea did not put label '{name}' on {Owner}/{Repo}#{number}.");

    /// <summary>
    /// Adds a label by name; the labels the forge returns after the write, or null when the label is still not on the
    /// issue after one more try. Gitea drops unknown names silently: the label may have been deleted from the
    /// repository (it is created again and added once more — for a claim label, a second add is just a later claim),
    /// or, for a claim, the reaper cleared it between the write and the read, which means the claim lost.
    /// </summary>
    private async Task<List<GiteaLabel>?> TryAddLabelAsync(long number, string name, CancellationToken cancellationToken)
    {
        List<GiteaLabel> after = await Api.AddIssueLabelsByNameAsync(Owner, Repo, number, new IssueLabelNamesOption { Labels = [name] }, cancellationToken).ConfigureAwait(false);
        if (HasLabel(after, name))
        {
            return after;
        }

        await _client.CreateLabelOrFindAsync(Owner, Repo, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        after = await Api.AddIssueLabelsByNameAsync(Owner, Repo, number, new IssueLabelNamesOption { Labels = [name] }, cancellationToken).ConfigureAwait(false);
        return HasLabel(after, name) ? after : null;
    }

    private Task RemoveLabelsAsync(GiteaIssue issue, IEnumerable<string> names, CancellationToken cancellationToken) =>
        RemoveLabelsAsync(issue.Number, issue.Labels, names, cancellationToken);

    /// <summary>Removes the named labels that <paramref name="current"/> shows on the issue (by id, as Gitea requires); already gone is fine.</summary>
    private async Task RemoveLabelsAsync(long number, IEnumerable<GiteaLabel> current, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<string>(names, StringComparer.Ordinal);
        foreach (GiteaLabel label in current.Where(l => wanted.Contains(l.Name)).ToList())
        {
            try
            {
                await Api.RemoveIssueLabelAsync(Owner, Repo, number, label.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is GiteaNotFoundException or GiteaValidationException)
            {
                // Someone removed it first (204 on real Gitea), or deleted the label itself (422: no such label): the
                // outcome is the same.
            }
        }
    }

    private Task<GiteaComment> CommentAsync(long number, string body, CancellationToken cancellationToken) =>
        Api.CreateCommentAsync(Owner, Repo, number, new CreateIssueCommentOption { Body = body }, cancellationToken);

    private bool IsClaimable(GiteaIssue issue) =>
        issue.PullRequest is null && HasLabel(issue.Labels, _options.ReadyLabel) && ClaimLabelCount(issue.Labels) == 0;

    private List<GiteaLabel> ClaimLabelsOf(GiteaIssue issue) => ClaimLabelsOf(issue.Labels);

    private List<GiteaLabel> ClaimLabelsOf(IReadOnlyList<GiteaLabel> labels) => [.. labels.Where(IsClaimLabel)];

    /// <summary>How many claim labels are on an issue (read for every candidate and every claim: no allocation).</summary>
    private int ClaimLabelCount(IReadOnlyList<GiteaLabel> labels)
    {
        int count = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            count += IsClaimLabel(labels[i]) ? 1 : 0;
        }

        return count;
    }

    private bool IsClaimLabel(GiteaLabel label) => label.Name.StartsWith(_options.ClaimLabelPrefix, StringComparison.Ordinal);

    private string AgentOf(string claimLabel) => claimLabel[_options.ClaimLabelPrefix.Length..];

    private bool IsAgent(string login) => string.Equals(login, _options.Agent, StringComparison.OrdinalIgnoreCase);

    private static bool HasLabel(IReadOnlyList<GiteaLabel> labels, string name)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (string.Equals(labels[i].Name, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private void Record(Activity? activity, string outcome)
    {
        activity?.SetTag("hermes.outcome", outcome);
        GiteaDiagnostics.Claims.Add(1, new("hermes.agent", _options.Agent), new("hermes.outcome", outcome));
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Claimed #{Number}.")]
    private partial void LogWon(long number);

    [LoggerMessage(EventId = 21, Level = LogLevel.Debug, Message = "Stepped back from #{Number}: {Others} other claim(s) on it; moving on.")]
    private partial void LogLostRace(long number, int others);

    [LoggerMessage(EventId = 22, Level = LogLevel.Debug, Message = "#{Number} is not claimable (closed, not ready, or already claimed).")]
    private partial void LogNotClaimable(long number);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Taking #{Number} failed after the claim was won; giving it back.")]
    private partial void LogClaimRollback(Exception exception, long number);

    [LoggerMessage(EventId = 24, Level = LogLevel.Error, Message = "Could not give #{Number} back after a failed claim; the reaper will return it to ready.")]
    private partial void LogRollbackFailed(Exception exception, long number);

    [LoggerMessage(EventId = 25, Level = LogLevel.Information, Message = "#{Number} moved to '{Lane}'.")]
    private partial void LogMoved(long number, string lane);

    [LoggerMessage(EventId = 26, Level = LogLevel.Information, Message = "{Agent} released #{Number}.")]
    private partial void LogReleased(long number, string agent);

    [LoggerMessage(EventId = 27, Level = LogLevel.Information, Message = "{Agent} completed #{Number}.")]
    private partial void LogCompleted(long number, string agent);

    [LoggerMessage(EventId = 28, Level = LogLevel.Warning, Message = "Reaped #{Number} from {Agents}: {Reason}.")]
    private partial void LogReaped(long number, string agents, string reason);
}
