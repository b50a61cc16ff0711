using System.Runtime.CompilerServices;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace Hermes.Sdk.Fleet;

/// <summary>
/// One agent in the fleet's registry (<c>hermes.registry/1</c>): who it is, its keys, and what it should run.
/// </summary>
public sealed record RegistryEntry
{
    /// <summary>The schema and major version of this record.</summary>
    public const string SchemaName = "hermes.registry/1";

    /// <summary>The schema (<see cref="SchemaName"/>).</summary>
    public string Schema { get; init; } = SchemaName;

    /// <summary>The agent's name (a subject token).</summary>
    public required string Agent { get; init; }

    /// <summary>Its role: strategist, worker or wolf.</summary>
    public string? Role { get; init; }

    /// <summary>Its Nostr public key (<c>npub…</c>).</summary>
    public string? Npub { get; init; }

    /// <summary>Its NATS user NKey, public (<c>U…</c>).</summary>
    public required string Nkey { get; init; }

    /// <summary>The tiers whose work it takes.</summary>
    public IReadOnlyList<string> Tiers { get; init; } = [];

    /// <summary>What it should run: SHA-256 (hex) of its <c>chain</c>, <c>soul</c> and <c>config</c>.</summary>
    public IReadOnlyDictionary<string, string> Digests { get; init; } = new Dictionary<string, string>();

    /// <summary>The config version it should run.</summary>
    public string? ConfigVersion { get; init; }

    /// <summary>The member its rights on the bus are generated from.</summary>
    /// <returns>The member.</returns>
    public FleetMember ToMember() => new(Agent, Nkey, Tiers);
}

/// <summary>
/// The fleet's registry — the one truth of who is in the fleet and what each should run — in a JetStream key-value
/// bucket, one key per agent. Every agent may read and watch it; only the operator's key may write it
/// (<see cref="FleetAuthorization"/> denies the bucket's subjects to every agent).
/// </summary>
public sealed class FleetRegistry
{
    private readonly INatsKVStore _store;

    private FleetRegistry(INatsKVStore store) => _store = store;

    /// <summary>Creates the bucket if missing (the operator does this) and opens it.</summary>
    /// <param name="bus">The operator's bus.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The registry.</returns>
    public static async Task<FleetRegistry> CreateAsync(FleetBus bus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var kv = new NatsKVContext(bus.JetStream);
        INatsKVStore store = await kv.CreateStoreAsync(new NatsKVConfig(bus.Subjects.RegistryBucket) { History = 16, Storage = NatsKVStorageType.File, Description = $"The registry of fleet {bus.Subjects.Fleet}" }, cancellationToken).ConfigureAwait(false);
        return new FleetRegistry(store);
    }

    /// <summary>Opens the existing bucket (any agent).</summary>
    /// <param name="bus">The agent's bus.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The registry.</returns>
    public static async Task<FleetRegistry> OpenAsync(FleetBus bus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        return new FleetRegistry(await new NatsKVContext(bus.JetStream).GetStoreAsync(bus.Subjects.RegistryBucket, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Writes an agent's entry (the operator's key only; another's is refused by the server).</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The entry's new revision.</returns>
    public async Task<ulong> PutAsync(RegistryEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        FleetSubjects.Check(entry.Agent);
        return await _store.PutAsync(entry.Agent, JsonSerializer.SerializeToUtf8Bytes(entry, FleetJsonContext.Default.RegistryEntry), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An agent's entry, or null.</summary>
    /// <param name="agent">The agent.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or null.</returns>
    public async Task<RegistryEntry?> GetAsync(string agent, CancellationToken cancellationToken = default)
    {
        NatsResult<NatsKVEntry<byte[]>> found = await _store.TryGetEntryAsync<byte[]>(FleetSubjects.Check(agent), cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.Success && found.Value.Value is { Length: > 0 } bytes ? Read(bytes) : null;
    }

    /// <summary>Every entry now.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries, by agent.</returns>
    public async Task<IReadOnlyList<RegistryEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        var entries = new List<RegistryEntry>();
        await foreach (string key in _store.GetKeysAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (await GetAsync(key, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return [.. entries.OrderBy(e => e.Agent, StringComparer.Ordinal)];
    }

    /// <summary>Every entry, then each change as it is written (a deleted agent arrives as null with its name).</summary>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>(agent, entry or null).</returns>
    public async IAsyncEnumerable<(string Agent, RegistryEntry? Entry)> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (NatsKVEntry<byte[]> change in _store.WatchAsync<byte[]>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return (change.Key, change.Operation == NatsKVOperation.Put && change.Value is { Length: > 0 } bytes ? Read(bytes) : null);
        }
    }

    private static RegistryEntry Read(byte[] bytes)
    {
        RegistryEntry entry = JsonSerializer.Deserialize(bytes, FleetJsonContext.Default.RegistryEntry) ?? throw new FleetMessageException("a registry entry is JSON null");
        return entry.Schema?.StartsWith("hermes.registry/1", StringComparison.Ordinal) == true ? entry : throw new FleetMessageException($"schema '{entry.Schema}' is not hermes.registry version 1.x");
    }
}
