using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hermes.Sdk.Fleet;

/// <summary>How an agent differs from the registry.</summary>
public enum DriftKind
{
    /// <summary>It heartbeats but the registry does not list it.</summary>
    UnknownAgent,

    /// <summary>It runs a chain, soul or config whose digest is not the one the registry expects.</summary>
    WrongDigest,

    /// <summary>The registry lists it but it does not heartbeat (never seen, or down).</summary>
    MissingAgent,
}

/// <summary>An agent in drift, since when, and how.</summary>
/// <param name="Agent">The agent.</param>
/// <param name="Kind">How it drifted.</param>
/// <param name="Detail">What differs (which digests, expected and running).</param>
/// <param name="Since">When the drift began (first seen).</param>
public sealed record FleetDrift(string Agent, DriftKind Kind, string Detail, DateTimeOffset Since);

/// <summary>
/// Drift as a first-class state: each heartbeat is checked against the registry as it arrives (so a wrong digest is
/// seen within one heartbeat interval), and registered agents the roster reports down or has never seen are missing.
/// A drift keeps the time it began while it lasts; <see cref="Changed"/> reports it beginning, changing and ending.
/// </summary>
public sealed partial class FleetDriftMonitor : IAsyncDisposable
{
    private readonly FleetRoster _roster;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RegistryEntry> _registry = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FleetDrift> _drifts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task? _watching;

    private FleetDriftMonitor(FleetRoster roster, TimeProvider time, ILogger logger)
    {
        _roster = roster;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised when an agent's drift begins, changes kind or detail, or ends (with null).</summary>
    public event Action<string, FleetDrift?>? Changed;

    /// <summary>Starts watching: the registry's entries and changes, every heartbeat, and the roster's down agents.</summary>
    /// <param name="registry">The fleet's registry.</param>
    /// <param name="roster">The deadman view (the heartbeats, believed).</param>
    /// <param name="timeProvider">The clock drift is timed by.</param>
    /// <param name="logger">Logs each drift that begins or ends.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The monitor; dispose it to stop.</returns>
    public static async Task<FleetDriftMonitor> StartAsync(FleetRegistry registry, FleetRoster roster, TimeProvider? timeProvider = null, ILogger<FleetDriftMonitor>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(roster);
        var monitor = new FleetDriftMonitor(roster, timeProvider ?? TimeProvider.System, (ILogger?)logger ?? NullLogger.Instance);
        foreach (RegistryEntry entry in await registry.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            monitor._registry[entry.Agent] = entry;
        }

        roster.HeartbeatReceived += monitor.Check;
        roster.Changed += monitor.OnRosterChanged;
        monitor._watching = Task.Run(() => monitor.WatchAsync(registry, monitor._stop.Token), CancellationToken.None);
        monitor.CheckMissing();
        return monitor;
    }

    /// <summary>Every agent in drift now.</summary>
    /// <returns>The drifts, by agent.</returns>
    public IReadOnlyList<FleetDrift> Snapshot()
    {
        CheckMissing();
        return [.. _drifts.Values.OrderBy(d => d.Agent, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _roster.HeartbeatReceived -= Check;
        _roster.Changed -= OnRosterChanged;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_watching is not null)
        {
            await _watching.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task WatchAsync(FleetRegistry registry, CancellationToken ct)
    {
        try
        {
            await foreach ((string agent, RegistryEntry? entry) in registry.WatchAsync(ct).ConfigureAwait(false))
            {
                if (entry is null)
                {
                    _registry.TryRemove(agent, out _);
                }
                else
                {
                    _registry[agent] = entry;
                }

                CheckMissing();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Check(Heartbeat beat)
    {
        if (!_registry.TryGetValue(beat.Agent, out RegistryEntry? entry))
        {
            Set(beat.Agent, DriftKind.UnknownAgent, "heartbeats, but the registry does not list it");
            return;
        }

        string[] wrong = [.. entry.Digests
            .Where(expected => beat.Digests?.GetValueOrDefault(expected.Key) != expected.Value)
            .Select(expected => $"{expected.Key}: runs {Short(beat.Digests?.GetValueOrDefault(expected.Key))}, expected {Short(expected.Value)}")];
        if (wrong.Length > 0)
        {
            Set(beat.Agent, DriftKind.WrongDigest, string.Join("; ", wrong));
        }
        else
        {
            Clear(beat.Agent);
        }
    }

    private void OnRosterChanged(AgentView view)
    {
        if (view.Health == AgentHealth.Down && _registry.ContainsKey(view.Agent))
        {
            Set(view.Agent, DriftKind.MissingAgent, view.Detail ?? "down");
        }
    }

    private void CheckMissing()
    {
        Dictionary<string, AgentView> seen = _roster.Snapshot().ToDictionary(v => v.Agent, StringComparer.Ordinal);
        foreach (string agent in _registry.Keys)
        {
            if (!seen.TryGetValue(agent, out AgentView? view) || view.Health == AgentHealth.Down)
            {
                Set(agent, DriftKind.MissingAgent, view?.Detail ?? "listed in the registry, never seen");
            }
        }

        foreach (FleetDrift drift in _drifts.Values.Where(d => d.Kind == DriftKind.MissingAgent && !_registry.ContainsKey(d.Agent)))
        {
            Clear(drift.Agent);
        }
    }

    private void Set(string agent, DriftKind kind, string detail)
    {
        FleetDrift? before = _drifts.GetValueOrDefault(agent);
        if (before is not null && before.Kind == kind && before.Detail == detail)
        {
            return;
        }

        var drift = new FleetDrift(agent, kind, detail, before?.Kind == kind ? before.Since : _time.GetUtcNow());
        _drifts[agent] = drift;
        LogDrift(agent, kind, detail);
        Changed?.Invoke(agent, drift);
    }

    private void Clear(string agent)
    {
        if (_drifts.TryRemove(agent, out FleetDrift? was))
        {
            TimeSpan lasted = _time.GetUtcNow() - was.Since;
            LogHealed(agent, was.Kind, lasted);
            Changed?.Invoke(agent, null);
        }
    }

    private static string Short(string? digest) => digest is null ? "(nothing)" : digest.Length > 12 ? digest[..12] : digest;

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Drift: {Agent} {Kind}: {Detail}")]
    private partial void LogDrift(string agent, DriftKind kind, string detail);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "Drift ended: {Agent} ({Kind}) after {Duration}")]
    private partial void LogHealed(string agent, DriftKind kind, TimeSpan duration);
}
