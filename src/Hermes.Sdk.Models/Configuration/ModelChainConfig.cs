using System.Globalization;
using System.Text.RegularExpressions;
using Hermes.Sdk.Core;
using Hermes.Sdk.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hermes.Sdk.Models.Configuration;

/// <summary>The model chain configuration is invalid; <see cref="SourceProblemException.Problems"/> lists every problem found.</summary>
public sealed class ModelConfigException : SourceProblemException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problems">The problems (at least one).</param>
    public ModelConfigException(IReadOnlyList<SourceProblem> problems)
        : base("the model configuration", problems)
    {
    }
}

/// <summary>
/// Reads the seed's model chain from YAML (the blueprint's shape):
/// <code>
/// model:
///   provider: anthropic
///   model: claude-sonnet-4-5          # alias: default
///   api_key_env: ANTHROPIC_API_KEY    # alias: key_env — the variable's NAME, never the key
/// fallback_providers:
///   - provider: openrouter
///     model: nvidia/nemotron-3-super-120b-a12b:free
///     api_key_env: OPENROUTER_API_KEY
///     privacy: public
///   - provider: ollama
///     model: llama3.1:8b
/// chain:                              # optional
///   return_to_primary: per_turn       # or sticky
/// </code>
/// Other top-level keys (the rest of a seed's config.yaml) are ignored. Every problem is reported with its file,
/// line, column and field; a literal API key is refused.
/// </summary>
public static partial class ModelChainConfig
{
    private static readonly string[] ProviderFields = ["provider", "model", "default", "name", "base_url", "api_key_env", "key_env", "privacy", "context_window", "max_output_tokens", "timeout"];
    private static readonly string[] LiteralKeyFields = ["api_key", "apikey", "key", "token", "secret", "password"];
    private static readonly string[] ChainFields = ["return_to_primary", "request_timeout", "failure_threshold", "cooldown", "cooldown_max", "max_retries", "max_retry_delay", "retry_before_failover"];

