using System.Globalization;
using Hermes.Sdk.Gitea;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hermes.Sdk.Agents;

/// <summary>
/// The strategist's review queue: open pull requests by others that this strategist has not reviewed at their current
/// head, oldest first. Each is reviewed through the agent loop (the pull request, its files, its diff, its statuses,
/// then one review with line comments); <c>post_review</c> refuses to approve over failing or pending checks. A loop
/// that ends without a review leaves a plain comment review saying so — never an approval — and every review is
/// followed by a comment with the audit trail.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "What strategists call it: the review queue of open pull requests.")]
public sealed partial class ReviewQueue
{
    private readonly AgentRole _role;
    private readonly GiteaClient _client;
    private readonly GiteaToolOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the queue.</summary>
    /// <param name="loop">The strategist's agent loop.</param>
    /// <param name="client">The strategist's Gitea client (its own token).</param>
    /// <param name="options">The repository, the strategist's login and what its config allows.</param>
    /// <param name="tokenScopes">The scopes of the strategist's token.</param>
    /// <param name="extraTools">More tools (skills, MCP servers), under the same policy.</param>
    /// <param name="logger">Logs each review.</param>
    public ReviewQueue(AgentLoop loop, GiteaClient client, GiteaToolOptions options, IReadOnlyCollection<string> tokenScopes, IEnumerable<AgentTool>? extraTools = null, ILogger<ReviewQueue>? logger = null)
    {
        _role = new AgentRole(loop, client, options, tokenScopes, extraTools);
        _client = client;
        _options = options;
        _logger = logger ?? NullLogger<ReviewQueue>.Instance;
    }

    /// <summary>What one review may spend unless told otherwise: 20 tool calls, and <see cref="AgentBudget"/>'s tokens and wall time.</summary>
    public static AgentBudget DefaultBudget { get; } = new() { MaxToolCalls = 20 };

    /// <summary>What one review may spend (default <see cref="DefaultBudget"/>).</summary>
    public AgentBudget Budget { get; init; } = DefaultBudget;

    /// <summary>Open pull requests by others without this strategist's review at their current head, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The pull requests awaiting review.</returns>
    public async Task<IReadOnlyList<GiteaPullRequest>> AwaitingReviewAsync(CancellationToken cancellationToken = default)
    {
        var waiting = new List<GiteaPullRequest>();
        await foreach (GiteaPullRequest pr in _client.ListPullRequestsAsync(_options.Owner, _options.Repo, "open", cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(pr.User?.Login, _options.Agent, StringComparison.OrdinalIgnoreCase) || await ReviewedAtHeadAsync(pr, cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }

            waiting.Add(pr);
        }

        return [.. waiting.OrderBy(p => p.Number)];
    }

    /// <summary>Reviews up to <paramref name="max"/> pull requests from the queue.</summary>
    /// <param name="max">How many.</param>
    /// <param name="instructions">The strategist's standing instructions (its role and soul), or null for the default.</param>
    /// <param name="cancellationToken">Stops after the pull request in hand.</param>
    /// <returns>One result per pull request reviewed.</returns>
    public async Task<IReadOnlyList<ReviewResult>> RunAsync(int max = 5, string? instructions = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var results = new List<ReviewResult>();
        foreach (GiteaPullRequest pr in (await AwaitingReviewAsync(cancellationToken).ConfigureAwait(false)).Take(max))
        {
            results.Add(await ReviewAsync(pr, instructions, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Reviews one pull request.</summary>
    /// <param name="pullRequest">The pull request.</param>
    /// <param name="instructions">The strategist's standing instructions, or null for the default.</param>
    /// <param name="cancellationToken">Cancels the review.</param>
    /// <returns>The review posted and the run.</returns>
    public async Task<ReviewResult> ReviewAsync(GiteaPullRequest pullRequest, string? instructions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pullRequest);
        AgentRun run = await _role.RunAsync(
            AgentTier.Strategist,
            instructions ?? $"You are {_options.Agent}, a strategist: you think, and you review what workers build.",
            Task(pullRequest),
            Budget,
            cancellationToken).ConfigureAwait(false);

        GiteaPullRequest now = await _client.Api.GetPullRequestAsync(_options.Owner, _options.Repo, pullRequest.Number, cancellationToken).ConfigureAwait(false);
        GiteaPullReview? review = await ReviewedAtHeadAsync(now, cancellationToken).ConfigureAwait(false);
        if (review is null)
        {
            // The loop ended without a review: say so on the pull request, as a comment review — never an approval.
            string body = string.IsNullOrWhiteSpace(run.Text)
                ? $"{_options.Agent} could not finish reviewing this ({run.StopReason}); leaving it for people."
                : $"{run.Text.Trim()}\n\n({_options.Agent} did not submit a verdict: {run.StopReason}.)";
            review = await _client.Api.CreateReviewAsync(_options.Owner, _options.Repo, now.Number, new CreatePullReviewOptions { Event = "COMMENT", Body = body, CommitId = now.Head?.Sha }, cancellationToken).ConfigureAwait(false);
        }

        int lineComments = (await _client.Api.ListReviewCommentsAsync(_options.Owner, _options.Repo, now.Number, review.Id, cancellationToken).ConfigureAwait(false)).Count;
        await _client.Api.CreateCommentAsync(_options.Owner, _options.Repo, now.Number, new CreateIssueCommentOption
        {
            Body = string.Create(CultureInfo.InvariantCulture, $"<details><summary>Review by {_options.Agent}: {review.State}, {lineComments} line comment(s)</summary>\n\n{run.Audit.ToMarkdown()}\n</details>"),
        }, cancellationToken).ConfigureAwait(false);
        LogReviewed(now.Number, review.State, lineComments, run.StopReason);
        return new ReviewResult(now.Number, review.State, lineComments, run);
    }

    /// <summary>This strategist's latest submitted review of the pull request at its current head, or null.</summary>
    private async Task<GiteaPullReview?> ReviewedAtHeadAsync(GiteaPullRequest pr, CancellationToken cancellationToken)
    {
        GiteaPullReview? mine = null;
        await foreach (GiteaPullReview review in _client.ListReviewsAsync(_options.Owner, _options.Repo, pr.Number, cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(review.User?.Login, _options.Agent, StringComparison.OrdinalIgnoreCase) && review.CommitId == pr.Head?.Sha && review.State != "PENDING")
            {
                mine = review;
            }
        }

        return mine;
    }

    private static string Task(GiteaPullRequest pr) => string.Create(CultureInfo.InvariantCulture, $"""
        Review pull request #{pr.Number} ("{pr.Title}"). Read it with read_pull_request, list_pull_request_files,
        read_pull_request_diff and read_statuses (read_file for context). Then submit exactly one review with post_review:
        request_changes when you find a problem — put each one as a line comment on the line of the new file where it is —
        approve only when the change is right and every status check is green, otherwise comment.
        Finish with one line: your verdict and why.
        """);

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Review: #{PullRequest} {State} with {LineComments} line comment(s) ({StopReason}).")]
    private partial void LogReviewed(long pullRequest, string state, int lineComments, AgentStopReason stopReason);
}
