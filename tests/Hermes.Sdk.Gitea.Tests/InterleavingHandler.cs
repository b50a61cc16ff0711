namespace Hermes.Sdk.Gitea.Tests;

/// <summary>
/// The real socket handler, with one interleaving: just before the first request that <c>when</c> selects goes out,
/// <c>first</c> runs to completion — another agent's write landing in the gap between this agent's read and write.
/// </summary>
internal sealed class InterleavingHandler(Func<HttpRequestMessage, bool> when, Func<Task> first) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _fired;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (when(request) && Interlocked.Exchange(ref _fired, 1) == 0)
        {
            await first().ConfigureAwait(false);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
