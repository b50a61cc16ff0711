using Hermes.Sdk.Models.Configuration;

namespace Hermes.Sdk.Safety;

/// <summary>
/// Which family a model belongs to — who trained it — read from its provider and name: a judge should come from
/// another family than the model it grades, so the two do not share blind spots.
/// </summary>
public static class ModelFamily
{
    private static readonly (string Marker, string Family)[] Markers =
    [
        ("claude", "anthropic"), ("gpt", "openai"), ("o1-", "openai"), ("o3", "openai"), ("o4", "openai"), ("chatgpt", "openai"),
        ("llama", "meta"), ("nemotron", "nvidia"), ("qwen", "alibaba"), ("qwq", "alibaba"), ("mistral", "mistral"), ("mixtral", "mistral"),
        ("codestral", "mistral"), ("ministral", "mistral"), ("gemma", "google"), ("gemini", "google"), ("deepseek", "deepseek"),
        ("phi", "microsoft"), ("command", "cohere"), ("grok", "xai"), ("kimi", "moonshot"), ("glm", "zhipu"), ("granite", "ibm"),
        ("olmo", "ai2"), ("hermes", "nous"), ("yi-", "01ai"), ("falcon", "tii"),
    ];

    /// <summary>The family of a configured model (for example <c>anthropic</c>, <c>meta</c>, <c>nvidia</c>).</summary>
    /// <param name="provider">The provider and model.</param>
    /// <returns>The family's name.</returns>
    public static string Of(ModelProviderOptions provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        string model = provider.Model.ToLowerInvariant();
        string name = model.Contains('/', StringComparison.Ordinal) ? model[(model.LastIndexOf('/') + 1)..] : model;
        foreach ((string marker, string family) in Markers)
        {
            if (name.StartsWith(marker, StringComparison.Ordinal) || name.Contains("-" + marker, StringComparison.Ordinal) || model.Contains(marker, StringComparison.Ordinal))
            {
                return family;
            }
        }

        return provider.Provider switch
        {
            ModelProviderKind.Anthropic => "anthropic",
            ModelProviderKind.OpenAI => "openai",
            _ => name.Split('-', ':', '.')[0],
        };
    }

    /// <summary>
    /// For each model of the chain, the first other model of another family to judge its replies, or why there is none.
    /// </summary>
    /// <param name="providers">The chain's models, in order.</param>
    /// <returns>Per model, the index of its judge (or -1) and, when -1, the reason.</returns>
    public static IReadOnlyList<(int Judge, string? Reason)> ChooseJudges(IReadOnlyList<ModelProviderOptions> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        string[] families = [.. providers.Select(Of)];
        return [.. providers.Select((_, i) =>
        {
            int judge = Enumerable.Range(0, providers.Count).FirstOrDefault(j => j != i && families[j] != families[i], -1);
            return (judge, judge < 0 ? $"every other model of the chain is of the same family ({families[i]})" : null);
        })];
    }
}
