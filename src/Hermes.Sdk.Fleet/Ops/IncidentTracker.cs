using System.Globalization;

namespace Hermes.Sdk.Fleet;

/// <summary>
/// Opens and closes incidents by the runbook's definitions from the deadman view: an agent down is P2, an agent
/// unhealthy P3; more than half the expected agents down is P1, all of them P0 (each fleet-level incident besides the
/// agents' own; a P1 stays open under the P0 it escalated to). An incident closes by itself when its condition ends. Feed it every change (<see cref="Attach"/> does,
/// from a roster) or a whole snapshot (<see cref="Observe"/>).
/// </summary>
public sealed class IncidentTracker
{
    private readonly object _gate = new();
    private readonly Dictionary<string, FleetIncident> _open = new(StringComparer.Ordinal);
    private readonly List<FleetIncident> _closed = [];
    private readonly Dictionary<string, AgentView> _agents = new(StringComparer.Ordinal); // guarded by _gate, like the incidents
    private readonly TimeProvider _time;

    /// <summary>Creates the tracker.</summary>
    /// <param name="expectedAgents">The fleet's agents (the registry's): the base of "more than half" and "all".</param>
    /// <param name="timeProvider">The clock incidents are detected and resolved by.</param>
    public IncidentTracker(IEnumerable<string> expectedAgents, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(expectedAgents);
        Expected = [.. expectedAgents.Distinct(StringComparer.Ordinal)];
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The fleet's agents.</summary>
    public IReadOnlyList<string> Expected { get; }

    /// <summary>Raised when an incident opens.</summary>
    public event Action<FleetIncident>? Opened;

    /// <summary>Raised when an incident closes.</summary>
    public event Action<FleetIncident>? Closed;

    /// <summary>Every incident, open and closed, oldest first.</summary>
    public IReadOnlyList<FleetIncident> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _closed.Concat(_open.Values).OrderBy(i => i.Detected).ThenBy(i => i.Severity)];
            }
        }
    }

    /// <summary>Feeds the tracker every change of a roster (and its current state).</summary>
    /// <param name="roster">The deadman view.</param>
    /// <returns>Dispose to stop.</returns>
    public IDisposable Attach(FleetRoster roster)
    {
        ArgumentNullException.ThrowIfNull(roster);
        Observe(roster.Snapshot());
        roster.Changed += Update;
        return new Unsubscriber(() => roster.Changed -= Update);
    }

    /// <summary>Takes a whole snapshot of the fleet: every agent first, then the fleet-level incidents once.</summary>
    /// <param name="views">Every agent's view.</param>
    public void Observe(IEnumerable<AgentView> views)
    {
        ArgumentNullException.ThrowIfNull(views);
        DateTimeOffset now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (AgentView view in views)
            {
                UpdateAgent(view, now);
            }

            UpdateFleet(now);
        }
    }

    /// <summary>Takes one agent's change.</summary>
    /// <param name="view">Its view now.</param>
    public void Update(AgentView view) => Observe([view]);

    private void UpdateAgent(AgentView view, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        _agents[view.Agent] = view;
        Set($"P2:{view.Agent}", view.Health == AgentHealth.Down, IncidentSeverity.P2, view.Agent, $"{view.Agent} is down: {view.Detail}", view.LastSeen ?? now, now);
        Set($"P3:{view.Agent}", view.Health == AgentHealth.Unhealthy, IncidentSeverity.P3, view.Agent, $"{view.Agent} is unhealthy: {view.Detail}", now, now);
    }

    private void UpdateFleet(DateTimeOffset now)
    {
        // An agent not yet reported is not counted down: the roster reports an expected agent it never saw as down itself.
        int down = Expected.Count(a => _agents.TryGetValue(a, out AgentView? v) && v.Health == AgentHealth.Down);
        DateTimeOffset began = Expected.Select(a => _agents.TryGetValue(a, out AgentView? v) && v.Health == AgentHealth.Down ? v.LastSeen ?? now : now).DefaultIfEmpty(now).Max();
        Set("P0:fleet", Expected.Count > 0 && down == Expected.Count, IncidentSeverity.P0, "fleet", "fleet-wide outage: no agent operational", began, now);

        // A P1 (more than half down) stays open under a P0 (all down): the P0 is its escalation, and it remains when some return.
        Set("P1:fleet", Expected.Count > 1 && down * 2 > Expected.Count, IncidentSeverity.P1, "fleet", $"{down} of {Expected.Count} agents down", began, now);
    }

    private void Set(string key, bool active, IncidentSeverity severity, string subject, string title, DateTimeOffset began, DateTimeOffset now)
    {
        if (active && !_open.ContainsKey(key))
        {
            var incident = new FleetIncident($"{severity}-{subject}-{began.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}", severity, subject, title, began, now, null);
            _open[key] = incident;
            Opened?.Invoke(incident);
        }
        else if (!active && _open.Remove(key, out FleetIncident? open))
        {
            FleetIncident closed = open with { Resolved = now };
            _closed.Add(closed);
            Closed?.Invoke(closed);
        }
    }
}
