using System.Diagnostics;
using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Models.Tests;

/// <summary>Each injected fault on the primary, through the real OpenAI and Anthropic SDKs, plain and streaming.</summary>
public sealed class FailoverTests
{
    public static TheoryData<ModelProviderKind, ModelFault, bool, ProviderFailureKind> FaultsThatFailOver()
    {
        var data = new TheoryData<ModelProviderKind, ModelFault, bool, ProviderFailureKind>();
        (ModelFault Fault, ProviderFailureKind Kind)[] faults =
        [
            (ModelFault.RateLimited, ProviderFailureKind.RateLimited),
            (ModelFault.ServerError, ProviderFailureKind.ServerError),
            (ModelFault.Unavailable, ProviderFailureKind.ServerError),
            (ModelFault.Unauthorized, ProviderFailureKind.AuthenticationFailed),
            (ModelFault.ModelNotFound, ProviderFailureKind.ModelNotFound),
            (ModelFault.GarbageJson, ProviderFailureKind.MalformedResponse),
            (ModelFault.EmptyContent, ProviderFailureKind.EmptyResponse),
            (ModelFault.DropBeforeOutput, ProviderFailureKind.Unreachable),
        ];
        foreach (ModelProviderKind kind in new[] { ModelProviderKind.OpenAICompatible, ModelProviderKind.Anthropic })
        {
            foreach ((ModelFault fault, ProviderFailureKind expected) in faults)
            {
                data.Add(kind, fault, false, expected);
                data.Add(kind, fault, true, expected);
            }

            // A stream that ends cleanly before its finish reason is a truncation, never a success.
            data.Add(kind, ModelFault.CutBeforeContent, true, ProviderFailureKind.Truncated);
        }

        // OpenRouter's error inside a 200 answer (no choices): classed by its code, 502, as the provider failing — not
        // as a malformed answer.
        data.Add(ModelProviderKind.OpenAICompatible, ModelFault.ProviderErrorIn200, false, ProviderFailureKind.ServerError);

        return data;
    }

    [Theory]
    [MemberData(nameof(FaultsThatFailOver))]
    public async Task A_failing_primary_is_answered_by_the_second_provider(ModelProviderKind primaryKind, ModelFault fault, bool streaming, ProviderFailureKind expected)
    {
        await using ChainFixture fx = await ChainFixture.StartAsync([primaryKind, ModelProviderKind.OpenAICompatible, ModelProviderKind.Anthropic], [fault, ModelFault.None, ModelFault.None]);

        (string text, string? provider) = streaming ? await fx.StreamAsync() : Unpack(await fx.AskAsync());

        Assert.Equal("second", provider);
        Assert.Equal(fx.Second.Answer, text);
        Assert.Equal([1, 1, 0], fx.Calls);
        Assert.Equal(CircuitState.Open, fx.Chain.GetCircuitState(0));
        Assert.Contains(fx.Logs.Messages, m => m.Contains($"primary (", StringComparison.Ordinal) && m.Contains(expected.ToString(), StringComparison.Ordinal) && m.Contains("failing over to second", StringComparison.Ordinal));
        fx.AssertNoSecretsLogged();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_hang_past_the_timeout_fails_over(bool streaming)
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.Hang, ModelFault.None, ModelFault.None);
        // Long enough for the first request to reach the primary even on a loaded machine (CI saw 500 ms expire before
        // the request arrived, so the primary counted no call).
        fx.Options.Primary!.Timeout = TimeSpan.FromSeconds(2);
        var clock = Stopwatch.StartNew();

        (string text, string? provider) = streaming ? await fx.StreamAsync() : Unpack(await fx.AskAsync());

