using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Hermes.Sdk.Fleet;

/// <summary>What the operations record held over a period: the inputs of <see cref="MonthlyReport"/> and of the operator's views.</summary>
/// <param name="Uptime">Every agent's up/down changes, oldest first (with the last change before the period, so the period starts known).</param>
/// <param name="Incidents">Every incident that was open at some time in the period, in its latest recorded state.</param>
/// <param name="Tasks">Every task result completed in the period.</param>
public sealed record FleetOpsHistory(IReadOnlyList<UptimeSample> Uptime, IReadOnlyList<FleetIncident> Incidents, IReadOnlyList<TaskResult> Tasks)
{
    /// <summary>Every rollout step recorded in the period, in order, each with who started the rollout.</summary>
    public IReadOnlyList<RolloutStep> Rollouts { get; init; } = [];

    /// <summary>An <see cref="UptimeLedger"/> filled with <see cref="Uptime"/>.</summary>
    /// <returns>The ledger.</returns>
    public UptimeLedger ToLedger()
    {
        var ledger = new UptimeLedger();
        foreach (UptimeSample sample in Uptime)
        {
            ledger.Add(sample);
        }

        return ledger;
    }
}

/// <summary>
/// The fleet's operations record, kept where the monthly report and the command center can read it after the process
/// that saw it has gone: a JetStream stream (<see cref="FleetSubjects.OpsStream"/>, file storage, the fleet's replicas,
/// <see cref="FleetOptions.OpsRetention"/>) of uptime changes, incidents as they open and close, and task results
/// (without their output). Only changes are recorded — an agent that stays up costs nothing — so a month of a
/// fifty-agent fleet is a few thousand small messages. Rollout steps are recorded too, with who started each rollout. The operator's process writes it (<see cref="Attach"/>);
/// any key may read it.
/// </summary>
public sealed class FleetOpsLog
{
    private readonly FleetBus _bus;

    private FleetOpsLog(FleetBus bus) => _bus = bus;

    /// <summary>Creates the stream if missing (the operator does this) and opens it.</summary>
    /// <param name="bus">The operator's bus.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The log.</returns>
    public static async Task<FleetOpsLog> CreateAsync(FleetBus bus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        await bus.JetStream.CreateOrUpdateStreamAsync(
            new StreamConfig(bus.Subjects.OpsStream, [bus.Subjects.AllOps])
            {
                Storage = StreamConfigStorage.File,
                MaxAge = bus.Options.OpsRetention,
                NumReplicas = bus.Options.Replicas,
                Description = $"The operations record of fleet {bus.Subjects.Fleet}: uptime changes, incidents, task results",
            },
            cancellationToken).ConfigureAwait(false);
        return new FleetOpsLog(bus);
    }

    /// <summary>Opens the log for reading (any agent, the command center).</summary>
    /// <param name="bus">A bus of the fleet.</param>
    /// <returns>The log.</returns>
    public static FleetOpsLog Open(FleetBus bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        return new FleetOpsLog(bus);
    }

    /// <summary>Records an agent's up/down change.</summary>
    /// <param name="sample">The change.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the server has stored it.</returns>
    public Task RecordUptimeAsync(UptimeSample sample, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return PublishAsync(_bus.Subjects.Ops("uptime", sample.Agent), JsonSerializer.SerializeToUtf8Bytes(sample, FleetJsonContext.Default.UptimeSample), cancellationToken);
    }

    /// <summary>Records an incident as it is now (opened or closed).</summary>
    /// <param name="incident">The incident.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the server has stored it.</returns>
    public Task RecordIncidentAsync(FleetIncident incident, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return PublishAsync(_bus.Subjects.Ops("incident", incident.Subject), JsonSerializer.SerializeToUtf8Bytes(incident, FleetJsonContext.Default.FleetIncident), cancellationToken);
    }

    /// <summary>Records a task's result, without its output.</summary>
    /// <param name="result">The result.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the server has stored it.</returns>
    public Task RecordTaskAsync(TaskResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        return PublishAsync(_bus.Subjects.Ops("task", result.Agent), FleetJson.Write(result with { Output = null }), cancellationToken);
    }

    /// <summary>Records a step of a rollout (who started it, the agent, what happened).</summary>
    /// <param name="step">The step.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the server has stored it.</returns>
    public Task RecordRolloutStepAsync(RolloutStep step, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        return PublishAsync(_bus.Subjects.Ops("rollout", step.Agent), JsonSerializer.SerializeToUtf8Bytes(step, FleetJsonContext.Default.RolloutStep), cancellationToken);
    }

