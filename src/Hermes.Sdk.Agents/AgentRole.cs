using Hermes.Sdk.Gitea;
using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Agents;

/// <summary>
/// What a tier's flow works with: its loop, its Gitea client and options, its token's scopes, and every tool that
/// exists for it (the Gitea tools and any extra ones); the loop offers the model only those the tier and token allow.
/// </summary>
internal sealed class AgentRole
{
    public AgentRole(AgentLoop loop, GiteaClient client, GiteaToolOptions options, IReadOnlyCollection<string> tokenScopes, IEnumerable<AgentTool>? extraTools)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokenScopes);
        options.Validate();
        Loop = loop;
        Client = client;
        Options = options;
        Scopes = tokenScopes;
        Tools = [.. new GiteaAgentTools(client, options).All(), .. extraTools ?? []];
    }

    public AgentLoop Loop { get; }

    public GiteaClient Client { get; }

    public GiteaToolOptions Options { get; }

    public IReadOnlyCollection<string> Scopes { get; }

    public AgentTool[] Tools { get; }

    /// <summary>Runs one task: the standing instructions, then the task, within the budget.</summary>
    public Task<AgentRun> RunAsync(AgentTier tier, string instructions, string task, AgentBudget budget, CancellationToken cancellationToken) =>
        Loop.RunAsync(new AgentTask(tier, [new ChatMessage(ChatRole.System, instructions), new ChatMessage(ChatRole.User, task)], Tools, Scopes) { Budget = budget }, cancellationToken);
}
