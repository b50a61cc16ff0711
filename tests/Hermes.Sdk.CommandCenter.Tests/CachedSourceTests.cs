namespace Hermes.Sdk.CommandCenter.Tests;

/// <summary>One source's own timeout, cache and memory of its last good read.</summary>
public sealed class CachedSourceTests
{
    private sealed record Value(int N);

    [Fact]
    public async Task A_good_read_is_cached_a_failure_is_unknown_with_the_last_good_read_and_the_next_read_tries_again()
    {
        int calls = 0;
        Func<int, Task<Sourced<Value>>>? behaviour = n => Task.FromResult(new Sourced<Value>(new Value(n), DateTimeOffset.UtcNow));
        var settings = new SourceSettings { Timeout = TimeSpan.FromMilliseconds(300), CacheFor = TimeSpan.FromMilliseconds(200), StaleAfter = TimeSpan.FromMinutes(1) };
        var source = new CachedSource<Value>("test", settings, _ => behaviour(Interlocked.Increment(ref calls)), TimeProvider.System);

        SourceReading<Value> first = await source.ReadAsync();
        SourceReading<Value> cached = await source.ReadAsync();
        Assert.Equal((1, 1), (first.Value!.N, cached.Value!.N)); // served again, not read again
        Assert.Equal(1, calls);

        await Task.Delay(250);
        behaviour = _ => throw new OperationCanceledException("a cancellation from inside the client");
        SourceReading<Value> failed = await source.ReadAsync();
        Assert.Null(failed.Value); // never the old value as if current
        Assert.Equal(Freshness.Unknown, failed.FreshnessAt(DateTimeOffset.UtcNow));
        Assert.Equal(first.FetchedAt, failed.LastGoodAt);

        behaviour = _ => new TaskCompletionSource<Sourced<Value>>().Task; // never answers
        SourceReading<Value> slow = await source.ReadAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("no answer within 0.3 s", slow.Error);

        behaviour = n => Task.FromResult(new Sourced<Value>(new Value(n), DateTimeOffset.UtcNow.AddMinutes(-5)));
        SourceReading<Value> back = await source.ReadAsync();
        Assert.Equal(Freshness.Stale, back.FreshnessAt(DateTimeOffset.UtcNow)); // read, but its own time is old
        Assert.NotNull(back.Value);
    }
}
