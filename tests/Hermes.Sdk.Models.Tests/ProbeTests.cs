using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Models.Tests;

/// <summary>The blueprint's "test the chain": probe every provider, and prove failover with a bad primary key.</summary>
public sealed class ProbeTests
{
    [Fact]
    public async Task Probe_reports_each_provider_on_its_own()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.None, ModelFault.Unauthorized, ModelFault.RateLimited, ModelFault.Unavailable, ModelFault.None);
        fx.UnsetVariables.Add(fx.Options.Fallbacks[3].ApiKeyEnvironmentVariable!);
        var reported = new List<ProviderProbeResult>();

        ModelChainProbeReport report = await fx.Chain.ProbeAsync(new SynchronousProgress<ProviderProbeResult>(reported.Add));

        Assert.Equal(
            [ProviderProbeStatus.Reachable, ProviderProbeStatus.AuthFailed, ProviderProbeStatus.RateLimited, ProviderProbeStatus.Down, ProviderProbeStatus.MissingKey],
            report.Results.Select(r => r.Status));
        Assert.Equal(5, reported.Count);
        Assert.Equal(1, report.ReachableCount);
        Assert.True(report.CanAnswer);
        Assert.Equal([1, 1, 1, 1, 0], fx.Calls); // a missing key is reported without calling
        Assert.Contains("HERMES_TEST_KEY_4 is not set", report.ToString(), StringComparison.Ordinal);
        Assert.Equal(CircuitState.Open, fx.Chain.GetCircuitState(3)); // probes feed the breakers
        fx.AssertNoSecretsLogged(report.ToString());
    }

    [Fact]
    public async Task Probes_and_the_failover_proof_carry_the_probe_instructions_first_to_every_provider()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync([ModelProviderKind.Anthropic, ModelProviderKind.OpenAICompatible, ModelProviderKind.OpenAICompatible], [ModelFault.None, ModelFault.None, ModelFault.None]);
        fx.Primary.ExpectedApiKey = ChainFixture.Key;
        fx.Options.ProbeInstructions = "SOUL-MARKER-51a2: I am the agent's conscience.";

        await fx.Chain.ProbeAsync();
        await fx.Chain.ProveFailoverAsync();

        // Anthropic's wire shape puts the system text in "system"; OpenAI's as the first message with role "system".
        ReceivedModelRequest[] all = [.. fx.Servers.SelectMany(s => s.Requests)];
        Assert.True(all.Length >= 4, $"{all.Length} requests");
        Assert.All(all, r =>
        {
            using var body = System.Text.Json.JsonDocument.Parse(r.Body);
            string first = r.Path.EndsWith("/messages", StringComparison.Ordinal)
                ? body.RootElement.GetProperty("system")[0].GetProperty("text").GetString()!
                : body.RootElement.GetProperty("messages")[0] is var m && m.GetProperty("role").GetString() == "system" ? Text(m.GetProperty("content")) : "(no system message first)";
            Assert.StartsWith("SOUL-MARKER-51a2", first, StringComparison.Ordinal);
        });

        static string Text(System.Text.Json.JsonElement content) =>
            content.ValueKind == System.Text.Json.JsonValueKind.String ? content.GetString()! : content[0].GetProperty("text").GetString()!;
    }

    [Fact]
    public async Task Failover_proof_gives_the_primary_a_bad_key_and_sees_the_next_answer()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync([ModelProviderKind.Anthropic, ModelProviderKind.OpenAICompatible, ModelProviderKind.OpenAICompatible], [ModelFault.None, ModelFault.None, ModelFault.None]);
        fx.Primary.ExpectedApiKey = ChainFixture.Key;

        FailoverProof proof = await fx.Chain.ProveFailoverAsync();

        Assert.True(proof.Passed, proof.ToString());
        Assert.Equal(ProviderFailureKind.AuthenticationFailed, proof.PrimaryFailure!.Kind);
        Assert.Equal("second", proof.AnsweredBy);
        Assert.Equal("second", proof.StreamedBy);
        Assert.StartsWith("PASS", proof.ToString(), StringComparison.Ordinal);
        Assert.Equal([1, 2, 0], fx.Calls); // the proof chain's own breaker skipped the primary for the streaming request
        Assert.Equal(CircuitState.Closed, fx.Chain.GetCircuitState(0)); // the live chain's breakers were not touched
        Assert.Equal("primary", (await fx.AskAsync()).GetAnsweringProvider());
    }

    [Fact]
    public async Task Failover_proof_for_a_keyless_local_primary_points_it_at_an_unreachable_address()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.None, ModelFault.None, ModelFault.None);
        fx.Options.Primary!.Provider = ModelProviderKind.Ollama;
        fx.Options.Primary.ApiKeyEnvironmentVariable = null;

        FailoverProof proof = await fx.Chain.ProveFailoverAsync();

        Assert.True(proof.Passed, proof.ToString());
        Assert.Equal(ProviderFailureKind.Unreachable, proof.PrimaryFailure!.Kind);
        Assert.Contains("unreachable", proof.Sabotage, StringComparison.Ordinal);
        Assert.Equal(0, fx.Primary.Calls);
    }

    [Fact]
    public async Task Failover_proof_fails_when_no_fallback_answers()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.None, ModelFault.Unauthorized, ModelFault.Unauthorized);
        fx.Primary.ExpectedApiKey = ChainFixture.Key;

        FailoverProof proof = await fx.Chain.ProveFailoverAsync();

        Assert.False(proof.Passed);
        Assert.StartsWith("FAIL", proof.ToString(), StringComparison.Ordinal);
        Assert.NotNull(proof.Error);
        Assert.Contains("Every model in the chain failed", proof.Error, StringComparison.Ordinal);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
