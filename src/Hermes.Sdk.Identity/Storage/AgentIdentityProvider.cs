using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Identity.Storage;

/// <summary>
/// Provides the configured agent's identity (<see cref="IdentityStoreOptions.AgentName"/>), loading it once — or
/// creating it on first run when <see cref="IdentityStoreOptions.CreateIfMissing"/> is set — and releasing its
/// secrets when the container is disposed.
/// </summary>
public sealed class AgentIdentityProvider : IDisposable
{
    private readonly IdentityStore _store;
    private readonly IdentityStoreOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AgentIdentity? _identity;

    /// <summary>Creates the provider.</summary>
    /// <param name="store">The store.</param>
    /// <param name="options">The options naming the agent.</param>
    public AgentIdentityProvider(IdentityStore store, IOptions<IdentityStoreOptions> options)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>The configured agent's identity.</summary>
    /// <param name="cancellationToken">Cancels the first load.</param>
    /// <returns>The identity, owned by the provider (do not dispose it).</returns>
    /// <exception cref="InvalidOperationException">No agent name is configured.</exception>
    public async ValueTask<AgentIdentity> GetIdentityAsync(CancellationToken cancellationToken = default)
    {
        if (_identity is { } loaded)
        {
            return loaded;
        }

        string name = _options.AgentName
            ?? throw new InvalidOperationException($"No agent is configured: set {nameof(IdentityStoreOptions)}.{nameof(IdentityStoreOptions.AgentName)} in AddHermesIdentity.");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _identity ??= _options.CreateIfMissing
                ? await _store.LoadOrCreateAsync(name, cancellationToken).ConfigureAwait(false)
                : await _store.LoadAsync(name, cancellationToken).ConfigureAwait(false);
            return _identity;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Releases the identity's secrets.</summary>
    public void Dispose()
    {
        _identity?.Dispose();
        _gate.Dispose();
    }
}
