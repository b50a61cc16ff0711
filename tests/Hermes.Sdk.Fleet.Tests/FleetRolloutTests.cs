using System.Collections.Concurrent;

namespace Hermes.Sdk.Fleet.Tests;

/// <summary>Canary rollouts on a real nats-server, with agents that apply what the registry says — or crash on it.</summary>
public sealed class FleetRolloutTests
{
    private static readonly string Old = new('1', 64), Good = new('2', 64), Broken = new('3', 64);

    [Fact]
    public async Task A_good_change_reaches_the_canary_then_the_waves_and_a_broken_one_halts_at_the_canary_and_rolls_it_back()
    {
        await using FleetFixture fx = await FleetFixture.StartAsync("operator", "wolf-1", "wolf-2", "wolf-3");
        static void Fast(FleetOptions o) => o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
        // The operator's deadman view allows two seconds of silence: a loaded CI machine can stall a 200 ms heartbeat.
        FleetBus op = await fx.ConnectAsync("operator", o => { Fast(o); o.MissedHeartbeatsForDown = 10; });
        FleetRegistry registry = await FleetRegistry.CreateAsync(op);
        string[] wolves = ["wolf-1", "wolf-2", "wolf-3"];
        foreach (string wolf in wolves)
        {
            await registry.PutAsync(new RegistryEntry { Agent = wolf, Nkey = fx.Keys[wolf].PublicKey.Value, Role = "wolf", Digests = new Dictionary<string, string> { ["config"] = Old }, ConfigVersion = "1" });
        }

        await using FleetRoster roster = await op.WatchRosterAsync();
        await using var agents = new SimulatedAgents();
        foreach (string wolf in wolves)
        {
            await agents.StartAsync(fx, registry, wolf, Fast);
        }

        var rollout = new FleetRollout(registry, roster, op);
        RolloutResult good = await rollout.RunAsync(new RolloutPlan { StartedBy = "alice", Canary = "wolf-1", Waves = [["wolf-2"], ["wolf-3"]], Digests = new Dictionary<string, string> { ["config"] = Good }, ConfigVersion = "2", ReportWithin = TimeSpan.FromSeconds(10), Soak = TimeSpan.FromSeconds(1) });

        Assert.True(good.Outcome == RolloutOutcome.Completed, good.Reason);
        foreach (string wolf in wolves)
        {
            Assert.Equal((Good, "2"), ((await registry.GetAsync(wolf))!.Digests["config"], (await registry.GetAsync(wolf))!.ConfigVersion));
        }

        Assert.All(good.Steps, s => Assert.Equal("alice", s.By));
        Assert.Equal(["wolf-1", "wolf-2", "wolf-3"], good.Steps.Where(s => s.What == "given the change").Select(s => s.Agent));
        List<RolloutStep> steps = [.. good.Steps];
        Assert.True(steps.FindIndex(s => s is { Agent: "wolf-1", What: "soaked 00:00:01" }) < steps.FindIndex(s => s is { Agent: "wolf-2", What: "given the change" }));

        // A broken config: the canary crashes on it, so it never reports; nobody else gets it, and the canary is rolled back.
        RolloutResult broken = await rollout.RunAsync(new RolloutPlan { StartedBy = "bob", Canary = "wolf-1", Digests = new Dictionary<string, string> { ["config"] = Broken }, ConfigVersion = "3", ReportWithin = TimeSpan.FromSeconds(2) });

        Assert.Equal(RolloutOutcome.RolledBack, broken.Outcome);
        Assert.Contains("wolf-1 did not report the new digests", broken.Reason, StringComparison.Ordinal);
        Assert.Equal(["wolf-1"], broken.Steps.Where(s => s.What == "given the change").Select(s => s.Agent));
        Assert.Contains(broken.Steps, s => s is { Agent: "wolf-1", What: "rolled back" });
        Assert.Equal((Good, "2"), ((await registry.GetAsync("wolf-1"))!.Digests["config"], (await registry.GetAsync("wolf-1"))!.ConfigVersion));
        Assert.Equal(Good, (await registry.GetAsync("wolf-2"))!.Digests["config"]);
        Assert.Contains("wolf-1", agents.Crashed);
        await Eventually.TrueAsync(() => roster.Snapshot().Any(v => v.Agent == "wolf-1" && v.Health == AgentHealth.Idle)); // back on the good config

        // A gate the canary fails halts the rollout too.
        RolloutResult gated = await rollout.RunAsync(new RolloutPlan { StartedBy = "carol", Canary = "wolf-1", Digests = new Dictionary<string, string> { ["config"] = Old }, ReportWithin = TimeSpan.FromSeconds(10), Gate = (_, _) => Task.FromResult(false) });
        Assert.Equal((RolloutOutcome.RolledBack, "wolf-1 did not pass the gate"), (gated.Outcome, gated.Reason));
        Assert.Equal(Good, (await registry.GetAsync("wolf-1"))!.Digests["config"]);
    }


    /// <summary>Agents that run what the registry says for them: a new config is applied at once; the broken one crashes them.</summary>
    private sealed class SimulatedAgents : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _loops = [];
        private readonly ConcurrentDictionary<string, IAsyncDisposable?> _beats = new();

        public ConcurrentBag<string> Crashed { get; } = [];

        public async Task StartAsync(FleetFixture fx, FleetRegistry registry, string agent, Action<FleetOptions> configure)
        {
            _loops.Add(Task.Run(async () =>
            {
                try
                {
                    await foreach ((string name, RegistryEntry? entry) in registry.WatchAsync(_stop.Token))
                    {
                        if (name != agent || entry is null)
                        {
                            continue;
                        }

                        if (entry.Digests.GetValueOrDefault("config") == Broken)
                        {
                            Crashed.Add(agent); // it does not come up on this config
                            await StopAsync(agent);
                            continue;
                        }

                        // The new process comes up, then the old one stops: a restart without a gap in heartbeats.
                        FleetBus restarted = await fx.ConnectAsync(agent, o =>
                        {
                            configure(o);
                            foreach ((string key, string value) in entry.Digests)
                            {
                                o.Digests[key] = value;
                            }
                        });
                        IAsyncDisposable beats = restarted.StartHeartbeats(() => (AgentActivity.Idle, null, null));
                        await StopAsync(agent);
                        _beats[agent] = beats;
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }));
            await Task.Delay(100); // the watch delivers the current entry first: the agent starts on it
        }

        private async Task StopAsync(string agent)
        {
            if (_beats.TryRemove(agent, out IAsyncDisposable? running) && running is not null)
            {
                await running.DisposeAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
            foreach (IAsyncDisposable? beats in _beats.Values)
            {
                if (beats is not null)
                {
                    await beats.DisposeAsync();
                }
            }

            _stop.Dispose();
        }
    }
}
