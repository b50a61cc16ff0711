using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Models.Tests;

public sealed class PrivacyAndCrisisTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_sensitive_request_with_only_public_fallbacks_left_fails_rather_than_leaking(bool streaming)
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.Unavailable, ModelFault.None, ModelFault.None);
        fx.Options.Fallbacks[0].Privacy = PrivacyClass.Public;
        fx.Options.Fallbacks[1].Privacy = PrivacyClass.Public;
        fx.Options.MaxTransientRetries = 0;
        ChatOptions options = new ChatOptions().MarkSensitive();

        var error = await Assert.ThrowsAsync<ModelChainExhaustedException>(() => streaming ? fx.StreamAsync(options) : fx.AskAsync(options));

        Assert.Equal([1, 0, 0], fx.Calls);
        Assert.Equal([ProviderFailureKind.ServerError, ProviderFailureKind.SkippedNotPrivate, ProviderFailureKind.SkippedNotPrivate], error.Failures.Select(f => f.Kind));
        Assert.Contains("privacy class is public", error.Message, StringComparison.Ordinal);
        fx.AssertNoSecretsLogged(error.ToString());
    }

    [Fact]
    public async Task A_sensitive_request_skips_public_providers_but_reaches_a_private_one()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.Unavailable, ModelFault.None, ModelFault.None);
        fx.Options.Fallbacks[0].Privacy = PrivacyClass.Public;

        ChatResponse sensitive = await fx.AskAsync(new ChatOptions().MarkSensitive());
        Assert.Equal("third", sensitive.GetAnsweringProvider());
        Assert.Equal([1, 0, 1], fx.Calls);

        // An ordinary request may use the public provider.
        Assert.Equal("second", (await fx.AskAsync()).GetAnsweringProvider());
    }

    [Fact]
    public void OpenRouter_is_public_by_default_and_local_servers_private()
    {
        Assert.Equal(PrivacyClass.Public, new ModelProviderOptions { Provider = ModelProviderKind.OpenRouter }.EffectivePrivacy);
        Assert.Equal(PrivacyClass.Private, new ModelProviderOptions { Provider = ModelProviderKind.Ollama }.EffectivePrivacy);
        Assert.Equal(PrivacyClass.Private, new ModelProviderOptions { Provider = ModelProviderKind.OpenRouter, Privacy = PrivacyClass.Private }.EffectivePrivacy);
    }

    [Theory]
    [InlineData(ModelFault.Unavailable, false)]
    [InlineData(ModelFault.Unavailable, true)]
    [InlineData(ModelFault.Refusal, false)]
    [InlineData(ModelFault.BadRequest, true)]
    public async Task On_a_crisis_turn_the_chain_never_goes_deaf(ModelFault fault, bool streaming)
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(fault, fault, fault);
        fx.Options.MaxTransientRetries = 0;
        ChatOptions options = new ChatOptions().MarkCrisis();

        (string text, string? provider) = streaming
            ? await fx.StreamAsync(options)
            : (await fx.AskAsync(options) is var r ? (r.Text, r.GetAnsweringProvider()) : default);

        Assert.Equal(ModelChain.CrisisFallbackProvider, provider);
        Assert.Equal(ChainFixture.CrisisMessage, text);
        Assert.Contains(fx.Logs.Messages, m => m.Contains("crisis", StringComparison.OrdinalIgnoreCase));
        fx.AssertNoSecretsLogged();
    }

    [Fact]
    public async Task A_crisis_stream_that_breaks_mid_answer_ends_with_the_crisis_message_instead_of_an_error()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.DropMidStream, ModelFault.None, ModelFault.None);
        var text = new System.Text.StringBuilder();

        await foreach (ChatResponseUpdate update in fx.Chain.GetStreamingResponseAsync(ChainFixture.Conversation(), new ChatOptions().MarkCrisis()))
        {
            text.Append(update.Text);
        }

        Assert.StartsWith("answer from", text.ToString(), StringComparison.Ordinal);
        Assert.Contains(ChainFixture.CrisisMessage, text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crisis_turn_is_answered_by_a_model_when_one_can()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.Unavailable, ModelFault.None, ModelFault.None);

        ChatResponse response = await fx.AskAsync(new ChatOptions().MarkCrisis());

        Assert.Equal("second", response.GetAnsweringProvider());
    }
}
