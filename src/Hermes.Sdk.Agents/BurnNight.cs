using Hermes.Sdk.Gitea;
using Hermes.Sdk.TaskQueue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hermes.Sdk.Agents;

/// <summary>
/// The tenth commandment's burn night: a wolf scans up to <see cref="BurnNightOptions.MaxIssues"/> stale issues, oldest
/// activity first, and posts a rubric triage comment on each (evidence, recommended action, confidence), through the
/// agent loop with read-only tools. An issue whose latest activity is a wolf's triage is skipped; a triage that fails the
/// rubric twice is a failure for that issue, never a loop; comments are spaced by <see cref="BurnNightOptions.MinInterval"/>.
/// </summary>
public sealed partial class BurnNight
{
    /// <summary>Ends every triage comment; how a later burn night knows a wolf triaged the issue.</summary>
    public const string Marker = "<!-- hermes:triage -->";

    /// <summary>How close an issue's last update may follow a triage comment and still be that comment's own.</summary>
    private static readonly TimeSpan SameActivity = TimeSpan.FromSeconds(5);

    private readonly GiteaClient _client;
    private readonly BurnNightOptions _options;
    private readonly WolfTriage _triage;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private long _lastPostAt;

    /// <summary>Creates the burn night.</summary>
    /// <param name="loop">The wolf's agent loop.</param>
    /// <param name="client">The wolf's Gitea client (its own token).</param>
    /// <param name="options">The repository, limits and pace; validated here.</param>
    /// <param name="tokenScopes">The scopes of the wolf's token.</param>
    /// <param name="logger">Logs each issue's outcome and the report.</param>
    /// <param name="timeProvider">The clock staleness and pace are kept by.</param>
    public BurnNight(AgentLoop loop, GiteaClient client, BurnNightOptions options, IReadOnlyCollection<string> tokenScopes, ILogger<BurnNight>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokenScopes);
        options.Validate();
        _client = client;
        _options = options;
        _triage = new WolfTriage(loop, new GiteaAgentTools(client, new GiteaToolOptions { Owner = options.Owner, Repo = options.Repo, Agent = options.Agent }).All(), tokenScopes) { Budget = options.Budget };
        _logger = logger ?? NullLogger<BurnNight>.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Runs the burn night.</summary>
    /// <param name="progress">Receives each issue's entry as it is decided.</param>
    /// <param name="cancellationToken">Stops after the issue in hand.</param>
    /// <returns>The burn report.</returns>
    public async Task<BurnReport> RunAsync(IProgress<BurnEntry>? progress = null, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _time.GetUtcNow();
        var stale = new List<GiteaIssue>();
        await foreach (GiteaIssue issue in _client.ListIssuesAsync(_options.Owner, _options.Repo, "open", cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (now - issue.UpdatedAt >= _options.StaleAfter)
            {
                stale.Add(issue);
            }
        }

        var entries = new List<BurnEntry>();
        foreach (GiteaIssue issue in stale.OrderBy(i => i.UpdatedAt).ThenBy(i => i.Number).Take(_options.MaxIssues))
        {
            BurnEntry entry;
            try
            {
                entry = await BurnAsync(issue, cancellationToken).ConfigureAwait(false);
            }
            catch (GiteaException ex)
            {
                // The forge refused a read or the comment: a failure for this issue, and the night goes on.
                entry = new BurnEntry(issue.Number, issue.Title, BurnOutcome.Failed, issue.HtmlUrl, $"Gitea: {ex.Message}");
            }

            entries.Add(entry);
            LogEntry(entry.Number, entry.Outcome, entry.Reason ?? string.Empty);
            progress?.Report(entry);
        }

        var report = new BurnReport(entries);
        LogReport(report.Triaged, report.Skipped, report.Failed);
        return report;
    }

    private async Task<BurnEntry> BurnAsync(GiteaIssue issue, CancellationToken cancellationToken)
    {
        List<GiteaComment> comments = await _client.Api.ListCommentsAsync(_options.Owner, _options.Repo, issue.Number, cancellationToken).ConfigureAwait(false);
        if (comments.LastOrDefault() is { } last && last.Body.Contains(Marker, StringComparison.Ordinal) && issue.UpdatedAt - last.CreatedAt <= SameActivity)
        {
            return new BurnEntry(issue.Number, issue.Title, BurnOutcome.Skipped, last.HtmlUrl ?? issue.HtmlUrl, $"triaged by {last.User?.Login} at {last.CreatedAt:u}, nothing since");
        }

        WolfTriageResult result;
        try
        {
            result = await _triage.RunAsync(_options.Agent, issue.Number, issue.Title, $"{_options.Owner}/{_options.Repo}", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new BurnEntry(issue.Number, issue.Title, BurnOutcome.Failed, issue.HtmlUrl, $"the model failed: {ex.Message}");
        }

        if (result.Triage is null)
        {
            return new BurnEntry(issue.Number, issue.Title, BurnOutcome.Failed, issue.HtmlUrl, result.Problem);
        }

        await PaceAsync(cancellationToken).ConfigureAwait(false);
        GiteaComment posted = await _client.PostTriageCommentAsync(_options.Owner, _options.Repo, issue.Number, result.ToComment($"Burn night: {_options.Agent}"), cancellationToken).ConfigureAwait(false);
        return new BurnEntry(issue.Number, issue.Title, BurnOutcome.Triaged, posted.HtmlUrl ?? issue.HtmlUrl, null);
    }

    /// <summary>Waits until <see cref="BurnNightOptions.MinInterval"/> has passed since the last comment.</summary>
    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        if (_lastPostAt != 0 && _options.MinInterval - _time.GetElapsedTime(_lastPostAt) is { } wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }

        _lastPostAt = _time.GetTimestamp();
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Burn night: #{Number} {Outcome}. {Reason}")]
    private partial void LogEntry(long number, BurnOutcome outcome, string reason);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Burn report: {Triaged} triaged, {Skipped} skipped, {Failed} failed.")]
    private partial void LogReport(int triaged, int skipped, int failed);
}
