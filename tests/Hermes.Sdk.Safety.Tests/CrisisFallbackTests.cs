using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Hermes.Sdk.Safety.Tests;

/// <summary>When no model can answer a crisis turn, the chain says Safety's words for the seed's locale.</summary>
public sealed class CrisisFallbackTests
{
    [Theory]
    [InlineData("en-GB", "Samaritans", "116 123")]
    [InlineData("en-US", "988 Suicide & Crisis Lifeline", "988")]
    [InlineData("en-AU", "Lifeline", "13 11 14")]
    public void The_fallback_names_the_locale_line_first(string locale, string name, string number)
    {
        string message = CrisisFallback.MessageFor(locale);

        Assert.Contains($"{name}: {number}", message, StringComparison.Ordinal);
        Assert.True(message.IndexOf(number, StringComparison.Ordinal) < message.IndexOf("findahelpline", StringComparison.Ordinal), "the locale's own line comes before the directory");
        if (locale != "en-US")
        {
            Assert.DoesNotContain("988", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_locale_without_a_known_line_points_to_the_emergency_number_and_the_directory()
    {
        string message = CrisisFallback.MessageFor("pt-BR");
        Assert.Contains("local emergency number", message, StringComparison.Ordinal);
        Assert.Contains("findahelpline.com", message, StringComparison.Ordinal);
        Assert.DoesNotContain("988", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_UK_chain_registered_with_safety_answers_a_crisis_turn_with_Samaritans_when_every_model_fails()
    {
        await using FakeModelServer a = await FakeModelServer.StartAsync("a", ModelFault.Unavailable);
        await using FakeModelServer b = await FakeModelServer.StartAsync("b", ModelFault.Unavailable);
        await using FakeModelServer c = await FakeModelServer.StartAsync("c", ModelFault.Unavailable);
        using var soul = new TempDirectory();
        File.WriteAllText(soul.Combine("SOUL.md"), SoulTests.SoulText);
        SoulLock.Pin(Soul.Load(soul.Combine("SOUL.md")));

        var services = new ServiceCollection().AddLogging();
        services.AddHermesSafety(o =>
        {
            o.SoulPath = soul.Combine("SOUL.md");
            o.Locale = "en-GB";
        });
        services.AddHermesModelChain(o =>
        {
            o.MaxTransientRetries = 0;
            o.Primary = new() { Name = "a", Provider = ModelProviderKind.Vllm, Model = "m", BaseUrl = a.OpenAIBaseUrl };
            o.Fallbacks.Add(new() { Name = "b", Provider = ModelProviderKind.Vllm, Model = "m", BaseUrl = b.OpenAIBaseUrl });
            o.Fallbacks.Add(new() { Name = "c", Provider = ModelProviderKind.Vllm, Model = "m", BaseUrl = c.OpenAIBaseUrl });
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        ChatResponse response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("I want to end it all tonight.", new ChatOptions().MarkCrisis());

        Assert.Equal(ModelChain.CrisisFallbackProvider, response.GetAnsweringProvider());
        Assert.StartsWith(CrisisFallback.MessageFor("en-GB")[..40], response.Text, StringComparison.Ordinal);
        Assert.Contains("Samaritans: 116 123", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("988", response.Text, StringComparison.Ordinal);
    }
}
