namespace Hermes.Sdk.Agents;

/// <summary>The blueprint's tiers: "Strategists think. Workers build. Wolves hunt the backlog."</summary>
public enum AgentTier
{
    /// <summary>Reads and reviews: the review queue, diffs, statuses; writes reviews and comments.</summary>
    Strategist,

    /// <summary>Builds: reads the code, writes to its own branch, opens pull requests.</summary>
    Worker,

    /// <summary>Hunts the backlog: reads stale issues and posts rubric triage comments.</summary>
    Wolf,
}
