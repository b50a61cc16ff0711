using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Models.Chain;

/// <summary>Which provider answered, and request markers the chain honours.</summary>
public static class ModelChainChatExtensions
{
    /// <summary>The <see cref="AdditionalPropertiesDictionary"/> key holding the answering provider's display name.</summary>
    public const string ProviderKey = "hermes.provider";

    /// <summary>The key holding the answering provider's model id.</summary>
    public const string ProviderModelKey = "hermes.model";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key marking a request sensitive (private providers only).</summary>
    public const string SensitiveKey = "hermes.sensitive";

    /// <summary>The key marking a crisis turn (the chain answers even when every model fails).</summary>
    public const string CrisisKey = "hermes.crisis";

    /// <summary>The provider that produced this response (for example <c>openrouter/…:free</c>), or null.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The provider's display name.</returns>
    public static string? GetAnsweringProvider(this ChatResponse response) =>
        response?.AdditionalProperties?.TryGetValue(ProviderKey, out object? value) == true ? value as string : null;

    /// <summary>The provider that produced this update, or null.</summary>
    /// <param name="update">The streaming update.</param>
    /// <returns>The provider's display name.</returns>
    public static string? GetAnsweringProvider(this ChatResponseUpdate update) =>
        update?.AdditionalProperties?.TryGetValue(ProviderKey, out object? value) == true ? value as string : null;

    /// <summary>Marks the request sensitive: it is never sent to a provider whose privacy class is public, even on failover.</summary>
    /// <param name="options">The options (created when null).</param>
    /// <returns>The options.</returns>
    public static ChatOptions MarkSensitive(this ChatOptions? options) => Set(options, SensitiveKey);

    /// <summary>Marks the turn as a crisis: if every model fails, the chain answers with a fixed crisis message instead of an error.</summary>
    /// <param name="options">The options (created when null).</param>
    /// <returns>The options.</returns>
    public static ChatOptions MarkCrisis(this ChatOptions? options) => Set(options, CrisisKey);

    /// <summary>Whether the request is marked sensitive.</summary>
    /// <param name="options">The options.</param>
    /// <returns><see langword="true"/> when marked.</returns>
    public static bool IsSensitive(this ChatOptions? options) => IsSet(options, SensitiveKey);

    /// <summary>Whether the turn is marked as a crisis.</summary>
    /// <param name="options">The options.</param>
    /// <returns><see langword="true"/> when marked.</returns>
    public static bool IsCrisis(this ChatOptions? options) => IsSet(options, CrisisKey);

    private static ChatOptions Set(ChatOptions? options, string key)
    {
        options ??= new ChatOptions();
        (options.AdditionalProperties ??= [])[key] = true;
        return options;
    }

    private static bool IsSet(ChatOptions? options, string key) =>
        options?.AdditionalProperties?.TryGetValue(key, out object? value) == true && value is true;
}
