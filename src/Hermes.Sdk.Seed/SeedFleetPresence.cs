using System.Text.Json;
using Hermes.Sdk.Fleet;
using Hermes.Sdk.Identity.Storage;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.Seed;

/// <summary>
/// A running seed's place in its fleet (with <c>fleet.nats_url</c> set): it joins the bus with its own NKey, beats its
/// heart with the digests it runs (idle, or busy with the issue in hand), follows its registry entry — a change is
/// switched to at the next idle moment (<see cref="TrySwitch"/>) or refused with the reason in its heartbeat — runs the
/// fleet's schedules (each slot once across the fleet) and does the scheduled jobs of its tiers. A bus that cannot be
/// reached is a warning: the agent keeps working alone.
/// </summary>
internal sealed partial class SeedFleetPresence : IAsyncDisposable
{
    private readonly SeedSession _session;
    private readonly SeedReleases _releases;
    private readonly Dictionary<string, string> _running;
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private RegistryEntry? _wanted;
    private volatile string? _refused;
    private CancellationTokenSource _changed = new();
    private FleetOptions? _options;

    private SeedFleetPresence(SeedSession session)
    {
        _session = session;
        _releases = new SeedReleases(session.Options.Directory);
        _running = _releases.Current();
        _logger = session.Logging.CreateLogger<SeedFleetPresence>();
    }

    /// <summary>The bus, when joined.</summary>
    public FleetBus? Bus { get; private set; }