    /// <summary>Loads and validates the chain from a YAML file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ModelConfigException">The file is invalid; every problem is listed.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static ModelChainOptions Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The model configuration '{full}' does not exist.", full);
        }

        return Parse(File.ReadAllText(full), full);
    }

    /// <summary>Parses and validates the chain from YAML text.</summary>
    /// <param name="yaml">The YAML.</param>
    /// <param name="sourceName">The name used in messages (a file path).</param>
    /// <returns>The options.</returns>
    /// <exception cref="ModelConfigException">The text is invalid; every problem is listed.</exception>
    public static ModelChainOptions Parse(string yaml, string sourceName = "config.yaml")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var reader = new Reader(new YamlSourceReader(sourceName));
        ModelChainOptions options = reader.Read(yaml);
        return reader.Yaml.Problems.Count == 0 ? options : throw new ModelConfigException(reader.Yaml.Problems);
    }

    /// <summary>
    /// Checks that every API key variable the chain names is set, reporting each missing one by name (never a value).
    /// </summary>
    /// <param name="options">The chain.</param>
    /// <param name="environment">Reads a variable (default: the process environment).</param>
    /// <returns>The problems; empty when every key is present.</returns>
    public static IReadOnlyList<string> FindMissingApiKeys(ModelChainOptions options, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        environment ??= Environment.GetEnvironmentVariable;
        var missing = new List<string>();
        foreach (ModelProviderOptions p in options.Providers)
        {
            if (p.ApiKeyEnvironmentVariable is { } variable && string.IsNullOrEmpty(environment(variable)))
            {
                missing.Add($"{p.DisplayName}: the environment variable {variable} is not set{(p.Source is null ? string.Empty : $" (named at {p.Source})")}.");
            }
        }

        return missing;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentVariableName();

    private sealed class Reader(YamlSourceReader yaml)
    {
        public YamlSourceReader Yaml => yaml;

        public ModelChainOptions Read(string text)
        {
            var options = new ModelChainOptions();
            if (yaml.LoadMapping(text, "a mapping with 'model:' and 'fallback_providers:'") is not { } root)
            {
                return options;
            }

            YamlNode? modelNode = Get(root, "model", out YamlScalarNode? modelKey);
            if (modelNode is null)
            {
                Add(root, "model", "missing: the primary model is required ('model:' with provider, model and api_key_env)");
            }
            else
            {
                options.Primary = ReadProvider(modelNode, "model");
            }

            YamlNode? fallbacks = Get(root, "fallback_providers", out YamlScalarNode? fallbacksKey);
            YamlNode? legacy = Get(root, "fallback_model", out YamlScalarNode? legacyKey);
            if (fallbacks is YamlSequenceNode sequence)
            {
                for (int i = 0; i < sequence.Children.Count; i++)
                {
                    if (ReadProvider(sequence.Children[i], $"fallback_providers[{i}]") is { } p)
                    {
                        options.Fallbacks.Add(p);
                    }
                }
            }
            else if (fallbacks is not null && !IsNull(fallbacks))
            {
                Add(fallbacks, "fallback_providers", "expected a list of providers ('- provider: …')");
            }

            if (legacy is not null)
            {
                if (fallbacks is not null)
                {
                    Add(legacyKey!, "fallback_model", "the legacy single 'fallback_model' cannot be combined with 'fallback_providers'; move it into the list");
                }
                else if (ReadProvider(legacy, "fallback_model") is { } p)
                {
                    options.Fallbacks.Add(p);
                }
            }

            if (Get(root, "chain", out _) is { } chain)
            {
                ReadChain(chain, options);
            }

            int depth = options.Providers.Count;
            if (modelNode is not null && depth < ModelChainOptions.MinimumDepth)
            {
                YamlNode at = (YamlNode?)fallbacksKey ?? legacyKey ?? (YamlNode?)modelKey ?? root;
                Add(at, fallbacksKey is not null ? "fallback_providers" : "model", $"the chain is {depth} deep; at least {ModelChainOptions.MinimumDepth} are required (add fallback_providers so the agent never goes deaf)");
            }

            return options;
        }

        private ModelProviderOptions? ReadProvider(YamlNode node, string path)
        {
            if (node is not YamlMappingNode map)
            {
                Add(node, path, "expected a mapping with provider, model and api_key_env");
                return null;
            }

            (int line, int column) = yaml.PositionOf(node);
            var p = new ModelProviderOptions { Source = $"{yaml.File}:{line}:{column}" };
            foreach ((string key, YamlNode keyNode, YamlNode value) in YamlSourceReader.Entries(map))
            {
                string field = $"{path}.{key}";
                if (LiteralKeyFields.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    Add(keyNode, field, "a literal API key is not allowed in the configuration: put the key in an environment variable and name it with 'api_key_env' (for example api_key_env: OPENROUTER_API_KEY)");
                    continue;
                }

                if (!ProviderFields.Contains(key, StringComparer.Ordinal))
                {
                    Add(keyNode, field, $"unknown field '{key}' (expected one of: {string.Join(", ", ProviderFields)})");
                    continue;
                }

                string? text = Scalar(value, field);
                if (text is null)
                {
                    continue;
                }

                switch (key)
                {
                    case "provider":
                        if (ParseProvider(text) is { } kind)
                        {
                            p.Provider = kind;
                        }
                        else
                        {
                            Add(value, field, $"unknown provider '{text}' (expected one of: anthropic, openai, openrouter, ollama, llamacpp, vllm, openai-compatible)");
                        }

                        break;
                    case "model" or "default":
                        if (p.Model.Length > 0)
                        {
                            Add(keyNode, field, "the model is given twice ('model' and its alias 'default'); keep one");
                        }

                        p.Model = text;
                        break;
                    case "name":
                        p.Name = text;
                        break;
                    case "base_url":
                        if (Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                        {
                            p.BaseUrl = uri;
                        }
                        else
                        {
                            Add(value, field, "expected an absolute http(s) URL, for example https://openrouter.ai/api/v1");
                        }

                        break;
                    case "api_key_env" or "key_env":
                        if (p.ApiKeyEnvironmentVariable is not null)
                        {
                            Add(keyNode, field, "the key variable is given twice ('api_key_env' and its alias 'key_env'); keep one");
                        }

                        if (EnvironmentVariableName().IsMatch(text) && text.Length <= 128)
                        {
                            p.ApiKeyEnvironmentVariable = text;
                        }
                        else
                        {
                            // Never echo the value: it may be a pasted key.
                            Add(value, field, "must be the NAME of an environment variable (letters, digits and '_', for example OPENROUTER_API_KEY); this value is not one — if it is a key, move it into an environment variable");
                        }

                        break;
                    case "privacy":
                        if (text.Equals("private", StringComparison.OrdinalIgnoreCase))
                        {
                            p.Privacy = PrivacyClass.Private;
                        }
                        else if (text.Equals("public", StringComparison.OrdinalIgnoreCase))
                        {
                            p.Privacy = PrivacyClass.Public;
                        }
                        else
                        {
                            Add(value, field, $"expected 'private' or 'public', got '{text}'");
                        }

                        break;
                    case "context_window" or "max_output_tokens":
                        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int tokens) && tokens > 0)
                        {
                            if (key == "context_window")
                            {
                                p.ContextWindow = tokens;
                            }
                            else
                            {
                                p.MaxOutputTokens = tokens;
                            }
                        }
                        else
                        {
                            Add(value, field, $"expected a positive number of tokens, got '{text}'");
                        }

                        break;
                    case "timeout":
                        if (YamlSourceReader.TryParseDuration(text, out TimeSpan timeout) && timeout > TimeSpan.Zero)
                        {
                            p.Timeout = timeout;
                        }
                        else
                        {
                            Add(value, field, $"expected a duration such as 30s, 500ms or 2m, got '{text}'");
                        }

                        break;
                }
            }

            if (Get(map, "provider", out _) is null)
            {
                Add(map, $"{path}.provider", "missing (anthropic, openai, openrouter, ollama, llamacpp, vllm or openai-compatible)");
            }

            if (p.Model.Length == 0)
            {
                Add(map, $"{path}.model", "missing: name the model (or use the alias 'default')");
            }

            if (p.Provider == ModelProviderKind.OpenAICompatible && p.BaseUrl is null && Get(map, "provider", out _) is not null)
            {
                Add(map, $"{path}.base_url", "required for an openai-compatible provider");
            }

            if (p.RequiresApiKey && p.ApiKeyEnvironmentVariable is null && Get(map, "provider", out _) is not null
                && Get(map, "api_key_env", out _) is null && Get(map, "key_env", out _) is null)
            {
                Add(map, $"{path}.api_key_env", $"required for {p.Provider.ToString().ToLowerInvariant()}: name the environment variable that holds the key");
            }

            return p;
        }

        private void ReadChain(YamlNode node, ModelChainOptions options)
        {
            if (node is not YamlMappingNode map)
            {
                Add(node, "chain", "expected a mapping");
                return;
            }

            foreach ((string key, YamlNode keyNode, YamlNode value) in YamlSourceReader.Entries(map))
            {
                string field = $"chain.{key}";
                if (!ChainFields.Contains(key, StringComparer.Ordinal))
                {
                    Add(keyNode, field, $"unknown field '{key}' (expected one of: {string.Join(", ", ChainFields)})");
                    continue;
                }

                if (Scalar(value, field) is not { } text)
                {
                    continue;
                }

                switch (key)
                {
                    case "return_to_primary":
                        if (text is "per_turn" or "per-turn")
                        {
                            options.ReturnToPrimary = ReturnToPrimary.PerTurn;
                        }
                        else if (text == "sticky")
                        {
                            options.ReturnToPrimary = ReturnToPrimary.Sticky;
                        }
                        else
                        {
                            Add(value, field, $"expected 'per_turn' or 'sticky', got '{text}'");
                        }

                        break;
                    case "request_timeout" or "cooldown" or "cooldown_max" or "max_retry_delay":
                        if (!YamlSourceReader.TryParseDuration(text, out TimeSpan duration) || (key != "max_retry_delay" && duration <= TimeSpan.Zero))
                        {
                            Add(value, field, $"expected a duration such as 30s, 500ms or 2m, got '{text}'");
                        }
                        else if (key == "request_timeout")
                        {
                            options.RequestTimeout = duration;
                        }
                        else if (key == "cooldown")
                        {
                            options.CooldownInitial = duration;
                        }
                        else if (key == "cooldown_max")
                        {
                            options.CooldownMax = duration;
                        }
                        else
                        {
                            options.MaxRetryDelay = duration;
                        }

                        break;
                    case "failure_threshold" or "max_retries":
                        int min = key == "failure_threshold" ? 1 : 0;
                        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min && n <= 100)
                        {
                            if (key == "failure_threshold")
                            {
                                options.FailureThreshold = n;
                            }
                            else
                            {
                                options.MaxTransientRetries = n;
                            }
                        }
                        else
                        {
                            Add(value, field, $"expected a whole number from {min} to 100, got '{text}'");
                        }

                        break;
                    case "retry_before_failover":
                        if (bool.TryParse(text, out bool flag))
                        {
                            options.RetryBeforeFailover = flag;
                        }
                        else
                        {
                            Add(value, field, $"expected true or false, got '{text}'");
                        }

                        break;
                }
            }
        }

        private string? Scalar(YamlNode node, string field) => yaml.Scalar(node, field);

        private static bool IsNull(YamlNode node) => YamlSourceReader.IsNull(node);

        private static YamlNode? Get(YamlMappingNode map, string key, out YamlScalarNode? keyNode) => YamlSourceReader.Get(map, key, out keyNode);

        private static ModelProviderKind? ParseProvider(string text) => text.ToLowerInvariant() switch
        {
            "anthropic" => ModelProviderKind.Anthropic,
            "openai" => ModelProviderKind.OpenAI,
            "openrouter" => ModelProviderKind.OpenRouter,
            "ollama" => ModelProviderKind.Ollama,
            "llamacpp" or "llama.cpp" or "llama-cpp" => ModelProviderKind.LlamaCpp,
            "vllm" => ModelProviderKind.Vllm,
            "openai-compatible" or "openai_compatible" or "custom" => ModelProviderKind.OpenAICompatible,
            _ => null,
        };

        private void Add(YamlNode at, string field, string message) => yaml.Add(at, field, message);
    }
}
