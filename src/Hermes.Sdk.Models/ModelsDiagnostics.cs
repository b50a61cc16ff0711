using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hermes.Sdk.Models;

/// <summary>
/// The telemetry names of Hermes.Sdk.Models. Subscribe to <see cref="SourceName"/> for traces (one
/// <c>hermes.models.chat</c> span per chain request, with a <c>failover</c> event per failed attempt) and to
/// <see cref="MeterName"/> for metrics. Neither ever carries prompt text or keys.
/// </summary>
public static class ModelsDiagnostics
{
    /// <summary>The name of the <see cref="ActivitySource"/> and of the <see cref="Meter"/>.</summary>
    public const string SourceName = "Hermes.Sdk.Models";

    /// <summary>The meter's name (same as <see cref="SourceName"/>).</summary>
    public const string MeterName = SourceName;

    internal static readonly ActivitySource ActivitySource = new(SourceName, typeof(ModelsDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(MeterName, typeof(ModelsDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>Chain requests, tagged <c>hermes.provider</c> (who answered) and <c>hermes.outcome</c>.</summary>
    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>("hermes.models.requests", "{request}", "Model chain requests by answering provider and outcome.");

    /// <summary>Failed provider attempts, tagged <c>hermes.provider</c> and <c>hermes.failure</c>.</summary>
    internal static readonly Counter<long> ProviderFailures = Meter.CreateCounter<long>("hermes.models.provider_failures", "{failure}", "Provider attempts that failed, by kind.");

    /// <summary>Failovers from one provider to the next, tagged <c>hermes.from</c>, <c>hermes.to</c> and <c>hermes.failure</c>.</summary>
    internal static readonly Counter<long> Failovers = Meter.CreateCounter<long>("hermes.models.failovers", "{failover}", "Failovers from one provider to the next.");

    /// <summary>Crisis turns answered by the fixed crisis message because every model failed.</summary>
    internal static readonly Counter<long> CrisisFallbacks = Meter.CreateCounter<long>("hermes.models.crisis_fallbacks", "{answer}", "Crisis turns answered without a model.");
}
