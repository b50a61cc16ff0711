using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Models.Tests;

/// <summary>A dead provider is skipped at once, probed again after its cooldown, and never makes the agent deaf.</summary>
public sealed class CircuitTests
{
    [Fact]
    public async Task A_dead_primary_is_skipped_at_once_then_probed_after_its_cooldown()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.Unavailable, ModelFault.None, ModelFault.None);

        Assert.Equal("second", (await fx.AskAsync()).GetAnsweringProvider());
        Assert.Equal("second", (await fx.AskAsync()).GetAnsweringProvider());
        Assert.Equal("second", (await fx.StreamAsync()).Provider);
        Assert.Equal([1, 3, 0], fx.Calls); // not retried on every request
        Assert.Equal(CircuitState.Open, fx.Chain.GetCircuitState(0));

        fx.Primary.Fault = ModelFault.None;
        fx.Time.Advance(fx.Options.CooldownInitial + TimeSpan.FromSeconds(1));
        Assert.Equal(CircuitState.HalfOpen, fx.Chain.GetCircuitState(0));

        Assert.Equal("primary", (await fx.AskAsync()).GetAnsweringProvider());
        Assert.Equal(CircuitState.Closed, fx.Chain.GetCircuitState(0));
        Assert.Equal([2, 3, 0], fx.Calls);
        Assert.Contains(fx.Logs.Messages, m => m.Contains("Circuit closed for primary", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_probe_doubles_the_cooldown()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.Unavailable, ModelFault.None, ModelFault.None);
        await fx.AskAsync();
        fx.Time.Advance(fx.Options.CooldownInitial + TimeSpan.FromSeconds(1));

        await fx.AskAsync(); // probes the primary, which still fails

        Assert.Equal(2, fx.Primary.Calls);
        fx.Time.Advance(fx.Options.CooldownInitial + TimeSpan.FromSeconds(1));
        Assert.Equal(CircuitState.Open, fx.Chain.GetCircuitState(0)); // 60 s now, not 30 s
        fx.Time.Advance(fx.Options.CooldownInitial);
        Assert.Equal(CircuitState.HalfOpen, fx.Chain.GetCircuitState(0));
    }

    [Fact]
    public async Task Open_circuits_never_make_the_agent_deaf()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.ServerError, ModelFault.ServerError, ModelFault.ServerError);
        fx.Options.MaxTransientRetries = 0;
        await Assert.ThrowsAsync<ModelChainExhaustedException>(() => fx.AskAsync());
        Assert.All([0, 1, 2], i => Assert.Equal(CircuitState.Open, fx.Chain.GetCircuitState(i)));

        foreach (FakeModelServer server in fx.Servers)
        {
            server.Fault = ModelFault.None;
        }

        ChatResponse response = await fx.AskAsync();

        Assert.Equal("primary", response.GetAnsweringProvider()); // every breaker open: tried anyway, in order
        Assert.Equal([2, 1, 1], fx.Calls);
    }

    [Theory]
    [InlineData(ReturnToPrimary.PerTurn, "primary", 2)]
    [InlineData(ReturnToPrimary.Sticky, "second", 1)]
    public async Task Per_turn_returns_to_the_primary_and_sticky_stays(ReturnToPrimary mode, string expected, int primaryCalls)
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.None, ModelFault.None, ModelFault.None);
        fx.Options.ReturnToPrimary = mode;
        fx.Options.FailureThreshold = 2; // one failure does not open the primary's circuit
        fx.Primary.Script = call => call == 0 ? ModelFault.Unavailable : ModelFault.None;

        Assert.Equal("second", (await fx.AskAsync()).GetAnsweringProvider());
        Assert.Equal(expected, (await fx.AskAsync()).GetAnsweringProvider());
        Assert.Equal(primaryCalls, fx.Primary.Calls);
    }

    [Fact]
    public async Task Sticky_returns_to_the_primary_after_a_health_checked_probe()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.Unavailable, ModelFault.None, ModelFault.None);
        fx.Options.ReturnToPrimary = ReturnToPrimary.Sticky;
        Assert.Equal("second", (await fx.AskAsync()).GetAnsweringProvider());
        fx.Primary.Fault = ModelFault.None;

        Assert.Equal("second", (await fx.AskAsync()).GetAnsweringProvider());
        fx.Time.Advance(fx.Options.CooldownInitial + TimeSpan.FromSeconds(1));
        Assert.Equal("primary", (await fx.AskAsync()).GetAnsweringProvider());
        Assert.Equal("primary", (await fx.AskAsync()).GetAnsweringProvider());
        Assert.Equal([3, 2, 0], fx.Calls);
    }
}
