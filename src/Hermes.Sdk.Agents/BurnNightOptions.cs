namespace Hermes.Sdk.Agents;

/// <summary>A wolf's burn night: which repository, how many stale issues, how fast.</summary>
public sealed class BurnNightOptions
{
    /// <summary>The repository's owner.</summary>
    public string Owner { get; set; } = string.Empty;

    /// <summary>The repository.</summary>
    public string Repo { get; set; } = string.Empty;

    /// <summary>The wolf's login: its triage comments are signed with it, and it skips what a wolf triaged.</summary>
    public string Agent { get; set; } = string.Empty;

    /// <summary>At most this many stale issues are looked at, oldest activity first (default 50).</summary>
    public int MaxIssues { get; set; } = 50;

    /// <summary>An issue is stale after this long without activity (default 14 days).</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The least time between two triage comments (default 2 s): a burn night never floods the forge.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>What one issue's triage may spend (default <see cref="WolfTriage.DefaultBudget"/>).</summary>
    public AgentBudget Budget { get; set; } = WolfTriage.DefaultBudget;

    /// <summary>Throws when an option is unusable.</summary>
    /// <exception cref="ArgumentException">The repository or agent is missing, or a limit is not positive.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Owner);
        ArgumentException.ThrowIfNullOrWhiteSpace(Repo);
        ArgumentException.ThrowIfNullOrWhiteSpace(Agent);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxIssues);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StaleAfter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinInterval, TimeSpan.Zero);
        Budget.Validate();
    }
}
