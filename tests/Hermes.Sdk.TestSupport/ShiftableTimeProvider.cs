namespace Hermes.Sdk.TestSupport;

/// <summary>
/// A clock that real timers follow but whose "now" tests can move (circuit cooldowns, stale claims, aged records):
/// the system's time plus <see cref="Offset"/>.
/// </summary>
public sealed class ShiftableTimeProvider : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far ahead of the system clock "now" is.</summary>
    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    /// <summary>Moves "now" forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
