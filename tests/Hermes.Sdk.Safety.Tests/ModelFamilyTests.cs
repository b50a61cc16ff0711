using Hermes.Sdk.Models.Configuration;

namespace Hermes.Sdk.Safety.Tests;

/// <summary>A judge comes from another model family than the model it grades.</summary>
public sealed class ModelFamilyTests
{
    [Theory]
    [InlineData(ModelProviderKind.Anthropic, "claude-sonnet-4-5", "anthropic")]
    [InlineData(ModelProviderKind.OpenRouter, "nvidia/nemotron-3-super-120b-a12b:free", "nvidia")]
    [InlineData(ModelProviderKind.OpenRouter, "meta-llama/llama-3.3-70b-instruct", "meta")]
    [InlineData(ModelProviderKind.Ollama, "llama3.1:8b", "meta")]
    [InlineData(ModelProviderKind.Ollama, "qwen2.5:14b", "alibaba")]
    [InlineData(ModelProviderKind.OpenAI, "gpt-4.1-mini", "openai")]
    [InlineData(ModelProviderKind.OpenRouter, "anthropic/claude-3.5-haiku", "anthropic")]
    [InlineData(ModelProviderKind.Vllm, "mistralai/Mistral-7B-Instruct-v0.3", "mistral")]
    public void A_model_belongs_to_the_family_that_trained_it(ModelProviderKind kind, string model, string family) =>
        Assert.Equal(family, ModelFamily.Of(new ModelProviderOptions { Provider = kind, Model = model }));

    [Fact]
    public void Each_model_is_judged_by_the_first_model_of_another_family_or_the_report_says_why_not()
    {
        ModelProviderOptions[] chain =
        [
            new() { Provider = ModelProviderKind.Anthropic, Model = "claude-sonnet-4-5" },
            new() { Provider = ModelProviderKind.OpenRouter, Model = "anthropic/claude-3.5-haiku" },
            new() { Provider = ModelProviderKind.Ollama, Model = "llama3.1:8b" },
        ];

        IReadOnlyList<(int Judge, string? Reason)> judges = ModelFamily.ChooseJudges(chain);

        Assert.Equal([(2, (string?)null), (2, null), (0, null)], judges);

        (int judge, string? reason) = Assert.Single(ModelFamily.ChooseJudges([chain[0], chain[1]]).Distinct());
        Assert.Equal(-1, judge);
        Assert.Equal("every other model of the chain is of the same family (anthropic)", reason);
    }
}
