using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Skills;

/// <summary>
/// A folder of skills: every <c>&lt;folder&gt;/SKILL.md</c> under it, at any depth up to eight folders (dot-folders such as
/// <c>.curated/</c> included, <c>.history/</c> and <c>.git/</c> not); the folders between the root and the skill are its category.
/// </summary>
/// <param name="Name">What to call it in summaries and messages, e.g. <c>project</c>, <c>user</c>, <c>fleet</c>.</param>
/// <param name="Path">The folder.</param>
public sealed record SkillRoot(string Name, string Path);

/// <summary>Where skills are, which wins when two roots define the same name, and when a skill is stale.</summary>
public sealed class SkillLibraryOptions
{
    /// <summary>
    /// The roots, highest precedence first: when two roots define the same skill name, the earlier root's skill is used
    /// and the later one is reported as shadowed. Typical order: project, user, fleet-shared.
    /// </summary>
    public IList<SkillRoot> Roots { get; } = [];

    /// <summary>The root new skills are created in; default the first.</summary>
    public string? WriteRoot { get; set; }

    /// <summary>Warn when a skill was last verified longer ago than this; null to skip. Default 90 days.</summary>
    public TimeSpan? StaleAfter { get; set; } = TimeSpan.FromDays(90);
}

/// <summary>Validates <see cref="SkillLibraryOptions"/>.</summary>
internal sealed class SkillLibraryOptionsValidator : IValidateOptions<SkillLibraryOptions>
{
    public ValidateOptionsResult Validate(string? name, SkillLibraryOptions options)
    {
        var problems = new List<string>();
        if (options.Roots.Count == 0)
        {
            problems.Add("Roots: add at least one skills folder (e.g. new SkillRoot(\"project\", \"skills\"))");
        }

        foreach (IGrouping<string, SkillRoot> duplicate in options.Roots.GroupBy(r => r.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"Roots: the name '{duplicate.Key}' is used {duplicate.Count()} times");
        }

        if (options.Roots.Any(r => string.IsNullOrWhiteSpace(r.Name) || string.IsNullOrWhiteSpace(r.Path)))
        {
            problems.Add("Roots: every root needs a name and a path");
        }

        if (options.WriteRoot is { } write && options.Roots.All(r => r.Name != write))
        {
            problems.Add($"WriteRoot: '{write}' is not one of the roots ({string.Join(", ", options.Roots.Select(r => r.Name))})");
        }

        if (options.StaleAfter <= TimeSpan.Zero)
        {
            problems.Add("StaleAfter: must be positive, or null to skip the check");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
