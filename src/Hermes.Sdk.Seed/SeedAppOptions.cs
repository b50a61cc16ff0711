using Hermes.Sdk.Agents;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.TaskQueue;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.Seed;

/// <summary>Where the seed lives and how it talks to the world; every property has a working default.</summary>
public sealed class SeedAppOptions
{
    /// <summary>The seed folder (config.yaml, SOUL.md, safety-tests.md, skills/). Default: the current directory.</summary>
    public string Directory { get; set; } = System.Environment.CurrentDirectory;

    /// <summary>Standard output (tables, or JSON with <c>--json</c>).</summary>
    public TextWriter Out { get; set; } = Console.Out;

    /// <summary>Standard error (problems, warnings and progress).</summary>
    public TextWriter Error { get; set; } = Console.Error;

    /// <summary>Reads environment variables (API keys, tokens). Default: the process environment.</summary>
    public Func<string, string?> Environment { get; set; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Where identities are stored; default <c>$HERMES_HOME/identities</c> (see <c>IdentityStoreOptions</c>).</summary>
    public string? IdentityRoot { get; set; }

    /// <summary>Logging (warnings go to standard error when not set).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Whether a failure's stack trace is written too (<c>--verbose</c> sets it).</summary>
    public bool Verbose { get; set; }

    /// <summary>How the agent works one claimed issue; default <see cref="SeedWork.ByRole"/> (the role's work through the agent loop).</summary>
    public SeedWorkHandler Work { get; set; } = SeedWork.ByRole;

    /// <summary>How long <c>survey</c> and <c>doctor</c> wait for a server to answer.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>One claimed issue, handed to the agent's work.</summary>
/// <param name="Config">The seed's configuration.</param>
/// <param name="Claim">The claim (the agent holds the issue).</param>
/// <param name="Issue">The issue.</param>
/// <param name="Comments">Its comments so far, oldest first.</param>
/// <param name="Gitea">The Gitea client, authenticated as the agent.</param>
public sealed record SeedWorkItem(SeedConfig Config, TaskClaim Claim, GiteaIssue Issue, IReadOnlyList<GiteaComment> Comments, GiteaClient Gitea)
{
    /// <summary>The agent's tools besides Gitea's: its skills and its MCP servers (config and skills), under the role's policy.</summary>
    public IReadOnlyList<AgentTool> Tools { get; init; } = [];

    /// <summary>Logging for the agent loop (every tool call, refusal and budget stop).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}

/// <summary>What to do with a worked issue.</summary>
public enum SeedWorkDisposition
{
    /// <summary>Post the comment and give the issue back (ready again, for people or another agent to act on).</summary>
    CommentAndRelease,

    /// <summary>Post the comment and close the issue: the work is done.</summary>
    Complete,

    /// <summary>Post the comment and mark the issue blocked: it waits on something outside the agent.</summary>
    Block,

    /// <summary>Post nothing and give the issue back.</summary>
    Release,

    /// <summary>Post the comment and move the issue to the in-review lane: <see cref="SeedWorkOutcome.PullRequest"/> is open for it.</summary>
    InReview,
}

/// <summary>The outcome of working an issue.</summary>
/// <param name="Disposition">What to do with the issue.</param>
/// <param name="Comment">The comment to post (markdown), if any.</param>
/// <param name="AnsweredBy">Which provider of the chain produced it.</param>
/// <param name="Note">Why, for the run's report (not posted).</param>
public sealed record SeedWorkOutcome(SeedWorkDisposition Disposition, string? Comment, string? AnsweredBy = null, string? Note = null)
{
    /// <summary>The pull request that does the work (<see cref="SeedWorkDisposition.InReview"/>).</summary>
    public long? PullRequest { get; init; }
}

/// <summary>Works one claimed issue: the agent's own chat client (chain with soul and conscience) is given.</summary>
/// <param name="item">The issue.</param>
/// <param name="agent">The chain, behind the conscience, restricted to models cleared by the ship gate.</param>
/// <param name="cancellationToken">Cancels the work.</param>
/// <returns>What to do with the issue.</returns>
public delegate Task<SeedWorkOutcome> SeedWorkHandler(SeedWorkItem item, IChatClient agent, CancellationToken cancellationToken);
