using System.Diagnostics;
using Hermes.Sdk.Gitea;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.TaskQueue;

/// <summary>
/// One agent's hands on a repository's label task queue — the blueprint's "issues labelled <c>ready</c> are the queue;
/// claim one with <c>assigned:&lt;agent&gt;</c>; first label writer wins".
/// </summary>
/// <remarks>
/// <para>
/// A claim is the blueprint's one label write, verified: the agent adds its own claim label (an add never removes
/// anyone else's) and reads the issue's labels in the forge's answer, which Gitea reads after the write committed. It
/// holds the issue only if its label is the only claim there and <c>ready</c> is still on; seeing another claim, it
/// steps back. Two contenders cannot each see only their own, on any database — see <c>docs/gitea.md</c> for the proof
/// and the interleaving tests that check it. The assignee is written when work starts, not at claim.
/// </para>
/// <para>
/// Lifecycle calls move the issue through the command center's lanes: <see cref="StartAsync"/> (in progress),
/// <see cref="BlockAsync"/>, <see cref="LinkPullRequestAsync"/> (in review), <see cref="ReleaseAsync"/> (back to ready)
/// and <see cref="CompleteAsync"/> (closed). Each first checks the claim is still held and throws
/// <see cref="TaskClaimLostException"/> when it is not, and a move whose write finds the claim gone is undone (fencing).
/// <see cref="ReapStaleAsync"/> returns silent claims to ready.
/// </para>
/// <para>The queue is safe to use concurrently. Register it with <c>services.AddHermesTaskQueue(…)</c>.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The blueprint's name for it: the label task queue.")]
public sealed partial class GiteaTaskQueue
{
    /// <summary>
    /// How many refills one claim may use — each found candidates that others took first — before it answers "nothing
    /// for now" rather than chase a queue that is being emptied under it (or an issue that cannot be labelled).
    /// </summary>
    private const int MaxRefills = 64;

    private readonly GiteaClient _client;
    private readonly GiteaTaskQueueOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly QueueLabels _labels;
    private readonly ClaimPlanner _planner;
    private readonly TaskLanes _lanes;
    private readonly StaleClaimReaper _reaper;
    private Task? _initialization;

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
        _labels = new QueueLabels(client, _options, _logger);
        _planner = new ClaimPlanner(client, _options, _labels, _time);
        _lanes = new TaskLanes(client, _options, _labels, _logger);
        _reaper = new StaleClaimReaper(client, _options, _labels, _lanes, _time, _logger);
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

