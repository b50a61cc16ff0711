using System.Text.Json.Serialization;

namespace Hermes.Sdk.Fleet;

/// <summary>The runbook's incident severities (fleet-operator-incentives-and-runbook.md, "Incident Response").</summary>
public enum IncidentSeverity
{
    /// <summary>Fleet-wide outage, no agent operational. Respond in 15 minutes, resolve in 4 hours.</summary>
    P0,

    /// <summary>More than half the fleet down. Respond in 30 minutes, resolve in 8 hours.</summary>
    P1,

    /// <summary>A single agent down. Respond in 1 hour, resolve in 24 hours.</summary>
    P2,

    /// <summary>Degraded, not critical: an agent unhealthy. Respond in 4 hours, resolve in 3 days.</summary>
    P3,
}

/// <summary>An incident, opened and closed from what the fleet reports.</summary>
/// <param name="Id">A stable id: the severity, the agent (or <c>fleet</c>) and when it began.</param>
/// <param name="Severity">How bad.</param>
/// <param name="Subject">The agent it concerns, or <c>fleet</c>.</param>
/// <param name="Title">What happened.</param>
/// <param name="Began">When the condition began (the last heartbeat before an agent went silent).</param>
/// <param name="Detected">When it was detected (opened).</param>
/// <param name="Resolved">When it ended, or null while open.</param>
public sealed record FleetIncident(string Id, IncidentSeverity Severity, string Subject, string Title, DateTimeOffset Began, DateTimeOffset Detected, DateTimeOffset? Resolved)
{
    /// <summary>Time to detect.</summary>
    [JsonIgnore]
    public TimeSpan TimeToDetect => Detected - Began;

    /// <summary>Time to resolve, once resolved.</summary>
    [JsonIgnore]
    public TimeSpan? TimeToResolve => Resolved - Began;

    /// <summary>The runbook's response target for the severity.</summary>
    [JsonIgnore]
    public TimeSpan ResponseTarget => Targets(Severity).Response;

    /// <summary>The runbook's resolution target for the severity.</summary>
    [JsonIgnore]
    public TimeSpan ResolutionTarget => Targets(Severity).Resolution;

    /// <summary>The runbook's targets: P0 15 min / 4 h, P1 30 min / 8 h, P2 1 h / 24 h, P3 4 h / 3 days.</summary>
    /// <param name="severity">The severity.</param>
    /// <returns>Response and resolution targets.</returns>
    public static (TimeSpan Response, TimeSpan Resolution) Targets(IncidentSeverity severity) => severity switch
    {
        IncidentSeverity.P0 => (TimeSpan.FromMinutes(15), TimeSpan.FromHours(4)),
        IncidentSeverity.P1 => (TimeSpan.FromMinutes(30), TimeSpan.FromHours(8)),
        IncidentSeverity.P2 => (TimeSpan.FromHours(1), TimeSpan.FromHours(24)),
        _ => (TimeSpan.FromHours(4), TimeSpan.FromDays(3)),
    };
}
