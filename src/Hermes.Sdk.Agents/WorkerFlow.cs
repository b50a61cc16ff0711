using System.Globalization;
using Hermes.Sdk.Gitea;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hermes.Sdk.Agents;

/// <summary>
/// The worker's flow for a claimed issue: its own branch <c>hermes/&lt;agent&gt;/&lt;issue&gt;</c> from the default
/// branch, then the agent loop (read, change files through the contents API, open a pull request that closes the issue),
/// then the checks the loop cannot be trusted to have done: a branch with commits but no pull request gets one, and the
/// statuses of the pull request's head are read for the report. Tests are run by the repository's CI; the worker reports
/// what it sees. Moving the issue to the in-review lane is the caller's (the task queue's) job.
/// </summary>
public sealed partial class WorkerFlow
{
    private readonly AgentRole _role;
    private readonly GiteaClient _client;
    private readonly GiteaToolOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the flow.</summary>
    /// <param name="loop">The worker's agent loop.</param>
    /// <param name="client">The worker's Gitea client (its own token).</param>
    /// <param name="options">The repository, the worker's login and what its config allows.</param>
    /// <param name="tokenScopes">The scopes of the worker's token.</param>
    /// <param name="extraTools">More tools (skills, MCP servers), under the same policy.</param>
    /// <param name="logger">Logs each issue's outcome.</param>
    public WorkerFlow(AgentLoop loop, GiteaClient client, GiteaToolOptions options, IReadOnlyCollection<string> tokenScopes, IEnumerable<AgentTool>? extraTools = null, ILogger<WorkerFlow>? logger = null)
    {
        _role = new AgentRole(loop, client, options, tokenScopes, extraTools);
        _client = client;
        _options = options;
        _logger = logger ?? NullLogger<WorkerFlow>.Instance;
    }

    /// <summary>What a worker's task may spend unless told otherwise: 30 tool calls, and <see cref="AgentBudget"/>'s tokens and wall time.</summary>
    public static AgentBudget DefaultBudget { get; } = new() { MaxToolCalls = 30 };

    /// <summary>What one task may spend (default <see cref="DefaultBudget"/>).</summary>
    public AgentBudget Budget { get; init; } = DefaultBudget;

    /// <summary>Works an issue into a pull request.</summary>
    /// <param name="issue">The issue (claimed by the caller).</param>
    /// <param name="instructions">The worker's standing instructions (its role and soul), or null for the default.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The branch, the pull request if one is open, the statuses seen and the run.</returns>
    public async Task<WorkerResult> RunAsync(GiteaIssue issue, string? instructions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(issue);
        GiteaRepository repo = await _client.Api.GetRepoAsync(_options.Owner, _options.Repo, cancellationToken).ConfigureAwait(false);
        string main = repo.DefaultBranch ?? "main";
        string branch = $"{_options.BranchPrefix}{issue.Number.ToString(CultureInfo.InvariantCulture)}";
        GiteaBranch start = await EnsureBranchAsync(branch, main, cancellationToken).ConfigureAwait(false);

        AgentRun run = await _role.RunAsync(
            AgentTier.Worker,
            instructions ?? $"You are {_options.Agent}, a worker: you build. You change code through your tools and open a pull request for a person or a strategist to review.",
            Task(issue, branch, main),
            Budget,
            cancellationToken).ConfigureAwait(false);

        GiteaPullRequest? pr = await FindPullRequestAsync(branch, cancellationToken).ConfigureAwait(false);
        GiteaBranch end = await _client.Api.GetBranchAsync(_options.Owner, _options.Repo, branch, cancellationToken).ConfigureAwait(false);
        if (pr is null && end.Commit?.Id != start.Commit?.Id)
        {
            // The model committed but did not open the pull request (it ran out of budget, say): the work is not lost.
            pr = await _client.Api.CreatePullRequestAsync(_options.Owner, _options.Repo, new CreatePullRequestOption
            {
                Head = branch,
                Base = main,
                Title = issue.Title,
                Body = GiteaAgentTools.WithClosingReference(run.Text ?? $"{_options.Agent} committed to {branch} but did not finish ({run.StopReason}).", issue.Number),
            }, cancellationToken).ConfigureAwait(false);
            LogOpenedForTheModel(issue.Number, pr.Number);
        }

        GiteaCombinedStatus? statuses = pr?.Head?.Sha is { } head
            ? await _client.Api.GetCombinedStatusAsync(_options.Owner, _options.Repo, head, cancellationToken).ConfigureAwait(false)
            : null;
        LogWorked(issue.Number, pr?.Number, run.StopReason);
        return new WorkerResult(branch, pr, statuses, run);
    }

    private async Task<GiteaBranch> EnsureBranchAsync(string branch, string from, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.Api.CreateBranchAsync(_options.Owner, _options.Repo, new CreateBranchRepoOption { NewBranchName = branch, OldRefName = from }, cancellationToken).ConfigureAwait(false);
        }
        catch (GiteaConflictException)
        {
            // An earlier try left it: go on from where that try stopped.
            return await _client.Api.GetBranchAsync(_options.Owner, _options.Repo, branch, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<GiteaPullRequest?> FindPullRequestAsync(string branch, CancellationToken cancellationToken)
    {
        await foreach (GiteaPullRequest pr in _client.ListPullRequestsAsync(_options.Owner, _options.Repo, "open", cancellationToken).ConfigureAwait(false))
        {
            if (pr.Head?.Ref == branch)
            {
                return pr;
            }
        }

        return null;
    }

    private static string Task(GiteaIssue issue, string branch, string main) => string.Create(CultureInfo.InvariantCulture, $"""
        Work issue #{issue.Number} ("{issue.Title}"). Read it with read_issue first.
        Your branch is {branch} (made from {main}). Look around with list_files and read_file, make the change with
        write_file on {branch} (pass the sha read_file gave you when you change an existing file), then open a pull request
        with open_pull_request from {branch} that closes #{issue.Number}. The repository's CI runs the tests.
        Finish with a short summary: what you changed, and what you could not do.
        """);

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Worker: #{Issue} → pull request {PullRequest} ({StopReason}).")]
    private partial void LogWorked(long issue, long? pullRequest, AgentStopReason stopReason);

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "Worker: #{Issue}: the model committed without opening a pull request; opened #{PullRequest} for it.")]
    private partial void LogOpenedForTheModel(long issue, long pullRequest);
}
