using Hermes.Sdk.Core;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Models.Tests;

/// <summary>The seed's YAML: the blueprint's shape, the engine's aliases, and every error located by line and column.</summary>
public sealed class ConfigTests
{
    private const string Blueprint = """
        agent_name: timmy
        model:
          provider: anthropic
          model: claude-sonnet-4-5
          api_key_env: ANTHROPIC_API_KEY
        fallback_providers:
          - provider: openrouter
            model: nvidia/nemotron-3-super-120b-a12b:free
            api_key_env: OPENROUTER_API_KEY
          - provider: ollama
            model: llama3.1:8b
            context_window: 131072
        """;

    [Fact]
    public void Reads_the_blueprint_shape()
    {
        ModelChainOptions options = ModelChainConfig.Parse(Blueprint, "config.yaml");

        Assert.Equal(3, options.Providers.Count);
        Assert.Equal(ModelProviderKind.Anthropic, options.Primary!.Provider);
        Assert.Equal("claude-sonnet-4-5", options.Primary.Model);
        Assert.Equal("ANTHROPIC_API_KEY", options.Primary.ApiKeyEnvironmentVariable);
        Assert.Equal(PrivacyClass.Public, options.Fallbacks[0].EffectivePrivacy);
        Assert.Equal(new Uri("http://127.0.0.1:11434/v1"), options.Fallbacks[1].EffectiveBaseUrl);
        Assert.Equal(131072, options.Fallbacks[1].ContextWindow);
        Assert.Equal("config.yaml:3:3", options.Primary.Source);
        options.CrisisMessage = ChainFixture.CrisisMessage; // Safety's words; the YAML carries none
        Assert.Empty(ModelChainOptionsValidator.Validate(options));
    }

    [Fact]
    public void Accepts_the_engine_aliases()
    {
        ModelChainOptions options = ModelChainConfig.Parse("""
            model:
              provider: openrouter
              default: anthropic/claude-3.5-sonnet
              key_env: OPENROUTER_API_KEY
            fallback_providers:
              - provider: ollama
                default: qwen2.5:7b
              - provider: llama.cpp
                default: local
                base_url: http://127.0.0.1:8081/v1
            chain:
              return_to_primary: sticky
              request_timeout: 45s
              cooldown: 1m
              max_retries: 1
            """);

        Assert.Equal("anthropic/claude-3.5-sonnet", options.Primary!.Model);
        Assert.Equal("OPENROUTER_API_KEY", options.Primary.ApiKeyEnvironmentVariable);
        Assert.Equal(ModelProviderKind.LlamaCpp, options.Fallbacks[1].Provider);
        Assert.Equal(ReturnToPrimary.Sticky, options.ReturnToPrimary);
        Assert.Equal(TimeSpan.FromSeconds(45), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.CooldownInitial);
        Assert.Equal(1, options.MaxTransientRetries);
    }

