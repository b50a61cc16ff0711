using System.Collections.Concurrent;
using System.Text.Json;

namespace Hermes.Sdk.Fleet.Tests;

/// <summary>
/// The fleet bus against tasks sent by another client — nats.js, the NATS project's JavaScript client, on the same
/// real nats-server — shaped as a newcomer writes them by hand rather than as <c>FleetBus</c> writes them.
/// </summary>
public sealed class NatsJsPeerTests
{
    [Fact]
    public async Task A_task_without_id_or_tier_from_nats_js_runs_with_its_defaults_and_a_stable_id()
    {
        await using FleetFixture fx = await FleetFixture.StartAsync("worker-1", "js-peer");
        FleetBus worker = await fx.ConnectAsync("worker-1");
        var seen = new ConcurrentQueue<FleetTask>();
        await using IAsyncDisposable work = await worker.WorkAsync("default", (task, _) =>
        {
            seen.Enqueue(task);
            return Task.FromResult<JsonElement?>(JsonSerializer.SerializeToElement("ok"));
        });
        const string bare = """{"schema":"hermes.task/1","kind":"echo","payload":{"x":1}}""";

        JsonElement answer = await NatsJsPeer.RunAsync(fx.Keys["js-peer"], fx.Server.Url, [("hermes.timmy.work.durable.default", bare, true)], collect: ("hermes.timmy.work.complete", 1, 15000));

        FleetTask task = Assert.Single(seen);
        Assert.StartsWith("sha256-", task.Id, StringComparison.Ordinal);
        Assert.Equal(("default", task.Id), (task.Tier, task.Key));
        using JsonDocument result = JsonDocument.Parse(answer.GetProperty("collected")[0].GetProperty("data").GetString()!);
        Assert.Equal((task.Id, true), (result.RootElement.GetProperty("task_id").GetString(), result.RootElement.GetProperty("ok").GetBoolean()));
        Assert.Empty(await worker.ReadDeadLettersAsync());
    }

    [Fact]
    public async Task A_task_whose_dispatcher_is_no_agent_name_is_dead_lettered_at_once_and_does_not_stall_the_next()
    {
        await using FleetFixture fx = await FleetFixture.StartAsync("worker-1", "js-peer");
        FleetBus worker = await fx.ConnectAsync("worker-1", o => o.AckWait = TimeSpan.FromSeconds(30));
        var ran = new ConcurrentQueue<string>();
        await using IAsyncDisposable work = await worker.WorkAsync("deep", (task, _) =>
        {
            ran.Enqueue(task.Kind);
            return Task.FromResult<JsonElement?>(null);
        });

        var started = System.Diagnostics.Stopwatch.StartNew();
        await NatsJsPeer.RunAsync(fx.Keys["js-peer"], fx.Server.Url,
        [
            ("hermes.timmy.work.durable.deep", """{"schema":"hermes.task/1","id":"t1","kind":"spaces","dispatcher":"Not A Token"}""", true),
            ("hermes.timmy.work.durable.deep", """{"schema":"hermes.task/1","id":"t2","kind":"dots","dispatcher":"ops.evil"}""", true),
            ("hermes.timmy.work.durable.deep", """{"schema":"hermes.task/1","id":"t3","kind":"fine","dispatcher":"js-peer"}""", true),
        ]);
        while (!ran.Contains("fine") && started.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }

        Assert.Equal(["fine"], ran); // neither bad task ran; the good one was not held behind them for an AckWait (30 s)
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"the good task waited {started.Elapsed}");
        IReadOnlyList<DeadLetter> letters = await worker.ReadDeadLettersAsync();
        Assert.Equal(2, letters.Count(l => l.Reason == "malformed"));
        Assert.Contains(letters, l => l.Error.Contains("dispatcher 'ops.evil' is not an agent name", StringComparison.Ordinal));
    }

}
