using System.Globalization;
using System.Text;
using Hermes.Sdk.Agents;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.TaskQueue;
using Hermes.Sdk.Models.Chain;
using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Seed;

/// <summary>
/// The seed's work on a claimed issue. <see cref="ByRole"/> (the default) does the role's work through the agent loop:
/// a worker opens a pull request, a wolf triages in the rubric, a strategist plans. <see cref="AnswerWithTheChain"/>
/// only asks the chain and posts the reply.
/// </summary>
public static class SeedWork
{
    /// <summary>
    /// The role's work through the agent loop, with the Gitea tools the role and token allow plus the item's skills and
    /// MCP tools. A worker turns the issue into a pull request from <c>hermes/&lt;agent&gt;/&lt;issue&gt;</c> that
    /// closes it (the issue then waits in review) and reports what it changed, the statuses it saw and what it could not
    /// do; a wolf posts a rubric triage (one retry, then a note that leaves the issue to people); a strategist posts a
    /// plan. Every comment ends with the audit trail of the tools used.
    /// </summary>
    /// <param name="item">The issue.</param>
    /// <param name="agent">The agent's chat client.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The outcome.</returns>
    public static Task<SeedWorkOutcome> ByRole(SeedWorkItem item, IChatClient agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(agent);
        return item.Config.Role switch
        {
            SeedRole.Worker => BuildAsync(item, agent, cancellationToken),
            SeedRole.Wolf => TriageAsync(item, agent, cancellationToken),
            _ => PlanAsync(item, agent, cancellationToken),
        };
    }

    /// <summary>The Gitea tools' options for the seed: its workspace, its name, and what its config allows.</summary>
    /// <param name="config">The seed's configuration.</param>
    /// <returns>The options.</returns>
    public static GiteaToolOptions ToolOptions(SeedConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new GiteaToolOptions
        {
            Owner = config.Gitea.Owner,
            Repo = config.Gitea.Repo,
            Agent = config.Agent,
            AllowMerge = config.Gitea.AllowMerge,
            AllowDefaultBranchWrites = config.Gitea.AllowDefaultBranchWrites,
        };
    }

    /// <summary>Every tool that exists for the item: the Gitea tools of the seed's workspace, then its skills and MCP tools.</summary>
    private static AgentTool[] ToolsOf(SeedWorkItem item) => [.. new GiteaAgentTools(item.Gitea, ToolOptions(item.Config)).All(), .. item.Tools];

    private static async Task<SeedWorkOutcome> BuildAsync(SeedWorkItem item, IChatClient agent, CancellationToken cancellationToken)
    {
        var flow = new WorkerFlow(new AgentLoop(agent, item.LoggerFactory), item.Gitea, ToolOptions(item.Config), item.Config.Gitea.TokenScopes, item.Tools)
        {
            Budget = item.Config.Work.Apply(WorkerFlow.DefaultBudget),
        };
        WorkerResult result = await flow.RunAsync(item.Issue, Instructions(item.Config), cancellationToken).ConfigureAwait(false);
        string? provider = result.Run.Response?.GetAnsweringProvider();
        string comment = result.ToComment(item.Config.Agent);
        return result.PullRequest is { } pr
            ? new SeedWorkOutcome(SeedWorkDisposition.InReview, comment, provider, $"pull request #{pr.Number}") { PullRequest = pr.Number }
            : new SeedWorkOutcome(SeedWorkDisposition.CommentAndRelease, comment, provider, result.Run.StopReason == AgentStopReason.Completed ? "no change was committed" : $"no change was committed: stopped by its budget ({result.Run.StopReason})");
    }

    private static async Task<SeedWorkOutcome> TriageAsync(SeedWorkItem item, IChatClient agent, CancellationToken cancellationToken)
    {
        SeedConfig config = item.Config;
        var triage = new WolfTriage(new AgentLoop(agent, item.LoggerFactory), ToolsOf(item), config.Gitea.TokenScopes) { Budget = config.Work.Apply(WolfTriage.DefaultBudget) };
        WolfTriageResult result = await triage.RunAsync(config.Agent, item.Issue.Number, item.Issue.Title, $"{config.Gitea.Owner}/{config.Gitea.Repo}", cancellationToken).ConfigureAwait(false);
        string? provider = result.Run.Response?.GetAnsweringProvider();
        if (result.Triage is null)
        {
            // Recorded on the issue — a note, not a triage — so that this wolf, whose last comment it is, leaves the issue
            // to people instead of claiming it on every run.
            return new SeedWorkOutcome(
                SeedWorkDisposition.CommentAndRelease,
                $"{config.Agent} could not triage this within the rubric: {result.Problem}. Leaving it for people.\n\n— {config.Agent} (wolf)",
                provider,
                result.Problem + "; a note was posted and the issue left for people");
        }

        return new SeedWorkOutcome(SeedWorkDisposition.CommentAndRelease, result.ToComment($"Triage: {config.Agent}"), provider);
    }

