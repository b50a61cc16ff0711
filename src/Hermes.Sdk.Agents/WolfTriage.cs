using System.Globalization;
using Hermes.Sdk.TaskQueue;
using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Agents;

/// <summary>
/// A wolf's triage of one issue through the agent loop with read-only tools: the reply must follow the rubric
/// (evidence, recommended action, confidence, <see cref="TriageComment.Check"/>); one that does not is sent back once,
/// told what it lacked, and a second miss is a failure — never a loop.
/// </summary>
public sealed class WolfTriage
{
    private readonly AgentLoop _loop;
    private readonly IReadOnlyCollection<string> _scopes;
    private readonly AgentTool[] _tools;

    /// <summary>Creates the triage.</summary>
    /// <param name="loop">The wolf's agent loop.</param>
    /// <param name="tools">The tools that exist; only the read-only ones are used (a triage is posted by the caller).</param>
    /// <param name="tokenScopes">The scopes of the wolf's token.</param>
    public WolfTriage(AgentLoop loop, IEnumerable<AgentTool> tools, IReadOnlyCollection<string> tokenScopes)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(tokenScopes);
        _loop = loop;
        _scopes = tokenScopes;
        _tools = [.. tools.Where(t => t.RequiredScope?.StartsWith("read:", StringComparison.Ordinal) != false)];
    }

    /// <summary>What one triage attempt may spend unless told otherwise: 8 tool calls, and <see cref="AgentBudget"/>'s tokens and wall time.</summary>
    public static AgentBudget DefaultBudget { get; } = new() { MaxToolCalls = 8 };

    /// <summary>What one attempt may spend (default <see cref="DefaultBudget"/>).</summary>
    public AgentBudget Budget { get; init; } = DefaultBudget;

    /// <summary>Triages an issue in at most two attempts.</summary>
    /// <param name="agent">The wolf's name.</param>
    /// <param name="issueNumber">The issue.</param>
    /// <param name="issueTitle">Its title.</param>
    /// <param name="repository">Its repository, <c>owner/name</c>.</param>
    /// <param name="cancellationToken">Cancels the triage.</param>
    /// <returns>The triage text when one passed the rubric, else why not; and the last run.</returns>
    public async Task<WolfTriageResult> RunAsync(string agent, long issueNumber, string issueTitle, string repository, CancellationToken cancellationToken = default)
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, Instructions(agent)),
            new(ChatRole.User, $"Triage issue #{issueNumber} (\"{issueTitle}\") of {repository}. Read it first."),
        };
        string problem = "no answer";
        AgentRun? run = null;
        for (int attempt = 1; attempt <= 2; attempt++)
        {
            run = await _loop.RunAsync(new AgentTask(AgentTier.Wolf, messages, _tools, _scopes) { Budget = Budget }, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string> missing = run.Text is null ? [] : TriageComment.Check(run.Text);
            if (run.Text is { } text && missing.Count == 0)
            {
                return new WolfTriageResult(text.Trim(), null, run);
            }

            problem = run.Text is null ? $"stopped: {run.StopReason}" : $"the triage lacked {string.Join(", ", missing)}";
            messages.Add(new ChatMessage(ChatRole.Assistant, run.Text ?? string.Empty));
            messages.Add(new ChatMessage(ChatRole.User, $"That is not a triage in the rubric: {problem}. Answer again, in the rubric."));
        }

        return new WolfTriageResult(null, $"no triage passed the rubric in two tries ({problem})", run!);
    }

    private static string Instructions(string agent) => $"""
        You are {agent}, a wolf: you hunt the backlog. Read the issue you are given with read_issue (and the code or pull
        requests it names, when that helps), then answer with a triage comment in exactly this form:
        Evidence:
        - something a person can check: an issue or PR (#123), a link, a commit, a file path, a `code span` or a > quoted line
        Recommended action: what should happen next (close, fix, ask the reporter, …)
        Confidence: high, medium or low
        """;
}

/// <summary>A wolf's triage of one issue.</summary>
/// <param name="Triage">The triage, in the rubric; null when none passed.</param>
/// <param name="Problem">Why none passed; null when one did.</param>
/// <param name="Run">The last attempt's run (its audit trail).</param>
public sealed record WolfTriageResult(string? Triage, string? Problem, AgentRun Run)
{
    /// <summary>
    /// The comment to post: the triage, the audit trail folded under <paramref name="heading"/>, and
    /// <see cref="BurnNight.Marker"/>, by which a later burn night knows a wolf triaged the issue.
    /// </summary>
    /// <param name="heading">The audit trail's summary line, e.g. <c>Burn night: wolf-1</c>.</param>
    /// <returns>Markdown.</returns>
    /// <exception cref="InvalidOperationException">No triage passed the rubric.</exception>
    public string ToComment(string heading) => string.Create(CultureInfo.InvariantCulture, $"""
        {Triage ?? throw new InvalidOperationException($"There is no triage to post: {Problem}")}

        <details><summary>{heading}</summary>

        {Run.Audit.ToMarkdown()}
        </details>

        {BurnNight.Marker}
        """);
}