    /// <summary>
    /// Records, until disposed, every up/down change of the roster, every incident the tracker opens or closes, and
    /// every task completion on the bus. A record that cannot be written is logged by the bus and skipped.
    /// </summary>
    /// <param name="roster">The deadman view.</param>
    /// <param name="incidents">The incident tracker (attached to the same roster).</param>
    /// <returns>Dispose to stop recording.</returns>
    public IAsyncDisposable Attach(FleetRoster roster, IncidentTracker incidents)
    {
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(incidents);
        var pending = System.Threading.Channels.Channel.CreateUnbounded<Func<CancellationToken, Task>>(new() { SingleReader = true });
        var last = new Dictionary<string, bool>(StringComparer.Ordinal);
        void OnView(AgentView view)
        {
            bool up = view.Health != AgentHealth.Down;
            lock (last)
            {
                if (last.TryGetValue(view.Agent, out bool was) && was == up)
                {
                    return;
                }

                last[view.Agent] = up;
            }

            var sample = new UptimeSample(view.Agent, up, up ? view.LastSeen ?? _bus.Time.GetUtcNow() : _bus.Time.GetUtcNow());
            pending.Writer.TryWrite(ct => RecordUptimeAsync(sample, ct));
        }

        void OnIncident(FleetIncident incident) => pending.Writer.TryWrite(ct => RecordIncidentAsync(incident, ct));
        foreach (AgentView view in roster.Snapshot())
        {
            OnView(view);
        }

        roster.Changed += OnView;
        incidents.Opened += OnIncident;
        incidents.Closed += OnIncident;
        var writer = new BackgroundLoop(async ct =>
        {
            await foreach (Func<CancellationToken, Task> write in pending.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await Safely(write, ct).ConfigureAwait(false);
            }
        });
        var completions = new BackgroundLoop(async ct =>
        {
            await foreach (TaskResult result in _bus.CompletionsAsync(ct).ConfigureAwait(false))
            {
                await Safely(c => RecordTaskAsync(result, c), ct).ConfigureAwait(false);
            }
        });
        return new Recording(async () =>
        {
            roster.Changed -= OnView;
            incidents.Opened -= OnIncident;
            incidents.Closed -= OnIncident;
            pending.Writer.TryComplete();
            await completions.DisposeAsync().ConfigureAwait(false);
            await writer.DisposeAsync().ConfigureAwait(false);
        });
    }

    /// <summary>Reads what was recorded for a period.</summary>
    /// <param name="from">The period's start.</param>
    /// <param name="to">Its end.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The history.</returns>
    public async Task<FleetOpsHistory> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var uptime = new List<UptimeSample>();
        var incidents = new Dictionary<string, FleetIncident>(StringComparer.Ordinal);
        var tasks = new List<TaskResult>();
        var rollouts = new List<RolloutStep>();
        INatsJSStream stream;
        try
        {
            stream = await _bus.JetStream.GetStreamAsync(_bus.Subjects.OpsStream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return new FleetOpsHistory(uptime, [], tasks); // nothing recorded yet
        }

        ulong last = stream.Info.State.LastSeq;
        if (stream.Info.State.Messages > 0)
        {
            INatsJSConsumer reader = await _bus.JetStream.CreateOrderedConsumerAsync(_bus.Subjects.OpsStream, cancellationToken: cancellationToken).ConfigureAwait(false);
            await foreach (NatsJSMsg<byte[]> msg in reader.ConsumeAsync<byte[]>(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                Read(msg.Subject, msg.Data ?? [], from, to, uptime, incidents, tasks, rollouts);
                if (msg.Metadata?.Sequence.Stream >= last)
                {
                    break;
                }
            }
        }

        // Each agent's last change before the period tells its state at the start; later ones inside the period count.
        List<UptimeSample> kept = [.. uptime.Where(s => s.At >= from && s.At < to)];
        kept.AddRange(uptime.Where(s => s.At < from).GroupBy(s => s.Agent, StringComparer.Ordinal).Select(g => g.MaxBy(s => s.At)! with { At = from }));
        return new FleetOpsHistory(
            [.. kept.OrderBy(s => s.At).ThenBy(s => s.Agent, StringComparer.Ordinal)],
            [.. incidents.Values.Where(i => i.Detected < to && (i.Resolved is null || i.Resolved >= from)).OrderBy(i => i.Detected)],
            tasks) { Rollouts = rollouts };
    }

    private static void Read(string subject, byte[] data, DateTimeOffset from, DateTimeOffset to, List<UptimeSample> uptime, Dictionary<string, FleetIncident> incidents, List<TaskResult> tasks, List<RolloutStep> rollouts)
    {
        try
        {
            string kind = subject.Split('.') is { Length: >= 5 } parts ? parts[3] : string.Empty;
            switch (kind)
            {
                case "uptime" when JsonSerializer.Deserialize(data, FleetJsonContext.Default.UptimeSample) is { } sample && sample.At < to:
                    uptime.Add(sample);
                    break;
                case "incident" when JsonSerializer.Deserialize(data, FleetJsonContext.Default.FleetIncident) is { } incident:
                    incidents[incident.Id] = incident; // the latest state wins
                    break;
                case "task" when FleetJson.ReadResult(data) is { } result && result.CompletedAt >= from && result.CompletedAt < to:
                    tasks.Add(result);
                    break;
                case "rollout" when JsonSerializer.Deserialize(data, FleetJsonContext.Default.RolloutStep) is { } step && step.At >= from && step.At < to:
                    rollouts.Add(step);
                    break;
            }
        }
        catch (Exception ex) when (ex is JsonException or FleetMessageException)
        {
            // A record this version cannot read is skipped, never fatal to the report.
        }
    }

    private async Task PublishAsync(string subject, byte[] data, CancellationToken ct)
    {
        PubAckResponse ack = await _bus.JetStream.PublishAsync(subject, data, cancellationToken: ct).ConfigureAwait(false);
        ack.EnsureSuccess();
    }

    private async Task Safely(Func<CancellationToken, Task> write, CancellationToken ct)
    {
        try
        {
            await write(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException)
        {
            _bus.LogOpsRecordFailed(ex);
        }
    }

    private sealed class Recording(Func<Task> stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stop().ConfigureAwait(false);
    }
}
