using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Models.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddHermesModelChain_reads_the_yaml_and_serves_the_chain_as_the_IChatClient()
    {
        await using FakeModelServer first = await FakeModelServer.StartAsync("primary", ModelFault.Unavailable);
        await using FakeModelServer second = await FakeModelServer.StartAsync("second");
        using var temp = new TempDirectory();
        string path = temp.Combine("config.yaml");
        File.WriteAllText(path, $"""
            model:
              name: primary
              provider: openai-compatible
              model: m1
              base_url: {first.OpenAIBaseUrl}
            fallback_providers:
              - name: second
                provider: vllm
                model: m2
                base_url: {second.OpenAIBaseUrl}
              - name: third
                provider: ollama
                model: m3
                base_url: http://127.0.0.1:9/v1
            """);
        var services = new ServiceCollection().AddLogging();
        services.AddHermesModelChain(path).Configure(o => o.CrisisMessage = ChainFixture.CrisisMessage);
        await using ServiceProvider provider = services.BuildServiceProvider();

        IChatClient client = provider.GetRequiredService<IChatClient>();
        ChatResponse response = await client.GetResponseAsync("hello");

        Assert.Same(provider.GetRequiredService<ModelChain>(), client);
        Assert.Equal("second", response.GetAnsweringProvider());
        Assert.Equal("hermes-model-chain", client.GetService<ChatClientMetadata>()!.ProviderName);
    }

    [Fact]
    public void A_short_chain_fails_validation_at_start_up()
    {
        var services = new ServiceCollection();
        services.AddHermesModelChain(o =>
        {
            o.Primary = new() { Provider = Configuration.ModelProviderKind.Ollama, Model = "a" };
            o.Fallbacks.Add(new() { Provider = Configuration.ModelProviderKind.Ollama, Model = "b", Name = "b" });
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<Configuration.ModelChainOptions>>().Value);

        Assert.Contains("the chain is 2 deep", error.Message, StringComparison.Ordinal);
    }
}
