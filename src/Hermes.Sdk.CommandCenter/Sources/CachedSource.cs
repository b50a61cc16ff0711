namespace Hermes.Sdk.CommandCenter;

/// <summary>
/// One source, read with its own timeout and kept for a short while: concurrent pages share one read in flight; a good
/// read is served again for <see cref="SourceSettings.CacheFor"/>; a read that fails or times out gives an unknown
/// reading with the reason and the time of the last good read — never the old value as if it were current. Reading
/// never changes the source (no side effects on read).
/// </summary>
internal sealed class CachedSource<T>(string name, SourceSettings settings, Func<CancellationToken, Task<Sourced<T>>> fetch, TimeProvider time)
    where T : class
{
    private readonly object _gate = new();
    private SourceReading<T>? _last;
    private DateTimeOffset? _lastGoodAt;
    private Task<SourceReading<T>>? _inFlight;

    public string Name => name;

    /// <summary>The cached reading while it is fresh, otherwise a new read (at most <see cref="SourceSettings.Timeout"/>).</summary>
    public Task<SourceReading<T>> ReadAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_last is { Error: null } last && time.GetUtcNow() - last.FetchedAt < settings.CacheFor)
            {
                return Task.FromResult(last);
            }

            if (_inFlight is not { IsCompleted: false })
            {
                _inFlight = Task.Run(ReadNowAsync, CancellationToken.None); // never the source's own code under the lock
            }

            return _inFlight.WaitAsync(cancellationToken);
        }
    }

    private async Task<SourceReading<T>> ReadNowAsync()
    {
        SourceReading<T> reading;
        using var timeout = new CancellationTokenSource(settings.Timeout, time);
        try
        {
            Sourced<T> read = await fetch(timeout.Token).WaitAsync(settings.Timeout, time).ConfigureAwait(false);
            DateTimeOffset now = time.GetUtcNow();
            reading = new SourceReading<T>(name, read.Value, read.SourceTime, now, null, now, settings.StaleAfter);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            reading = Unknown($"no answer within {settings.Timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex)
        {
            // Whatever the source threw, the page gets an unknown reading and the next read tries again: a read in
            // flight is never left behind faulted.
            reading = Unknown(Describe(ex));
        }

        lock (_gate)
        {
            _last = reading;
            _lastGoodAt = reading.Error is null ? reading.FetchedAt : _lastGoodAt;
            return reading with { LastGoodAt = _lastGoodAt };
        }
    }

    private SourceReading<T> Unknown(string why) => new(name, null, null, time.GetUtcNow(), why, null, settings.StaleAfter);

    /// <summary>What went wrong, in words an operator can act on (never a token or a stack trace).</summary>
    private static string Describe(Exception ex) => ex switch
    {
        HttpRequestException { StatusCode: { } code } => $"HTTP {(int)code} {code}",
        HttpRequestException http => $"cannot connect: {http.Message}",
        Refit.ApiException api => $"HTTP {(int)api.StatusCode} {api.StatusCode}",
        NATS.Client.Core.NatsException nats => $"the fleet bus: {nats.Message}",
        Hermes.Sdk.Gitea.GiteaException gitea => $"HTTP {(int)gitea.StatusCode} {gitea.StatusCode}{(gitea.GiteaMessage is { Length: > 0 } said ? $": {said}" : string.Empty)}",
        InvalidOperationException mine => mine.Message,
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
