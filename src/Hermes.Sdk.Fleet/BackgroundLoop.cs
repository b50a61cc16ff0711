namespace Hermes.Sdk.Fleet;

/// <summary>A loop on the thread pool that stops — and releases what it reads from — when disposed.</summary>
internal sealed class BackgroundLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly IAsyncDisposable? _source;

    public BackgroundLoop(Func<CancellationToken, Task> body, IAsyncDisposable? source = null)
    {
        _source = source;
        _loop = Task.Run(async () =>
        {
            try
            {
                await body(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_source is not null)
        {
            await _source.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