    private static async Task<SeedWorkOutcome> PlanAsync(SeedWorkItem item, IChatClient agent, CancellationToken cancellationToken)
    {
        SeedConfig config = item.Config;
        List<ChatMessage> messages =
        [
            new(ChatRole.System, Instructions(config)),
            new(ChatRole.User, $"Issue #{item.Issue.Number} (\"{item.Issue.Title}\") of {config.Gitea.Owner}/{config.Gitea.Repo} needs a plan. Read it with read_issue, and the code it concerns if that helps; answer with the plan."),
        ];
        var task = new AgentTask(AgentTier.Strategist, messages, ToolsOf(item), config.Gitea.TokenScopes) { Budget = config.Work.Apply(new AgentBudget()) };
        AgentRun run = await new AgentLoop(agent, item.LoggerFactory).RunAsync(task, cancellationToken).ConfigureAwait(false);
        string? provider = run.Response?.GetAnsweringProvider();
        if (string.IsNullOrWhiteSpace(run.Text))
        {
            return new SeedWorkOutcome(SeedWorkDisposition.Release, null, provider, $"no plan: {run.StopReason}");
        }

        string comment = string.Create(CultureInfo.InvariantCulture, $"{run.Text.Trim()}\n\n<details><summary>Tools: {config.Agent}</summary>\n\n{run.Audit.ToMarkdown()}\n</details>\n\n— {config.Agent} (strategist)");
        return new SeedWorkOutcome(SeedWorkDisposition.CommentAndRelease, comment, provider);
    }

    /// <summary>
    /// Asks the chain about the issue (title, body and the conversation so far) in the role's voice and posts the reply,
    /// giving the issue back for people to act on. A wolf's reply must follow the triage rubric (evidence, a
    /// recommended next action, a confidence level): one that does not is not posted — wolves without standards
    /// produce spam.
    /// </summary>
    /// <param name="item">The issue.</param>
    /// <param name="agent">The agent's chat client.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The outcome.</returns>
    public static async Task<SeedWorkOutcome> AnswerWithTheChain(SeedWorkItem item, IChatClient agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(agent);
        var prompt = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Issue #{item.Issue.Number} in {item.Claim.Owner}/{item.Claim.Repo}: {item.Issue.Title}")
            .AppendLine()
            .AppendLine(string.IsNullOrWhiteSpace(item.Issue.Body) ? "(no description)" : item.Issue.Body.Trim());
        foreach (GiteaComment comment in item.Comments)
        {
            prompt.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Comment by {comment.User?.Login ?? "someone"}:").AppendLine(comment.Body.Trim());
        }

        List<ChatMessage> messages = [new ChatMessage(ChatRole.System, Instructions(item.Config)), new ChatMessage(ChatRole.User, prompt.ToString())];
        ChatResponse response = await agent.GetResponseAsync(messages, cancellationToken: cancellationToken).ConfigureAwait(false);
        string reply = response.Text.Trim();
        string? provider = response.GetAnsweringProvider();
        if (reply.Length == 0)
        {
            return new SeedWorkOutcome(SeedWorkDisposition.Release, null, provider, "the chain's reply was empty");
        }

        if (item.Config.Role == SeedRole.Wolf && TriageComment.Check(reply) is { Count: > 0 })
        {
            // One more try, told what was missing. A second miss is recorded on the issue — a note, not a triage — so
            // that this wolf, whose last comment it is, leaves the issue to people instead of claiming it on every run.
            messages.Add(new ChatMessage(ChatRole.Assistant, reply));
            messages.Add(new ChatMessage(ChatRole.User, $"That is not a triage in the rubric (missing: {string.Join(", ", TriageComment.Check(reply))}). Answer again with **Evidence:**, **Recommended action:** and **Confidence:**."));
            response = await agent.GetResponseAsync(messages, cancellationToken: cancellationToken).ConfigureAwait(false);
            reply = response.Text.Trim();
            provider = response.GetAnsweringProvider() ?? provider;
            if (TriageComment.Check(reply) is { Count: > 0 } missing)
            {
                string reason = $"the reply did not meet the triage rubric in two tries (missing: {string.Join(", ", missing)})";
                return new SeedWorkOutcome(
                    SeedWorkDisposition.CommentAndRelease,
                    $"{item.Config.Agent} could not triage this within the rubric: {reason}. Leaving it for people.\n\n— {item.Config.Agent} (wolf)",
                    provider,
                    reason + "; a note was posted and the issue left for people");
            }
        }

        return new SeedWorkOutcome(SeedWorkDisposition.CommentAndRelease, $"{reply}\n\n— {item.Config.Agent} ({item.Config.Role.ToString().ToLowerInvariant()})", provider);
    }

    /// <summary>The role's standing instructions.</summary>
    internal static string Instructions(SeedConfig config) => config.Role switch
    {
        SeedRole.Wolf =>
            $"You are {config.Agent}, a wolf of the {config.Fleet} fleet triaging an issue. Reply with a triage comment in markdown with three labelled parts: " +
            "**Evidence:** what you found (bullet points), **Recommended action:** the next step, **Confidence:** low, medium or high.",
        SeedRole.Worker =>
            $"You are {config.Agent}, a worker of the {config.Fleet} fleet: you build. Do what the issue asks by changing the code on your branch and opening a pull request; say plainly what you could not do.",
        _ =>
            $"You are {config.Agent}, the strategist of the {config.Fleet} fleet. Read the issue and reply with a short plan: what it needs, in what order, who should do it, and any risk.",
    };
}
