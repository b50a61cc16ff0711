using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Hermes.Sdk.Fleet;

/// <summary>An agent's state in the deadman view.</summary>
public enum AgentHealth
{
    /// <summary>Heartbeating, idle.</summary>
    Idle,

    /// <summary>Heartbeating, working.</summary>
    Busy,

    /// <summary>Heartbeating, but says it is unwell.</summary>
    Unhealthy,

    /// <summary>Missed <see cref="FleetOptions.MissedHeartbeatsForDown"/> intervals, or expected and never seen.</summary>
    Down,
}

/// <summary>One agent in the deadman view.</summary>
/// <param name="Agent">The agent.</param>
/// <param name="Health">Its state.</param>
/// <param name="LastSeen">Its last heartbeat's arrival, or null if never seen.</param>
/// <param name="CurrentTask">What it said it is working on.</param>
/// <param name="Detail">What it said is wrong, or why it is down.</param>
public sealed record AgentView(string Agent, AgentHealth Health, DateTimeOffset? LastSeen, string? CurrentTask, string? Detail);

/// <summary>
/// The deadman view: every heartbeat of the fleet, and which agents are idle, busy, unhealthy or down (missed
/// <see cref="FleetOptions.MissedHeartbeatsForDown"/> of their own intervals). Changes are raised as they happen,
/// including an agent going down when nothing arrives at all.
/// </summary>
public sealed partial class FleetRoster : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (Heartbeat? Beat, DateTimeOffset? At)> _agents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AgentHealth> _reported = new(StringComparer.Ordinal);
    private readonly FleetOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private BackgroundLoop? _listen;
    private BackgroundLoop? _deadman;

    private FleetRoster(FleetOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        foreach (string agent in options.ExpectedAgents)
        {
            _agents[agent] = (null, null);
        }
    }

    /// <summary>Raised when an agent's health changes (from the heartbeat thread or the deadman timer).</summary>
    public event Action<AgentView>? Changed;

    /// <summary>Raised for each heartbeat believed (its agent's own subject, and signed by its key when keys are trusted).</summary>
    public event Action<Heartbeat>? HeartbeatReceived;

    /// <summary>Every known agent now, by name.</summary>
    public IReadOnlyList<AgentView> Snapshot()
    {
        DateTimeOffset now = _time.GetUtcNow();
        return [.. _agents.Select(kv => View(kv.Key, kv.Value.Beat, kv.Value.At, now)).OrderBy(v => v.Agent, StringComparer.Ordinal)];
    }

    internal static async Task<FleetRoster> StartAsync(FleetBus bus, FleetOptions options, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var roster = new FleetRoster(options, time, logger);
        INatsSub<byte[]> sub = await bus.SubscribeReadyAsync<byte[]>(bus.Subjects.AllHeartbeats, cancellationToken: cancellationToken).ConfigureAwait(false);
        roster._listen = new BackgroundLoop(async ct =>
        {
            await foreach (NatsMsg<byte[]> msg in sub.Msgs.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    Heartbeat beat = FleetJson.ReadHeartbeat(msg.Data ?? []);
                    if (msg.Subject != bus.Subjects.Heartbeat(beat.Agent))
                    {
                        throw new FleetMessageException($"a heartbeat for '{beat.Agent}' on {msg.Subject}, another agent's subject");
                    }

                    if (!bus.Believed(msg.Headers, msg.Data ?? [], beat.Agent))
                    {
                        continue;
                    }

                    roster._agents[beat.Agent] = (beat, time.GetUtcNow());
                    roster.HeartbeatReceived?.Invoke(beat);
                    roster.Report(beat.Agent);
                }
                catch (FleetMessageException ex)
                {
                    LogMalformedHeartbeat(logger, msg.Subject, ex.Message);
                }
            }
        }, sub);
        TimeSpan tick = options.HeartbeatInterval / 4;
        roster._deadman = new BackgroundLoop(async ct =>
        {
            using var timer = new PeriodicTimer(tick < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : tick, time);
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                foreach (string agent in roster._agents.Keys)
                {
                    roster.Report(agent);
                }
            }
        });
        return roster;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_listen is not null)
        {
            await _listen.DisposeAsync().ConfigureAwait(false);
        }

        if (_deadman is not null)
        {
            await _deadman.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Report(string agent)
    {
        (Heartbeat? beat, DateTimeOffset? at) = _agents[agent];
        AgentView view = View(agent, beat, at, _time.GetUtcNow());
        if (!_reported.TryGetValue(agent, out AgentHealth previous) || previous != view.Health)
        {
            _reported[agent] = view.Health;
            if (view.Health == AgentHealth.Down)
            {
                LogDown(_logger, agent, view.Detail ?? string.Empty);
            }

            Changed?.Invoke(view);
        }
    }

    private AgentView View(string agent, Heartbeat? beat, DateTimeOffset? at, DateTimeOffset now)
    {
        if (beat is null || at is null)
        {
            return new AgentView(agent, AgentHealth.Down, null, null, "expected, never seen");
        }

        TimeSpan interval = beat.Interval > TimeSpan.Zero ? beat.Interval : _options.HeartbeatInterval;
        TimeSpan silent = now - at.Value;
        if (silent >= interval * _options.MissedHeartbeatsForDown)
        {
            return new AgentView(agent, AgentHealth.Down, at, beat.CurrentTask, $"no heartbeat for {silent.TotalSeconds:0.#} s ({_options.MissedHeartbeatsForDown} intervals of {interval.TotalSeconds:0.#} s)");
        }

        AgentHealth health = beat.Activity switch
        {
            AgentActivity.Busy => AgentHealth.Busy,
            AgentActivity.Unhealthy => AgentHealth.Unhealthy,
            _ => AgentHealth.Idle,
        };
        return new AgentView(agent, health, at, beat.CurrentTask, beat.Detail);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Agent {Agent} is down: {Detail}")]
    private static partial void LogDown(ILogger logger, string agent, string detail);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Malformed heartbeat on {Subject} ignored: {Problem}")]
    private static partial void LogMalformedHeartbeat(ILogger logger, string subject, string problem);
}
