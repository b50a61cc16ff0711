using System.Diagnostics;
using Hermes.Sdk.Fleet.Testing;
using Hermes.Sdk.Identity.NKeys;

namespace Hermes.Sdk.Fleet.Tests;

/// <summary>The registry on a real nats-server under the generated rights, and drift against it.</summary>
public sealed class FleetRegistryTests
{
    private static readonly string Chain = new('a', 64), Soul = new('b', 64), Config = new('c', 64), NewConfig = new('d', 64);

    [Fact]
    public async Task Only_the_operator_writes_the_registry_and_drift_is_seen_within_one_heartbeat()
    {
        using NKeyPair op = NKeyPair.Create(), timmy = NKeyPair.Create(), wolf = NKeyPair.Create(), ghost = NKeyPair.Create(), stray = NKeyPair.Create();
        FleetMember[] members = [new("timmy", timmy.PublicKey.Value, []), new("wolf-1", wolf.PublicKey.Value, ["wolves"]), new("ghost", ghost.PublicKey.Value, []), new("stray", stray.PublicKey.Value, [])];
        await using NatsTestServer server = await NatsTestServer.StartAsync(FleetAuthorization.ToServerConfig("timmy", members, op.PublicKey.Value), jetStream: true);
        TimeSpan interval = TimeSpan.FromSeconds(2);
        FleetOptions Options(string agent, string? config = null)
        {
            var o = new FleetOptions { Fleet = "timmy", Agent = agent, Url = server.Url, HeartbeatInterval = interval };
            foreach (FleetMember m in members)
            {
                o.TrustedKeys[m.Agent] = m.NKey;
            }

            o.Digests["chain"] = Chain;
            o.Digests["soul"] = Soul;
            o.Digests["config"] = config ?? Config;
            return o;
        }

        // The operator creates the registry: wolf-1, timmy and ghost are listed; stray is admitted by the server but not listed.
        await using FleetBus operatorBus = await FleetBus.ConnectAsync(Options("operator"), op);
        FleetRegistry written = await FleetRegistry.CreateAsync(operatorBus);
        var digests = new Dictionary<string, string> { ["chain"] = Chain, ["soul"] = Soul, ["config"] = Config };
        foreach (FleetMember m in members.Where(m => m.Agent != "stray"))
        {
            await written.PutAsync(new RegistryEntry { Agent = m.Agent, Nkey = m.NKey, Tiers = m.Tiers, Role = m.Agent == "timmy" ? "strategist" : "wolf", Digests = digests, ConfigVersion = "1" });
        }

        await using FleetBus boss = await FleetBus.ConnectAsync(Options("timmy"), timmy);
        FleetRegistry registry = await FleetRegistry.OpenAsync(boss);
        Assert.Equal(["ghost", "timmy", "wolf-1"], (await registry.ListAsync()).Select(e => e.Agent));
        await using FleetRoster roster = await boss.WatchRosterAsync();
        await using FleetDriftMonitor drift = await FleetDriftMonitor.StartAsync(registry, roster);

        // An agent's key cannot write the registry: the server refuses the bucket's subjects.
        await using (FleetBus wolfBus = await FleetBus.ConnectAsync(Options("wolf-1"), wolf))
        {
            FleetRegistry mine = await FleetRegistry.OpenAsync(wolfBus);
            await Assert.ThrowsAnyAsync<Exception>(() => mine.PutAsync(new RegistryEntry { Agent = "wolf-1", Nkey = wolf.PublicKey.Value, Digests = new Dictionary<string, string> { ["config"] = NewConfig } }).WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal(Config, (await registry.GetAsync("wolf-1"))!.Digests["config"]);

            await using IAsyncDisposable beats = wolfBus.StartHeartbeats(() => (AgentActivity.Idle, null, null));
            await using FleetBus strayBus = await FleetBus.ConnectAsync(Options("stray"), stray);
            await using IAsyncDisposable strayBeats = strayBus.StartHeartbeats(() => (AgentActivity.Idle, null, null));
            await Eventually.TrueAsync(() => drift.Snapshot().Any(d => d.Agent == "stray") && roster.Snapshot().Any(v => v.Agent == "wolf-1"));
            Assert.DoesNotContain(drift.Snapshot(), d => d.Agent == "wolf-1");
            Assert.Equal(DriftKind.UnknownAgent, drift.Snapshot().Single(d => d.Agent == "stray").Kind);
            FleetDrift missing = drift.Snapshot().Single(d => d.Agent == "ghost");
            Assert.Equal(DriftKind.MissingAgent, missing.Kind);
        }

        // wolf-1 comes back running another config: the drift is seen on its first heartbeat, well within one interval.
        var seen = new TaskCompletionSource<FleetDrift>(TaskCreationOptions.RunContinuationsAsynchronously);
        drift.Changed += (agent, d) =>
        {
            if (agent == "wolf-1" && d is { Kind: DriftKind.WrongDigest })
            {
                seen.TrySetResult(d);
            }
        };
        await using FleetBus changed = await FleetBus.ConnectAsync(Options("wolf-1", NewConfig), wolf);
        var clock = Stopwatch.StartNew();
        await using IAsyncDisposable newBeats = changed.StartHeartbeats(() => (AgentActivity.Idle, null, null));
        FleetDrift wrong = await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(clock.Elapsed < interval, $"seen after {clock.Elapsed}");
        Assert.Contains("config: runs dddddddddddd, expected cccccccccccc", wrong.Detail, StringComparison.Ordinal);

        // The operator updates the registry to the new config: the drift ends.
        await written.PutAsync(new RegistryEntry { Agent = "wolf-1", Nkey = wolf.PublicKey.Value, Tiers = ["wolves"], Digests = new Dictionary<string, string>(digests) { ["config"] = NewConfig }, ConfigVersion = "2" });
        await Eventually.TrueAsync(() => !drift.Snapshot().Any(d => d.Agent == "wolf-1"));
    }

}