    /// <summary>Cancelled when the registry asks for a change: wakes an idle wait.</summary>
    public CancellationToken Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Token;
            }
        }
    }

    /// <summary>The model the agent uses now: the chain's first, then whichever answered last (sent in heartbeats).</summary>
    public string? Model { get; set; }

    /// <summary>The digests the seed runs.</summary>
    public IReadOnlyDictionary<string, string> Running => _running;

    /// <summary>Joins the fleet, or returns a presence without a bus when the seed has none or it cannot be reached.</summary>
    /// <param name="s">The session.</param>
    /// <param name="working">What the agent works on now (null when idle).</param>
    /// <param name="job">Does a scheduled job that arrived on one of the agent's tiers.</param>
    /// <param name="ct">Cancels the join.</param>
    public static async Task<SeedFleetPresence> JoinAsync(SeedSession s, Func<string?> working, FleetTaskHandler job, CancellationToken ct)
    {
        if (s.Config.NatsUrl is not { } url)
        {
            return new SeedFleetPresence(s);
        }

        var presence = new SeedFleetPresence(s);
        presence._releases.Keep(); // in a fleet, what runs now can always be returned to

        using AgentIdentity identity = await s.Identities.LoadAsync(s.Config.Agent, ct).ConfigureAwait(false);
        var options = new FleetOptions { Fleet = s.Config.Fleet, Agent = s.Config.Agent, Url = url.ToString() };
        foreach ((string kind, string digest) in presence._running)
        {
            options.Digests[kind] = digest; // the same keys throughout: a switch overwrites their values in place
        }

        try
        {
            presence.Bus = await FleetBus.ConnectAsync(options, identity.NKey, s.Logging, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NATS.Client.Core.NatsException or TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            s.Warn($"the fleet bus at {url} cannot be reached ({ex.Message}); working without heartbeats.");
            return presence;
        }

        FleetBus bus = presence.Bus;
        presence._options = options;
        presence.Model = s.Config.Chain.Providers.Select(Safety.SafetySuite.ModelIdOf).FirstOrDefault();
        presence._owned.Add(bus.StartHeartbeats(() => working() is { } issue
            ? new AgentStatus(AgentActivity.Busy, issue, presence._refused) { Model = presence.Model }
            : new AgentStatus(AgentActivity.Idle, null, presence._refused) { Model = presence.Model }));
        try
        {
            await presence.FollowRegistryAsync(options, ct).ConfigureAwait(false);
            await presence.RunSchedulesAsync(ct).ConfigureAwait(false);
            foreach (string tier in s.Config.Tiers)
            {
                presence._owned.Add(await bus.WorkAsync(tier, job, ct).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (ex is NATS.Client.Core.NatsException && !ct.IsCancellationRequested)
        {
            // A server without JetStream (or without the fleet's streams yet): heartbeats only, and said so.
            s.Warn($"the fleet bus at {url} has no JetStream for the registry, schedules and scheduled jobs ({ex.Message}); heartbeats only.");
        }

        return presence;
    }

    /// <summary>
    /// At an idle moment: switches to what the registry wants when it differs from what runs. True when the files now
    /// hold the wanted change (the caller restarts on them); false when nothing changed or the change was refused (the
    /// reason goes out in the heartbeat's detail, and the rollout that asked sees the old digests).
    /// </summary>
    public bool TrySwitch()
    {
        RegistryEntry? wanted;
        lock (_gate)
        {
            wanted = _wanted;
            _wanted = null;
        }

        if (wanted is null || !Differs(wanted.Digests))
        {
            return false;
        }

        string? problem = _releases.TrySwitch(wanted.Digests, _running, _session.Config.Agent);
        if (problem is not null)
        {
            _refused = $"refused the registry's change (config version {wanted.ConfigVersion ?? "-"}): {problem}";
            LogRefused(_refused);
            return false;
        }

        _refused = null;
        Dictionary<string, string> now = _releases.Current();
        foreach (string kind in _running.Keys.ToList())
        {
            _running[kind] = now.GetValueOrDefault(kind, _running[kind]);
        }

        foreach ((string kind, string digest) in _options is null ? [] : _running)
        {
            _options!.Digests[kind] = digest; // the next heartbeat reports the switch
        }

        string digests = string.Join(", ", _running.Select(d => $"{d.Key} {SeedReleases.Short(d.Value)}"));
        LogSwitched(wanted.ConfigVersion ?? "-", digests);
        return true;
    }

    private bool Differs(IReadOnlyDictionary<string, string> wanted) => wanted.Any(d => d.Key is SeedReleases.Config or SeedReleases.Soul or SeedReleases.Chain && _running.GetValueOrDefault(d.Key) != d.Value);

    private async Task FollowRegistryAsync(FleetOptions options, CancellationToken ct)
    {
        FleetRegistry registry;
        try
        {
            registry = await FleetRegistry.OpenAsync(Bus!, ct).ConfigureAwait(false);
        }
        catch (NATS.Client.Core.NatsException ex) when (!ct.IsCancellationRequested)
        {
            LogNoRegistry(ex.Message); // no bucket yet, or no JetStream: nothing to follow
            return;
        }

        string agent = options.Agent;
        var loop = new CancellationTokenSource();
        Task follow = Task.Run(async () =>
        {
            try
            {
                await foreach ((string name, RegistryEntry? entry) in registry.WatchAsync(loop.Token).ConfigureAwait(false))
                {
                    if (name == agent && entry is not null && !Differs(entry.Digests))
                    {
                        _refused = null; // the registry is back on what runs (a rolled-back change): nothing is refused any more
                    }
                    else if (name == agent && entry is not null)
                    {
                        CancellationTokenSource wake;
                        lock (_gate)
                        {
                            _wanted = entry;
                            wake = _changed;
                            _changed = new CancellationTokenSource();
                        }

                        await wake.CancelAsync().ConfigureAwait(false);
                        wake.Dispose();
                    }
                }
            }
            catch (OperationCanceledException) when (loop.IsCancellationRequested)
            {
            }
            catch (Exception ex) when (ex is NATS.Client.Core.NatsException or FleetMessageException or JsonException)
            {
                LogRegistryLost(ex);
            }
        }, CancellationToken.None);
        _owned.Add(new Stopper(async () =>
        {
            await loop.CancelAsync().ConfigureAwait(false);
            await follow.ConfigureAwait(false);
            loop.Dispose();
        }));
    }

    private async Task RunSchedulesAsync(CancellationToken ct)
    {
        try
        {
            FleetScheduleStore store = await FleetScheduleStore.OpenAsync(Bus!, ct).ConfigureAwait(false);
            var scheduler = new FleetScheduler(Bus!, store, logger: _session.Logging.CreateLogger<FleetScheduler>()) { CheckInterval = TimeSpan.FromSeconds(5) };
            scheduler.Start();
            _owned.Add(scheduler);
        }
        catch (NATS.Client.JetStream.NatsJSException ex)
        {
            LogNoSchedules(ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync().ConfigureAwait(false);
        }

        if (Bus is not null)
        {
            await Bus.DisposeAsync().ConfigureAwait(false);
        }

        _changed.Dispose();
    }

    private sealed class Stopper(Func<Task> stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stop().ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Fleet: {Refusal}")]
    private partial void LogRefused(string refusal);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Fleet: switching to the registry's change (config version {Version}): {Digests}")]
    private partial void LogSwitched(string version, string digests);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Fleet: no registry yet ({Reason}); the operator creates it with `fleet registry push`.")]
    private partial void LogNoRegistry(string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Fleet: no schedules yet ({Reason}); the operator creates them with `fleet schedules push`.")]
    private partial void LogNoSchedules(string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Fleet: the registry watch stopped; changes will not be followed until the agent restarts.")]
    private partial void LogRegistryLost(Exception exception);
}
