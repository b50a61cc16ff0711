using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hermes.Sdk.Gitea;

/// <summary>
/// The telemetry names of Hermes.Sdk.Gitea. Subscribe to <see cref="SourceName"/> for traces (one
/// <c>hermes.gitea.claim</c> span per claim attempt) and to <see cref="MeterName"/> for metrics. Neither carries tokens.
/// </summary>
public static class GiteaDiagnostics
{
    /// <summary>The name of the <see cref="ActivitySource"/>.</summary>
    public const string SourceName = "Hermes.Sdk.Gitea";

    /// <summary>The meter's name (same as <see cref="SourceName"/>).</summary>
    public const string MeterName = SourceName;

    internal static readonly ActivitySource ActivitySource = new(SourceName, typeof(GiteaDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(MeterName, typeof(GiteaDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>Claim attempts, tagged <c>hermes.agent</c> and <c>hermes.outcome</c> (<c>won</c>, <c>lost</c>).</summary>
    internal static readonly Counter<long> Claims = Meter.CreateCounter<long>("hermes.gitea.claims", "{claim}", "Task-queue claim attempts by outcome.");

    /// <summary>Claims returned to ready by the reaper.</summary>
    internal static readonly Counter<long> Reaped = Meter.CreateCounter<long>("hermes.gitea.reaped", "{claim}", "Stale or abandoned claims the reaper cleared.");
}
