using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hermes.Sdk.TaskQueue;

/// <summary>The task queue's telemetry names: an <see cref="ActivitySource"/> and a <see cref="Meter"/> of this name.</summary>
/// <remarks>
/// Activities: <c>hermes.taskqueue.claim</c> (tags <c>hermes.agent</c>, <c>hermes.issue</c>, <c>hermes.outcome</c>).
/// Counters: <c>hermes.taskqueue.claims</c> (claim attempts by <c>hermes.outcome</c>: <c>won</c> or <c>lost</c>) and
/// <c>hermes.taskqueue.reaped</c> (claims the reaper cleared).
/// </remarks>
public static class TaskQueueDiagnostics
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string SourceName = "Hermes.Sdk.TaskQueue";

    internal static readonly ActivitySource ActivitySource = new(SourceName, typeof(TaskQueueDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(SourceName, typeof(TaskQueueDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> Claims = Meter.CreateCounter<long>("hermes.taskqueue.claims", "{claim}", "Claim attempts by outcome (won, lost).");

    internal static readonly Counter<long> Reaped = Meter.CreateCounter<long>("hermes.taskqueue.reaped", "{claim}", "Stale or abandoned claims the reaper cleared.");
}
