using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace Hermes.Sdk.Fleet;

/// <summary>
/// Schedules, desired and actual, where any agent or the command center can read them: the JetStream key-value bucket
/// <c>hermes_&lt;fleet&gt;_schedules</c>, a key <c>&lt;name&gt;</c> for the schedule and <c>&lt;name&gt;.state</c> for
/// what happened.
/// </summary>
public sealed class FleetScheduleStore
{
    private readonly INatsKVStore _store;

    private FleetScheduleStore(INatsKVStore store) => _store = store;

    /// <summary>Creates the bucket if missing and opens it.</summary>
    /// <param name="bus">An agent's (or the operator's) bus.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The store.</returns>
    public static async Task<FleetScheduleStore> OpenAsync(FleetBus bus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var kv = new NatsKVContext(bus.JetStream);
        return new FleetScheduleStore(await kv.CreateStoreAsync(new NatsKVConfig(bus.Subjects.SchedulesBucket) { Storage = NatsKVStorageType.File, History = 8 }, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Writes a schedule's desired state.</summary>
    /// <param name="schedule">The schedule; validated here.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    public async Task PutAsync(FleetSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        schedule.Validate();
        await _store.PutAsync(schedule.Name, JsonSerializer.SerializeToUtf8Bytes(schedule, FleetJsonContext.Default.FleetSchedule), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pauses a schedule, saying why.</summary>
    /// <param name="name">The schedule.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    /// <exception cref="KeyNotFoundException">No such schedule.</exception>
    public async Task PauseAsync(string name, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        FleetSchedule schedule = (await ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.Name == name) ?? throw new KeyNotFoundException($"There is no schedule '{name}'.");
        await PutAsync(schedule with { Enabled = false, PausedReason = reason }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every schedule's desired state.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The schedules, by name.</returns>
    public async Task<IReadOnlyList<FleetSchedule>> ListAsync(CancellationToken cancellationToken = default)
    {
        var schedules = new List<FleetSchedule>();
        await foreach (string key in _store.GetKeysAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!key.EndsWith(".state", StringComparison.Ordinal) && await GetAsync(key, FleetJsonContext.Default.FleetSchedule, cancellationToken).ConfigureAwait(false) is { } schedule)
            {
                schedules.Add(schedule);
            }
        }

        return [.. schedules.OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>Every schedule, desired against actual, as the cron view shows it.</summary>
    /// <param name="now">Now.</param>
    /// <param name="checkInterval">How often runners look (overdue and runner presence are judged by it).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The views, by name.</returns>
    public async Task<IReadOnlyList<ScheduleView>> ViewsAsync(DateTimeOffset now, TimeSpan checkInterval, CancellationToken cancellationToken = default)
    {
        var views = new List<ScheduleView>();
        foreach (FleetSchedule schedule in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            views.Add(ScheduleView.Of(schedule, (await GetStateAsync(schedule.Name, cancellationToken).ConfigureAwait(false)).State, now, checkInterval));
        }

        return views;
    }

    /// <summary>What happened with a schedule, or null before its first look.</summary>
    /// <param name="name">The schedule.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state and its revision.</returns>
    public async Task<(ScheduleState? State, ulong Revision)> GetStateAsync(string name, CancellationToken cancellationToken = default)
    {
        NatsResult<NatsKVEntry<byte[]>> found = await _store.TryGetEntryAsync<byte[]>(name + ".state", cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.Success && found.Value.Value is { Length: > 0 } bytes ? (JsonSerializer.Deserialize(bytes, FleetJsonContext.Default.ScheduleState), found.Value.Revision) : (null, 0);
    }

    /// <summary>Writes a schedule's state if it has not changed since <paramref name="revision"/> (0: if it does not exist).</summary>
    /// <param name="state">The new state.</param>
    /// <param name="revision">The revision read.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether this write won.</returns>
    public async Task<bool> TryPutStateAsync(ScheduleState state, ulong revision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(state, FleetJsonContext.Default.ScheduleState);
        NatsResult<ulong> written = revision == 0
            ? await _store.TryCreateAsync(state.Name + ".state", bytes, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await _store.TryUpdateAsync(state.Name + ".state", bytes, revision, cancellationToken: cancellationToken).ConfigureAwait(false);
        return written.Success;
    }

    private async Task<T?> GetAsync<T>(string key, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        NatsResult<NatsKVEntry<byte[]>> found = await _store.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.Success && found.Value.Value is { Length: > 0 } bytes ? JsonSerializer.Deserialize(bytes, type) : default;
    }
}
