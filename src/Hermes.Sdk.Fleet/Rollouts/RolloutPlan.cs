namespace Hermes.Sdk.Fleet;

/// <summary>
/// A change to roll out: the digests (and config version) the agents should run, the canary that gets it first, the
/// waves that follow, and what the canary must show before the rest get it.
/// </summary>
public sealed record RolloutPlan
{
    /// <summary>Who started it (recorded with every step).</summary>
    public required string StartedBy { get; init; }

    /// <summary>What changes: the new <c>chain</c>, <c>soul</c> and/or <c>config</c> digests; others are kept.</summary>
    public required IReadOnlyDictionary<string, string> Digests { get; init; }

    /// <summary>
    /// Digests for particular agents, instead of <see cref="Digests"/>: each agent's own config.yaml names that agent,
    /// so a config change has one digest per agent. Null when every agent gets <see cref="Digests"/>.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? AgentDigests { get; init; }

    /// <summary>The config version it brings, when it does.</summary>
    public string? ConfigVersion { get; init; }

    /// <summary>The agent that gets it first.</summary>
    public required string Canary { get; init; }

    /// <summary>The waves after the canary, in order (default: everyone else in one wave).</summary>
    public IReadOnlyList<IReadOnlyList<string>>? Waves { get; init; }

    /// <summary>How long an agent has to report the new digests in its heartbeat (default 2 minutes).</summary>
    public TimeSpan ReportWithin { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Tasks the canary must complete successfully on the new digests before the waves (default 0).</summary>
    public int CanaryTasks { get; init; }

    /// <summary>How long the canary must run healthy on them (default none).</summary>
    public TimeSpan Soak { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// A check the canary must pass before the waves — the ship gate for any new model of its chain — given the agent;
    /// null for none.
    /// </summary>
    public Func<string, CancellationToken, Task<bool>>? Gate { get; init; }

    /// <summary>What the agent should run after the change.</summary>
    /// <param name="agent">The agent.</param>
    /// <returns>Its digests: <see cref="AgentDigests"/>' when it has some, otherwise <see cref="Digests"/>.</returns>
    public IReadOnlyDictionary<string, string> DigestsOf(string agent) => AgentDigests?.GetValueOrDefault(agent) ?? Digests;
}

/// <summary>A step of a rollout, as recorded.</summary>
/// <param name="At">When.</param>
/// <param name="By">Who started the rollout.</param>
/// <param name="Agent">The agent concerned, or <c>fleet</c>.</param>
/// <param name="What">What happened.</param>
public sealed record RolloutStep(DateTimeOffset At, string By, string Agent, string What);

/// <summary>How a rollout ended.</summary>
public enum RolloutOutcome
{
    /// <summary>Every wave runs the change.</summary>
    Completed,

    /// <summary>A check failed: the rollout halted, and every agent that got the change was given back what it ran.</summary>
    RolledBack,
}

/// <summary>A finished rollout.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Steps">Every step, in order.</param>
/// <param name="Reason">Why it was rolled back, when it was.</param>
public sealed record RolloutResult(RolloutOutcome Outcome, IReadOnlyList<RolloutStep> Steps, string? Reason);
