using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Models.Tests;

/// <summary>Once output reached the caller, a break is a typed error naming the provider — never a silent splice or a fake success.</summary>
public sealed class StreamingTests
{
    [Theory]
    [InlineData(ModelProviderKind.OpenAICompatible, ModelFault.DropMidStream, ProviderFailureKind.Unreachable)]
    [InlineData(ModelProviderKind.OpenAICompatible, ModelFault.CutBeforeFinish, ProviderFailureKind.Truncated)]
    [InlineData(ModelProviderKind.Anthropic, ModelFault.DropMidStream, ProviderFailureKind.Unreachable)]
    [InlineData(ModelProviderKind.Anthropic, ModelFault.CutBeforeFinish, ProviderFailureKind.Truncated)]
    [InlineData(ModelProviderKind.OpenAICompatible, ModelFault.ProviderErrorIn200, ProviderFailureKind.ServerError)] // OpenRouter: an error event with finish_reason "error", keep-alive comments around it
    public async Task A_stream_that_breaks_after_output_surfaces_which_provider_broke(ModelProviderKind kind, ModelFault fault, ProviderFailureKind expected)
    {
        await using ChainFixture fx = await ChainFixture.StartAsync([kind, ModelProviderKind.OpenAICompatible, ModelProviderKind.OpenAICompatible], [fault, ModelFault.None, ModelFault.None]);
        var received = new System.Text.StringBuilder();

        var error = await Assert.ThrowsAsync<ModelStreamInterruptedException>(async () =>
        {
            await foreach (ChatResponseUpdate update in fx.Chain.GetStreamingResponseAsync(ChainFixture.Conversation()))
            {
                Assert.Equal("primary", update.GetAnsweringProvider());
                received.Append(update.Text);
            }
        });

        Assert.Equal("primary", error.Failure.Provider);
        Assert.Equal(expected, error.Failure.Kind);
        Assert.True(received.ToString().StartsWith("answer from", StringComparison.Ordinal) || received.ToString().StartsWith("Partial answer", StringComparison.Ordinal), received.ToString());
        Assert.Contains("primary", error.Message, StringComparison.Ordinal);
        Assert.Equal([1, 0, 0], fx.Calls); // no second model spliced onto half an answer
        Assert.Equal(CircuitState.Open, fx.Chain.GetCircuitState(0));
        Assert.Contains(fx.Logs.Messages, m => m.Contains("output had already been streamed", StringComparison.Ordinal));
        fx.AssertNoSecretsLogged(error.ToString());
    }

    [Theory]
    [InlineData(ModelProviderKind.OpenAICompatible)]
    [InlineData(ModelProviderKind.Anthropic)]
    public async Task A_healthy_stream_arrives_in_pieces_with_a_finish_reason(ModelProviderKind kind)
    {
        await using ChainFixture fx = await ChainFixture.StartAsync([kind, ModelProviderKind.OpenAICompatible, ModelProviderKind.OpenAICompatible], [ModelFault.None, ModelFault.None, ModelFault.None]);
        var updates = new List<ChatResponseUpdate>();

        await foreach (ChatResponseUpdate update in fx.Chain.GetStreamingResponseAsync(ChainFixture.Conversation()))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count(u => u.Text.Length > 0) >= 3, "streamed in pieces, not buffered");
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.Stop);
        Assert.Equal("answer from primary", string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates, u => Assert.Equal("primary", u.GetAnsweringProvider()));
        Assert.True(fx.Primary.Requests.Single().Streaming);
        Assert.Equal(kind == ModelProviderKind.Anthropic ? "/v1/messages" : "/v1/chat/completions", fx.Primary.Requests.Single().Path);
    }

    [Fact]
    public async Task Cancelling_a_stream_is_not_a_provider_failure()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.Hang, ModelFault.None, ModelFault.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (ChatResponseUpdate update in fx.Chain.GetStreamingResponseAsync(ChainFixture.Conversation(), cancellationToken: cts.Token))
            {
            }
        });

        Assert.Equal([1, 0, 0], fx.Calls);
        Assert.Equal(CircuitState.Closed, fx.Chain.GetCircuitState(0));
    }
}
