using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hermes.Sdk.Fleet;

/// <summary>The telemetry names of Hermes.Sdk.Fleet (spans per dispatch and execution; counters; never payloads).</summary>
public static class FleetDiagnostics
{
    /// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> name.</summary>
    public const string SourceName = "Hermes.Sdk.Fleet";

    internal static readonly ActivitySource ActivitySource = new(SourceName, typeof(FleetDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(SourceName, typeof(FleetDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>Tasks executed, tagged <c>hermes.mode</c> (live, durable) and <c>hermes.outcome</c>.</summary>
    internal static readonly Counter<long> Executed = Meter.CreateCounter<long>("hermes.fleet.tasks", "{task}", "Tasks executed by outcome.");

    /// <summary>Messages dead-lettered, tagged <c>hermes.reason</c>.</summary>
    internal static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("hermes.fleet.dead_letters", "{message}", "Messages set aside as malformed, poison or expired.");

    /// <summary>Redeliveries skipped because their idempotency key was already done.</summary>
    internal static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("hermes.fleet.duplicates", "{task}", "Duplicate deliveries not executed again.");

    /// <summary>Heartbeats and results dropped because they were not signed by the key of the agent they name.</summary>
    internal static readonly Counter<long> Forged = Meter.CreateCounter<long>("hermes.fleet.forged", "{message}", "Messages that spoke for another agent, dropped.");
}
