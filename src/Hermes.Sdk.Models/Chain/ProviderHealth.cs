using Hermes.Sdk.Models.Configuration;

namespace Hermes.Sdk.Models.Chain;

/// <summary>The circuit state of one provider.</summary>
public enum CircuitState
{
    /// <summary>Healthy: requests go to it.</summary>
    Closed,

    /// <summary>Failed recently: skipped until its cooldown ends.</summary>
    Open,

    /// <summary>Cooldown over: the next request probes it.</summary>
    HalfOpen,
}

/// <summary>
/// A circuit breaker sized for agents, which make few calls: it opens after <see cref="ModelChainOptions.FailureThreshold"/>
/// consecutive failures (default 1) rather than after a failure ratio over a large sample, stays open for a cooldown
/// that doubles on each failed probe (and is never shorter than the provider's Retry-After), then lets one request
/// probe the provider.
/// </summary>
internal sealed class ProviderHealth(ModelChainOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _consecutiveFailures;
    private DateTimeOffset? _openUntil;
    private TimeSpan _nextCooldown = options.CooldownInitial;

    public CircuitState State
    {
        get
        {
            lock (_gate)
            {
                return _openUntil is not { } until ? CircuitState.Closed : time.GetUtcNow() < until ? CircuitState.Open : CircuitState.HalfOpen;
            }
        }
    }

    public DateTimeOffset? OpenUntil
    {
        get
        {
            lock (_gate)
            {
                return _openUntil;
            }
        }
    }

    public void RecordSuccess()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
            _openUntil = null;
            _nextCooldown = options.CooldownInitial;
        }
    }

    /// <summary>Records a failure; returns true when it opened (or re-opened) the circuit.</summary>
    public bool RecordFailure(TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            _consecutiveFailures++;
            if (_consecutiveFailures < options.FailureThreshold && _openUntil is null)
            {
                return false;
            }

            TimeSpan cooldown = retryAfter is { } ra && ra > _nextCooldown ? ra : _nextCooldown;
            _openUntil = time.GetUtcNow() + cooldown;
            _nextCooldown = TimeSpan.FromTicks(Math.Min(_nextCooldown.Ticks * 2, options.CooldownMax.Ticks));
            return true;
        }
    }
}
