namespace Hermes.Sdk.Fleet;

/// <summary>An agent's health from a moment on.</summary>
/// <param name="Agent">The agent.</param>
/// <param name="Up">Whether it counts as up (idle, busy or unhealthy: it answers) — down is down.</param>
/// <param name="At">From when.</param>
public sealed record UptimeSample(string Agent, bool Up, DateTimeOffset At);

/// <summary>Uptime over a period: per agent, for the fleet, and day by day.</summary>
/// <param name="From">The period's start.</param>
/// <param name="To">Its end.</param>
/// <param name="Agents">Each agent's share of the period up (0–1).</param>
/// <param name="FleetAvailability">The share of the period with at least one agent up (no P0).</param>
/// <param name="MeanAgentUptime">The agents' mean uptime — the runbook's "fleet uptime".</param>
/// <param name="Days">Each day's mean agent uptime.</param>
public sealed record UptimeReport(DateTimeOffset From, DateTimeOffset To, IReadOnlyDictionary<string, double> Agents, double FleetAvailability, double MeanAgentUptime, IReadOnlyList<(DateOnly Day, double Uptime)> Days);

/// <summary>
/// Records when each agent is up or down (from the deadman view's changes) and computes uptime over any period. An
/// agent is up from its first heartbeat until the roster marks it down, and down until it beats again; before the
/// first sample of a period it is taken as down.
/// </summary>
public sealed class UptimeLedger
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<UptimeSample>> _samples = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates the ledger.</summary>
    /// <param name="timeProvider">The clock samples are stamped with.</param>
    public UptimeLedger(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>Every sample recorded, by agent and time.</summary>
    public IReadOnlyList<UptimeSample> Samples
    {
        get
        {
            lock (_gate)
            {
                return [.. _samples.Values.SelectMany(s => s).OrderBy(s => s.At).ThenBy(s => s.Agent, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Records every change of a roster.</summary>
    /// <param name="roster">The deadman view.</param>
    /// <returns>Dispose to stop.</returns>
    public IDisposable Attach(FleetRoster roster)
    {
        ArgumentNullException.ThrowIfNull(roster);
        foreach (AgentView view in roster.Snapshot())
        {
            Record(view);
        }

        roster.Changed += Record;
        return new Unsubscriber(() => roster.Changed -= Record);
    }

    /// <summary>Records an agent's view now.</summary>
    /// <param name="view">The view.</param>
    public void Record(AgentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        Add(new UptimeSample(view.Agent, view.Health != AgentHealth.Down, _time.GetUtcNow()));
    }

    /// <summary>Adds a sample (recorded elsewhere, or earlier).</summary>
    /// <param name="sample">The sample.</param>
    public void Add(UptimeSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        lock (_gate)
        {
            if (!_samples.TryGetValue(sample.Agent, out List<UptimeSample>? list))
            {
                _samples[sample.Agent] = list = [];
            }

            if (list.Count == 0 || list[^1].Up != sample.Up)
            {
                list.Add(sample);
                list.Sort((a, b) => a.At.CompareTo(b.At));
            }
        }
    }

    /// <summary>Uptime of <paramref name="agents"/> (default: every agent recorded) from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <param name="from">The start.</param>
    /// <param name="to">The end.</param>
    /// <param name="agents">The fleet's agents; one never recorded counts as down throughout.</param>
    /// <returns>The report.</returns>
    public UptimeReport Compute(DateTimeOffset from, DateTimeOffset to, IEnumerable<string>? agents = null)
    {
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }

        Dictionary<string, List<UptimeSample>> copy;
        lock (_gate)
        {
            copy = _samples.ToDictionary(kv => kv.Key, kv => kv.Value.ToList(), StringComparer.Ordinal);
        }

        string[] names = [.. (agents ?? copy.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var perAgent = names.ToDictionary(a => a, a => UpShare(copy.GetValueOrDefault(a) ?? [], from, to), StringComparer.Ordinal);
        var days = new List<(DateOnly, double)>();
        for (DateTimeOffset day = from; day < to; day = day.AddDays(1))
        {
            DateTimeOffset end = day.AddDays(1) < to ? day.AddDays(1) : to;
            days.Add((DateOnly.FromDateTime(day.UtcDateTime), names.Length == 0 ? 0 : names.Average(a => UpShare(copy.GetValueOrDefault(a) ?? [], day, end))));
        }

        double availability = AnyUpShare(names.Select(a => copy.GetValueOrDefault(a) ?? []).ToList(), from, to);
        return new UptimeReport(from, to, perAgent, availability, names.Length == 0 ? 0 : perAgent.Values.Average(), days);
    }

    /// <summary>The share of [from, to) during which the samples say up.</summary>
    private static double UpShare(List<UptimeSample> samples, DateTimeOffset from, DateTimeOffset to) =>
        Intervals(samples, from, to).Sum(i => (i.End - i.Start).Ticks) / (double)(to - from).Ticks;

    private static double AnyUpShare(List<List<UptimeSample>> all, DateTimeOffset from, DateTimeOffset to)
    {
        // Sweep the union of every agent's up intervals.
        var spans = all.SelectMany(s => Intervals(s, from, to)).OrderBy(i => i.Start).ToList();
        long covered = 0;
        DateTimeOffset reach = from;
        foreach ((DateTimeOffset start, DateTimeOffset end) in spans)
        {
            DateTimeOffset s = start > reach ? start : reach;
            if (end > s)
            {
                covered += (end - s).Ticks;
                reach = end;
            }
        }

        return covered / (double)(to - from).Ticks;
    }

    private static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Intervals(List<UptimeSample> samples, DateTimeOffset from, DateTimeOffset to)
    {
        bool up = false;
        DateTimeOffset since = from;
        foreach (UptimeSample sample in samples)
        {
            if (sample.At >= to)
            {
                break;
            }

            DateTimeOffset at = sample.At > from ? sample.At : from;
            if (up && at > since)
            {
                yield return (since, at);
            }

            up = sample.Up;
            since = at;
        }

        if (up && to > since)
        {
            yield return (since, to);
        }
    }
}
