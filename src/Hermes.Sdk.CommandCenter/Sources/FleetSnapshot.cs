using System.Collections.Concurrent;
using Hermes.Sdk.Fleet;

namespace Hermes.Sdk.CommandCenter;

/// <summary>The fleet as the bus showed it: the registry, every agent's deadman view and last heartbeat, and drift.</summary>
/// <param name="Registry">The registry's entries.</param>
/// <param name="Agents">The roster's deadman view.</param>
/// <param name="LastBeats">Each agent's last heartbeat.</param>
/// <param name="BusySince">Since when each busy agent has worked on its current task.</param>
/// <param name="Drift">Drift from the registry.</param>
/// <param name="WatchingSince">When the watch began: heartbeats are not kept, so an agent is known from its first beat after this.</param>
/// <param name="DeadmanWindow">How long silence makes an agent down (the bus's heartbeat interval times the beats it may miss).</param>
internal sealed record FleetSnapshot(IReadOnlyList<RegistryEntry> Registry, IReadOnlyList<AgentView> Agents, IReadOnlyDictionary<string, Heartbeat> LastBeats, IReadOnlyDictionary<string, DateTimeOffset> BusySince, IReadOnlyList<FleetDrift> Drift, DateTimeOffset WatchingSince, TimeSpan DeadmanWindow)
{
    /// <summary>When each agent last reported itself well (idle or busy): its last successful activity.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> LastWell { get; init; } = new Dictionary<string, DateTimeOffset>();
}

/// <summary>The schedules as the bus showed them: desired against actual.</summary>
internal sealed record ScheduleSnapshot(IReadOnlyList<ScheduleView> Schedules);

/// <summary>
/// Follows the fleet for the command center: the roster and the drift monitor are fed by heartbeats as they arrive;
/// each read asks the registry's bucket afresh, so a bus that cannot be reached makes the fleet's tiles unknown
/// instead of showing every agent down.
/// </summary>
internal sealed class FleetWatch : IAsyncDisposable
{
    private readonly FleetBus _bus;
    private readonly FleetRoster _roster;
    private readonly ConcurrentDictionary<string, Heartbeat> _beats = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Task, DateTimeOffset Since)> _busy = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _well = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _since;
    private readonly TimeSpan _deadman;
    private FleetDriftMonitor? _drift;
    private FleetRegistry? _registry;

    private FleetWatch(FleetBus bus, FleetRoster roster, TimeProvider time)
    {
        _bus = bus;
        _roster = roster;
        _time = time;
        _since = time.GetUtcNow();
        _deadman = bus.Options.HeartbeatInterval * bus.Options.MissedHeartbeatsForDown;
        roster.HeartbeatReceived += OnBeat;
    }

    public static async Task<FleetWatch> StartAsync(FleetBus bus, TimeProvider time, CancellationToken ct) =>
        new(bus, await bus.WatchRosterAsync(ct).ConfigureAwait(false), time);

    public async Task<Sourced<FleetSnapshot>> ReadAsync(CancellationToken ct)
    {
        _registry ??= await FleetRegistry.OpenAsync(_bus, ct).ConfigureAwait(false);
        IReadOnlyList<RegistryEntry> registry = await _registry.ListAsync(ct).ConfigureAwait(false); // fails when the bus does
        _drift ??= await FleetDriftMonitor.StartAsync(_registry, _roster, _time, cancellationToken: ct).ConfigureAwait(false);
        var since = _busy.ToDictionary(b => b.Key, b => b.Value.Since, StringComparer.Ordinal);
        var snapshot = new FleetSnapshot(registry, _roster.Snapshot(), new Dictionary<string, Heartbeat>(_beats, StringComparer.Ordinal), since, _drift.Snapshot(), _since, _deadman)
        {
            LastWell = new Dictionary<string, DateTimeOffset>(_well, StringComparer.Ordinal),
        };
        return new Sourced<FleetSnapshot>(snapshot, _time.GetUtcNow());
    }

    public async Task<Sourced<ScheduleSnapshot>> ReadSchedulesAsync(TimeSpan checkInterval, CancellationToken ct)
    {
        FleetScheduleStore store = await FleetScheduleStore.OpenAsync(_bus, ct).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();
        IReadOnlyList<ScheduleView> views = await store.ViewsAsync(now, checkInterval, ct).ConfigureAwait(false);

        // The source's own time is when a runner last looked: with no runner for a while, the view is stale.
        return new Sourced<ScheduleSnapshot>(new ScheduleSnapshot(views), views.Max(v => v.CheckedAt) ?? now);
    }

    private void OnBeat(Heartbeat beat)
    {
        _beats[beat.Agent] = beat;
        if (beat.Activity is AgentActivity.Idle or AgentActivity.Busy)
        {
            _well[beat.Agent] = _time.GetUtcNow();
        }

        if (beat.Activity == AgentActivity.Busy && beat.CurrentTask is { } task)
        {
            _busy.AddOrUpdate(beat.Agent, _ => (task, _time.GetUtcNow()), (_, was) => was.Task == task ? was : (task, _time.GetUtcNow()));
        }
        else
        {
            _busy.TryRemove(beat.Agent, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _roster.HeartbeatReceived -= OnBeat;
        if (_drift is not null)
        {
            await _drift.DisposeAsync().ConfigureAwait(false);
        }

        await _roster.DisposeAsync().ConfigureAwait(false);
    }
}