        Assert.Equal(("answer from second", "second"), (text, provider));
        Assert.Equal([1, 1, 0], fx.Calls);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(30)); // waited for the timeout, and did not hang
        Assert.Contains(fx.Logs.Messages, m => m.Contains("Timeout", StringComparison.Ordinal));
        fx.AssertNoSecretsLogged();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_refused_connection_fails_over(bool streaming)
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.None, ModelFault.None, ModelFault.None);
        ModelChain chain = fx.Chain;
        await fx.Primary.DisposeAsync(); // nothing listens on the primary's port any more

        (string text, string? provider) = streaming ? await fx.StreamAsync() : Unpack(await fx.AskAsync());

        Assert.Equal("second", provider);
        Assert.Equal(fx.Second.Answer, text);
        Assert.Equal(CircuitState.Open, chain.GetCircuitState(0));
        Assert.Contains(fx.Logs.Messages, m => m.Contains("Unreachable", StringComparison.Ordinal));
        fx.AssertNoSecretsLogged();
    }

    [Theory]
    [InlineData(ModelProviderKind.OpenAICompatible, false)]
    [InlineData(ModelProviderKind.OpenAICompatible, true)]
    [InlineData(ModelProviderKind.Anthropic, false)]
    [InlineData(ModelProviderKind.Anthropic, true)]
    public async Task A_malformed_request_stops_the_chain(ModelProviderKind kind, bool streaming)
    {
        await using ChainFixture fx = await ChainFixture.StartAsync([kind, ModelProviderKind.OpenAICompatible, ModelProviderKind.OpenAICompatible], [ModelFault.BadRequest, ModelFault.None, ModelFault.None]);

        var error = await Assert.ThrowsAsync<ModelRequestRejectedException>(() => streaming ? fx.StreamAsync() : fx.AskAsync());

        Assert.Equal("primary", error.Failure.Provider);
        Assert.Equal(ProviderFailureKind.BadRequest, error.Failure.Kind);
        Assert.Equal([1, 0, 0], fx.Calls);
        Assert.Equal(CircuitState.Closed, fx.Chain.GetCircuitState(0)); // the request was at fault, not the provider
        fx.AssertNoSecretsLogged(error.ToString());
    }

    [Theory]
    [InlineData(ModelProviderKind.OpenAICompatible, ModelFault.PolicyRejection, false)]
    [InlineData(ModelProviderKind.OpenAICompatible, ModelFault.PolicyRejection, true)]
    [InlineData(ModelProviderKind.OpenAICompatible, ModelFault.Refusal, false)]
    [InlineData(ModelProviderKind.OpenAICompatible, ModelFault.Refusal, true)]
    [InlineData(ModelProviderKind.Anthropic, ModelFault.Refusal, false)]
    [InlineData(ModelProviderKind.Anthropic, ModelFault.Refusal, true)]
    public async Task A_refusal_is_final_and_never_retried_on_a_more_permissive_model(ModelProviderKind kind, ModelFault fault, bool streaming)
    {
        await using ChainFixture fx = await ChainFixture.StartAsync([kind, ModelProviderKind.OpenAICompatible, ModelProviderKind.OpenAICompatible], [fault, ModelFault.None, ModelFault.None]);

        var error = await Assert.ThrowsAsync<ModelRefusalException>(() => streaming ? fx.StreamAsync() : fx.AskAsync());

        Assert.Equal("primary", error.Failure.Provider);
        Assert.Equal(ProviderFailureKind.Refused, error.Failure.Kind);
        Assert.Equal([1, 0, 0], fx.Calls);
        fx.AssertNoSecretsLogged(error.ToString());
    }

    [Theory]
    [InlineData(ModelProviderKind.OpenAICompatible, false)]
    [InlineData(ModelProviderKind.OpenAICompatible, true)]
    [InlineData(ModelProviderKind.Anthropic, false)]
    [InlineData(ModelProviderKind.Anthropic, true)]
    public async Task A_context_length_error_moves_to_a_provider_with_a_larger_context(ModelProviderKind kind, bool streaming)
    {
        await using ChainFixture fx = await ChainFixture.StartAsync([kind, ModelProviderKind.OpenAICompatible, ModelProviderKind.OpenAICompatible], [ModelFault.ContextLength, ModelFault.None, ModelFault.None]);
        fx.Options.Primary!.ContextWindow = 8192;
        fx.Options.Fallbacks[0].ContextWindow = 8192;
        fx.Options.Fallbacks[1].ContextWindow = 128_000;

        (string text, string? provider) = streaming ? await fx.StreamAsync() : Unpack(await fx.AskAsync());

        Assert.Equal(("answer from third", "third"), (text, provider));
        Assert.Equal([1, 0, 1], fx.Calls); // the second is no larger: not tried
        Assert.Equal(CircuitState.Closed, fx.Chain.GetCircuitState(0));
        fx.AssertNoSecretsLogged();
    }

    [Fact]
    public async Task A_context_length_error_with_no_larger_model_reports_each_skip()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.ContextLength, ModelFault.None, ModelFault.None);
        foreach (ModelProviderOptions p in fx.Options.Providers)
        {
            p.ContextWindow = 8192;
        }

        var error = await Assert.ThrowsAsync<ModelChainExhaustedException>(() => fx.AskAsync());

        Assert.Equal([ProviderFailureKind.ContextLengthExceeded, ProviderFailureKind.SkippedContextTooSmall, ProviderFailureKind.SkippedContextTooSmall], error.Failures.Select(f => f.Kind));
        Assert.Equal([1, 0, 0], fx.Calls);
    }

    [Fact]
    public async Task When_every_provider_fails_one_error_lists_each_failure()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.ServerError, ModelFault.Unauthorized, ModelFault.GarbageJson);
        fx.Options.MaxTransientRetries = 0;

        var error = await Assert.ThrowsAsync<ModelChainExhaustedException>(() => fx.AskAsync());

        Assert.Equal(["primary", "second", "third"], error.Failures.Select(f => f.Provider));
        Assert.Equal([ProviderFailureKind.ServerError, ProviderFailureKind.AuthenticationFailed, ProviderFailureKind.MalformedResponse], error.Failures.Select(f => f.Kind));
        Assert.Contains("primary (gpt-test): ServerError [HTTP 500]", error.Message, StringComparison.Ordinal);
        Assert.Contains("second (gpt-test): AuthenticationFailed [HTTP 401]", error.Message, StringComparison.Ordinal);
        Assert.Equal([1, 1, 1], fx.Calls);
        Assert.Contains(fx.Logs.Messages, m => m.Contains("no further provider", StringComparison.Ordinal));
        fx.AssertNoSecretsLogged(error.ToString());
    }

    [Fact]
    public async Task Rate_limited_providers_are_retried_after_the_chain_is_walked_honouring_retry_after()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.None, ModelFault.Unavailable, ModelFault.Unavailable);
        fx.Primary.Script = call => call == 0 ? ModelFault.RateLimited : ModelFault.None;
        fx.Primary.RetryAfter = TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();

        ChatResponse response = await fx.AskAsync();

        Assert.Equal("primary", response.GetAnsweringProvider());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"answered after {clock.Elapsed}: Retry-After was not honoured");
        Assert.Equal(2, fx.Primary.Calls);
        Assert.Equal(1, fx.Second.Calls); // failover came first: the waiting retry never delayed another provider
        Assert.Equal(1, fx.Third.Calls);
        fx.AssertNoSecretsLogged();
    }

    [Fact]
    public async Task Transient_retries_are_bounded_in_number()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.RateLimited, ModelFault.ServerError, ModelFault.Unavailable);
        fx.Options.MaxTransientRetries = 2;

        var error = await Assert.ThrowsAsync<ModelChainExhaustedException>(() => fx.AskAsync());

        Assert.Equal([3, 3, 3], fx.Calls);
        Assert.Equal(9, error.Failures.Count);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_bound_is_not_waited_for()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.RateLimited, ModelFault.RateLimited, ModelFault.RateLimited);
        foreach (FakeModelServer server in fx.Servers)
        {
            server.RetryAfter = TimeSpan.FromSeconds(120);
        }

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<ModelChainExhaustedException>(() => fx.AskAsync());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}: the 120 s Retry-After was waited for");
        Assert.Equal([1, 1, 1], fx.Calls);
        Assert.True(fx.Chain.Health(FirstEndpoint(fx)).OpenUntil > fx.Time.GetUtcNow() + TimeSpan.FromSeconds(100), "the circuit honours Retry-After");
    }

    [Fact]
    public async Task Retry_before_failover_retries_the_primary_first_when_configured()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.None, ModelFault.None, ModelFault.None);
        fx.Primary.Script = call => call == 0 ? ModelFault.Unavailable : ModelFault.None;
        fx.Options.RetryBeforeFailover = true;

        ChatResponse response = await fx.AskAsync();

        Assert.Equal("primary", response.GetAnsweringProvider());
        Assert.Equal([2, 0, 0], fx.Calls);
    }

    private static (string, string?) Unpack(ChatResponse response) => (response.Text, response.GetAnsweringProvider());

    private static Providers.ProviderEndpoint FirstEndpoint(ChainFixture fx) => (Providers.ProviderEndpoint)fx.Chain.GetProviderClient(0);
}