        await _labels.RefreshAsync(createMissing: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Open issues waiting to be claimed: labelled ready, no claim label, not pull requests.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The ready issues.</returns>
    public async IAsyncEnumerable<GiteaIssue> ListReadyAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (GiteaIssue issue in _client.ListIssuesAsync(Owner, Repo, "open", [_options.ReadyLabel], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (_options.IsClaimable(issue))
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
            if (issue.Labels.Has(_options.ClaimLabel))
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
        for (int refills = 0; ;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_planner.TryTake(out ClaimCandidate candidate))
            {
                if (refills++ == MaxRefills || !await _planner.RefillAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                continue;
            }

            if (await ClaimCoreAsync(candidate.Issue, cancellationToken).ConfigureAwait(false) is { } claim)
            {
                _planner.Won();
                return claim;
            }

            await _planner.SteppedBackAsync(candidate, cancellationToken).ConfigureAwait(false);
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
        if (issue.State != "open" || !_options.IsClaimable(issue))
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
        await _lanes.MoveAsync(claim, _options.InProgressLabel, comment: null, cancellationToken).ConfigureAwait(false);
        if (_options.AssignOnStart)
        {
            await _lanes.AssignSelfAsync(claim, cancellationToken).ConfigureAwait(false);
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
        await _lanes.EnsureHeldAsync(claim, cancellationToken).ConfigureAwait(false);
        return await _lanes.CommentAsync(claim.Number, message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks held work blocked, saying why in a comment. The reaper does not reap blocked work.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="reason">What it waits on (required: a blocked card without a reason helps nobody).</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="TaskClaimLostException">The agent no longer holds it.</exception>
    public Task BlockAsync(TaskClaim claim, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return _lanes.MoveAsync(claim, _options.BlockedLabel, $"Blocked: {reason}", cancellationToken);
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

        await _lanes.MoveAsync(claim, _options.InReviewLabel, $"In review: #{pullRequestNumber}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives held work back: ready again, no claim, no lane label, the agent no longer assigned.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="reason">Why, posted as a comment when given.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="TaskClaimLostException">The agent no longer holds it.</exception>
    public async Task ReleaseAsync(TaskClaim claim, string? reason = null, CancellationToken cancellationToken = default)
    {
        GiteaIssue issue = await _lanes.EnsureHeldAsync(claim, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(reason))
        {
            await _lanes.CommentAsync(claim.Number, $"Released by {claim.Agent}: {reason}", cancellationToken).ConfigureAwait(false);
        }

        await _lanes.ReturnToReadyAsync(issue, [claim.Agent], cancellationToken).ConfigureAwait(false);
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
        GiteaIssue issue = await _lanes.EnsureHeldAsync(claim, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(summary))
        {
            await _lanes.CommentAsync(claim.Number, summary, cancellationToken).ConfigureAwait(false);
        }

        await _lanes.CloseAsync(issue, cancellationToken).ConfigureAwait(false);
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
        return await _reaper.ReapAsync(cancellationToken).ConfigureAwait(false);
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
            cards.Add(TaskCard.Classify(issue, _options));
        }

        return new TaskBoard(Owner, Repo, readAt, cards);
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
        using Activity? activity = TaskQueueDiagnostics.ActivitySource.StartActivity("hermes.taskqueue.claim");
        activity?.SetTag("hermes.agent", _options.Agent);
        activity?.SetTag("hermes.issue", $"{Owner}/{Repo}#{issue.Number}");

        List<GiteaLabel>? after = await _labels.TryAddAsync(issue.Number, _options.ClaimLabel, cancellationToken).ConfigureAwait(false);
        if (after is not null && !after.Has(_options.ReadyLabel))
        {
            // No longer ready: its holder has started it (or a person took it out of the queue). Not ours to take.
            await _labels.RemoveAsync(issue.Number, after, [_options.ClaimLabel], cancellationToken).ConfigureAwait(false);
            after = null;
            LogNotClaimable(issue.Number);
        }
        else if (after is not null && after.CountStartingWith(_options.ClaimLabelPrefix) > 1)
        {
            await _labels.RemoveAsync(issue.Number, after, [_options.ClaimLabel], cancellationToken).ConfigureAwait(false);
            int others = after.CountStartingWith(_options.ClaimLabelPrefix) - 1;
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

    private void Record(Activity? activity, string outcome)
    {
        activity?.SetTag("hermes.outcome", outcome);
        TaskQueueDiagnostics.Claims.Add(1, new("hermes.agent", _options.Agent), new("hermes.outcome", outcome));
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Claimed #{Number}.")]
    private partial void LogWon(long number);

    [LoggerMessage(EventId = 21, Level = LogLevel.Debug, Message = "Stepped back from #{Number}: {Others} other claim(s) on it; moving on.")]
    private partial void LogLostRace(long number, int others);

    [LoggerMessage(EventId = 22, Level = LogLevel.Debug, Message = "#{Number} is not claimable (closed, not ready, or already claimed).")]
    private partial void LogNotClaimable(long number);

    [LoggerMessage(EventId = 26, Level = LogLevel.Information, Message = "{Agent} released #{Number}.")]
    private partial void LogReleased(long number, string agent);

    [LoggerMessage(EventId = 27, Level = LogLevel.Information, Message = "{Agent} completed #{Number}.")]
    private partial void LogCompleted(long number, string agent);
}
