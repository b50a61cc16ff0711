using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hermes.Sdk.Fleet;

/// <summary>A schedule as the command center shows it: desired and actual state side by side.</summary>
/// <param name="Name">The schedule.</param>
/// <param name="Cron">Its expression.</param>
/// <param name="TimeZone">Its time zone.</param>
/// <param name="Enabled">Whether it runs.</param>
/// <param name="PausedReason">Why not.</param>
/// <param name="LastRunAt">When its last slot was enqueued.</param>
/// <param name="LastResult">What came of it.</param>
/// <param name="NextRun">Its next slot.</param>
/// <param name="Overdue">Whether a slot is past due by more than the grace and was not run.</param>
/// <param name="RunnerPresent">Whether a runner looked at it within three check intervals.</param>
public sealed record ScheduleView(string Name, string Cron, string TimeZone, bool Enabled, string? PausedReason, DateTimeOffset? LastRunAt, string? LastResult, DateTimeOffset? NextRun, bool Overdue, bool RunnerPresent)
{
    /// <summary>When a runner last looked at it (the view's source time), or null before the first look.</summary>
    public DateTimeOffset? CheckedAt { get; init; }

    /// <summary>The view of a schedule and its state at <paramref name="now"/>.</summary>
    /// <param name="schedule">The desired state.</param>
    /// <param name="state">The actual state, or null when no runner has looked yet.</param>
    /// <param name="now">Now.</param>
    /// <param name="checkInterval">How often runners look.</param>
    /// <returns>The view.</returns>
    public static ScheduleView Of(FleetSchedule schedule, ScheduleState? state, DateTimeOffset now, TimeSpan checkInterval)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        DateTimeOffset? next = state?.NextSlot ?? schedule.NextSlot(now);
        bool overdue = schedule.Enabled && next is { } slot && now - slot > checkInterval * 2;
        bool present = state?.CheckedAt is { } checkedAt && now - checkedAt <= checkInterval * 3;
        return new ScheduleView(schedule.Name, schedule.Cron, schedule.TimeZone, schedule.Enabled, schedule.PausedReason, state?.LastRunAt, state?.LastResult, next, overdue, present) { CheckedAt = state?.CheckedAt };
    }
}

/// <summary>
/// Runs the fleet's schedules: every check interval it reads each schedule and its state, and when a slot is due it
/// enqueues the schedule's task as durable work with the idempotency key <c>schedule:&lt;name&gt;:&lt;slot&gt;</c> — so
/// however many agents run a scheduler, each slot runs once across the fleet (the work stream drops a repeated key
/// within its duplicate window, and the done bucket skips one already run) — then records the slot. A slot missed while
/// no runner was present is run once when one returns, marked late; the ones before it are skipped.
/// </summary>
public sealed partial class FleetScheduler : IAsyncDisposable
{
    private readonly FleetBus _bus;
    private readonly FleetScheduleStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private BackgroundLoop? _loop;

    /// <summary>Creates the runner.</summary>
    /// <param name="bus">This agent's bus (it enqueues the work).</param>
    /// <param name="store">The schedules.</param>
    /// <param name="timeProvider">The clock slots are kept by.</param>
    /// <param name="logger">Logs each slot run.</param>
    public FleetScheduler(FleetBus bus, FleetScheduleStore store, TimeProvider? timeProvider = null, ILogger<FleetScheduler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(store);
        _bus = bus;
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>How often the schedules are checked (default 15 s).</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Checks every check interval until disposed.</summary>
    public void Start() => _loop ??= new BackgroundLoop(async ct =>
    {
        using var timer = new PeriodicTimer(CheckInterval, _time);
        do
        {
            try
            {
                await RunOnceAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    });

    /// <summary>One check of every schedule: due slots enqueued, states recorded.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The slots this runner enqueued.</returns>
    public async Task<IReadOnlyList<(string Schedule, DateTimeOffset Slot)>> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var ran = new List<(string, DateTimeOffset)>();
        foreach (FleetSchedule schedule in await _store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            DateTimeOffset now = _time.GetUtcNow();
            (ScheduleState? state, ulong revision) = await _store.GetStateAsync(schedule.Name, cancellationToken).ConfigureAwait(false);
            ScheduleState current = state ?? new ScheduleState { Name = schedule.Name, NextSlot = schedule.NextSlot(now) };
            if (schedule.Enabled && current.NextSlot is { } slot && slot <= now)
            {
                string result = now - slot > CheckInterval * 2 ? $"enqueued late by {(now - slot).ToString("c", CultureInfo.InvariantCulture)}" : "enqueued";
                try
                {
                    await _bus.EnqueueAsync(new FleetTask
                    {
                        Kind = schedule.Kind,
                        Tier = schedule.Tier,
                        Payload = schedule.Payload ?? default,
                        IdempotencyKey = $"schedule:{schedule.Name}:{slot.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}",
                        CreatedAt = now,
                    }, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    result = $"failed: {ex.GetType().Name}: {ex.Message}";
                }

                current = current with { LastSlot = slot, LastRunAt = now, Runner = _bus.Agent, LastResult = result, NextSlot = schedule.NextSlot(now) };
                if (await _store.TryPutStateAsync(current with { CheckedAt = now }, revision, cancellationToken).ConfigureAwait(false))
                {
                    ran.Add((schedule.Name, slot));
                    LogRan(schedule.Name, slot, result);
                }

                continue;
            }

            await _store.TryPutStateAsync(current with { CheckedAt = now }, revision, cancellationToken).ConfigureAwait(false);
        }

        return ran;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_loop is not null)
        {
            await _loop.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Schedule {Schedule}: slot {Slot} {Result}.")]
    private partial void LogRan(string schedule, DateTimeOffset slot, string result);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Checking the schedules failed; the next check retries.")]
    private partial void LogCheckFailed(Exception exception);
}
