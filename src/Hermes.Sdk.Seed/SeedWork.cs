using System.Globalization;
using System.Text;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.TaskQueue;
using Hermes.Sdk.Models.Chain;
using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Seed;

/// <summary>The seed's default work: answer the issue through the chain, as its role asks.</summary>
public static class SeedWork
{
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

    private static string Instructions(SeedConfig config) => config.Role switch
    {
        SeedRole.Wolf =>
            $"You are {config.Agent}, a wolf of the {config.Fleet} fleet triaging an issue. Reply with a triage comment in markdown with three labelled parts: " +
            "**Evidence:** what you found (bullet points), **Recommended action:** the next step, **Confidence:** low, medium or high.",
        SeedRole.Worker =>
            $"You are {config.Agent}, a worker of the {config.Fleet} fleet. Do what the issue asks as far as you can in a comment: the answer, the steps you would take, and what you need from people.",
        _ =>
            $"You are {config.Agent}, the strategist of the {config.Fleet} fleet. Read the issue and reply with a short plan: what it needs, in what order, who should do it, and any risk.",
    };
}
