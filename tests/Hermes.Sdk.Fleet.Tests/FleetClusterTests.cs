using System.Collections.Concurrent;
using System.Text.Json;
using Hermes.Sdk.Fleet.Testing;
using Hermes.Sdk.Identity.NKeys;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Hermes.Sdk.Fleet.Tests;

/// <summary>The durable path on a three-server JetStream cluster on loopback: the fleet's way past one machine.</summary>
public sealed class FleetClusterTests
{
    [Fact]
    public async Task With_three_replicas_one_server_killed_mid_work_loses_nothing_and_runs_nothing_twice()
    {
        string[] workers = ["w1", "w2", "w3"];
        Dictionary<string, NKeyPair> keys = new[] { "boss" }.Concat(workers).ToDictionary(a => a, _ => NKeyPair.Create());
        try
        {
            await using NatsTestCluster cluster = await NatsTestCluster.StartAsync(3, NatsTestServer.NKeyAuthorization(keys.Values.Select(k => k.PublicKey.Value)));
            FleetOptions Options(string agent) => new() { Fleet = "timmy", Agent = agent, Url = cluster.Url, Replicas = 3, AckWait = TimeSpan.FromSeconds(5) };
            await using FleetBus boss = await FleetBus.ConnectAsync(Options("boss"), keys["boss"]);
            await EventuallyAsync(() => boss.EnsureStreamsAsync()); // until the cluster has elected its JetStream leader

            const int Tasks = 200;
            for (int i = 0; i < Tasks; i++)
            {
                await EventuallyAsync(() => boss.EnqueueAsync(new FleetTask { Kind = "work", Tier = "deep", IdempotencyKey = $"task-{i}", Payload = JsonSerializer.SerializeToElement(i) }));
            }

            var executions = new ConcurrentDictionary<string, int>();
            var buses = new List<FleetBus>();
            var working = new List<IAsyncDisposable>();
            foreach (string worker in workers)
            {
                FleetBus bus = await FleetBus.ConnectAsync(Options(worker), keys[worker]);
                buses.Add(bus);
                working.Add(await bus.WorkAsync("deep", async (task, ct) =>
                {
                    await Task.Delay(10, ct);
                    executions.AddOrUpdate(task.Key, 1, (_, n) => n + 1);
                    return null;
                }));
            }

            while (executions.Count < Tasks / 4)
            {
                await Task.Delay(5);
            }

            // Kill the server that leads the work stream, mid-run: its replicas on the other two take over.
            var js = new NatsJSContext((NatsConnection)boss.Connection);
            string? leader = (await js.GetStreamAsync(boss.Subjects.WorkStream)).Info.Cluster?.Leader;
            // nats-server's start-up banner names each server: "[INF]   Name:             hermes-n2".
            NatsTestServer victim = cluster.Servers.Single(s => s.Log.Any(l => l.Contains(" Name: ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(" " + leader, StringComparison.Ordinal)));
            int atKill = executions.Count;
            await victim.KillAsync();

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (executions.Count < Tasks)
            {
                await Task.Delay(50, patience.Token);
            }

            // Redeliveries of the tasks in flight at the kill come after AckWait: wait them out, then count.
            await Task.Delay(TimeSpan.FromSeconds(8), patience.Token);
            foreach (IAsyncDisposable w in working)
            {
                await w.DisposeAsync();
            }

            foreach (FleetBus bus in buses)
            {
                await bus.DisposeAsync();
            }

            Assert.InRange(atKill, Tasks / 4, Tasks - 1);
            Assert.Equal(Tasks, executions.Count);
            Assert.All(executions, kv => Assert.True(kv.Value == 1, $"{kv.Key} ran {kv.Value} times"));
            Assert.DoesNotContain(await boss.ReadDeadLettersAsync(), d => d.Reason == "poison");
        }
        finally
        {
            foreach (NKeyPair key in keys.Values)
            {
                key.Dispose();
            }
        }
    }

    private static async Task EventuallyAsync(Func<Task> action)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await action();
                return;
            }
            catch (Exception ex) when (ex is NatsJSException or NatsException or TimeoutException && started.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(250);
            }
        }
    }
}