    [Fact]
    public void The_legacy_single_fallback_model_is_read_and_the_short_chain_reported()
    {
        var error = Assert.Throws<ModelConfigException>(() => ModelChainConfig.Parse("""
            model:
              provider: ollama
              model: llama3.1:8b
            fallback_model:
              provider: ollama
              model: qwen2.5:7b
            """, "legacy.yaml"));

        SourceProblem problem = Assert.Single(error.Problems);
        Assert.Equal(("legacy.yaml", 4, 1, "model"), (problem.File, problem.Line, problem.Column, problem.Field));
        Assert.Contains("the chain is 2 deep; at least 3 are required", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""
        model:
          provider: ollama
          model: a
        fallback_providers:
          - provider: ollama
            model: b
        """, 4, 1, "fallback_providers", "the chain is 2 deep; at least 3 are required")]
    [InlineData("""
        model:
          provider: openrouter
          model: a
          api_key: sk-or-v1-0123456789abcdef
        fallback_providers:
          - { provider: ollama, model: b }
          - { provider: ollama, model: c }
        """, 4, 3, "model.api_key", "a literal API key is not allowed")]
    [InlineData("""
        model:
          provider: ollama
          model: a
        fallback_providers:
          - provider: ollama
            model: b
          - provider: olama
            model: c
        """, 7, 15, "fallback_providers[1].provider", "unknown provider 'olama'")]
    [InlineData("""
        model:
          provider: ollama
          model: a
          temperature: 0.2
        fallback_providers:
          - { provider: ollama, model: b }
          - { provider: ollama, model: c }
        """, 4, 3, "model.temperature", "unknown field 'temperature'")]
    [InlineData("""
        model:
          provider: openrouter
          model: a
        fallback_providers:
          - { provider: ollama, model: b }
          - { provider: ollama, model: c }
        """, 2, 3, "model.api_key_env", "required for openrouter")]
    [InlineData("""
        model:
          provider: ollama
          model: a
        fallback_providers:
          - { provider: ollama, model: b, timeout: soon }
          - { provider: ollama, model: c }
        """, 5, 44, "fallback_providers[0].timeout", "expected a duration")]
    [InlineData("""
        model:
          provider: ollama
          model: a
        fallback_providers:
          - { provider: ollama, model: b }
          - { provider: openai-compatible, model: c }
        chain:
          return_to_primary: always
        """, 8, 22, "chain.return_to_primary", "expected 'per_turn' or 'sticky'")]
    [InlineData("""
        model:
          provider: ollama
          model: [a
        """, 4, 1, "(syntax)", "")]
    [InlineData("""
        fallback_providers:
          - { provider: ollama, model: b }
        """, 1, 1, "model", "missing: the primary model is required")]
    public void Errors_name_the_file_line_column_and_field(string yaml, int line, int column, string field, string message)
    {
        var error = Assert.Throws<ModelConfigException>(() => ModelChainConfig.Parse(yaml, "seed/config.yaml"));

        Assert.Contains(error.Problems, p => p.File == "seed/config.yaml" && p.Line == line && p.Column == column && p.Field == field && p.Message.Contains(message, StringComparison.Ordinal));
        Assert.Contains($"seed/config.yaml:{line}:{column}: {field}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_pasted_into_api_key_env_is_refused_without_echoing_it()
    {
        const string pasted = "sk-ant-api03-SECRETVALUE-0123456789";
        var error = Assert.Throws<ModelConfigException>(() => ModelChainConfig.Parse($"""
            model:
              provider: anthropic
              model: a
              api_key_env: {pasted}
            fallback_providers:
              - {"{"} provider: ollama, model: b {"}"}
              - {"{"} provider: ollama, model: c {"}"}
            """));

        SourceProblem problem = Assert.Single(error.Problems);
        Assert.Equal((4, 16, "model.api_key_env"), (problem.Line, problem.Column, problem.Field));
        Assert.DoesNotContain("SECRETVALUE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_key_variables_are_reported_by_name_never_by_value()
    {
        ModelChainOptions options = ModelChainConfig.Parse(Blueprint, "config.yaml");

        IReadOnlyList<string> missing = ModelChainConfig.FindMissingApiKeys(options, v => v == "ANTHROPIC_API_KEY" ? "sk-ant-present-VALUE" : null);

        string only = Assert.Single(missing);
        Assert.Equal("openrouter/nvidia/nemotron-3-super-120b-a12b:free: the environment variable OPENROUTER_API_KEY is not set (named at config.yaml:7:5).", only);
        Assert.DoesNotContain("VALUE", only, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_names_the_file_in_every_problem()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("config.yaml");
        File.WriteAllText(path, "model:\n  provider: ollama\n  model: a\n");

        var error = Assert.Throws<ModelConfigException>(() => ModelChainConfig.Load(path));

        Assert.StartsWith($"{path}:1:1: model: the chain is 1 deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_built_in_code_are_validated_with_every_problem()
    {
        var options = new ModelChainOptions { Primary = new() { Provider = ModelProviderKind.Anthropic, Model = "m" }, FailureThreshold = 0 };
        options.Fallbacks.Add(new() { Provider = ModelProviderKind.OpenAICompatible, Model = "x" });

        var error = Assert.Throws<ArgumentException>(() => new Chain.ModelChain(options));

        Assert.Contains("the chain is 2 deep; at least 3 are required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Primary.ApiKeyEnvironmentVariable: required for Anthropic", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fallbacks[0].BaseUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("FailureThreshold", error.Message, StringComparison.Ordinal);
        Assert.Contains("CrisisMessage: not set", error.Message, StringComparison.Ordinal); // the words are Safety's; the chain will not start without them
    }

    [Fact]
    public void The_chain_read_from_yaml_carries_no_crisis_words_of_its_own()
    {
        ModelChainOptions options = ModelChainConfig.Parse(Blueprint, "config.yaml");

        Assert.Null(options.CrisisMessage);
    }
}
