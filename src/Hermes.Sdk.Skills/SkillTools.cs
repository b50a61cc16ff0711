using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Skills;

/// <summary>
/// The library as Microsoft.Extensions.AI functions, so an agent can use its skills as tools:
/// <c>skills_list</c> → <c>skill_view</c> → <c>skill_file</c> (progressive loading), and <c>skill_create</c>,
/// <c>skill_patch</c>, <c>skill_verified</c> to keep procedural memory maintained. Failures come back as text the model
/// can act on (what is wrong, where, how to fix it), not as exceptions.
/// </summary>
public static class SkillTools
{
    /// <summary>The functions.</summary>
    /// <param name="library">The library.</param>
    /// <returns>Six functions, to put in <see cref="ChatOptions.Tools"/>.</returns>
    public static IReadOnlyList<AIFunction> Create(SkillLibrary library)
    {
        ArgumentNullException.ThrowIfNull(library);
        return
        [
            AIFunctionFactory.Create(
                async ([Description("Only skills of this category; omit for all.")] string? category = null, CancellationToken ct = default) =>
                    (await library.ListAsync(category, ct).ConfigureAwait(false)).Select(s => new SkillListing(s.Name, s.Description, s.Category)).ToList(),
                "skills_list",
                "List the skills you have (name, description, category). Read a skill with skill_view before following it."),
            AIFunctionFactory.Create(
                ([Description("The skill's name.")] string name, CancellationToken ct) => Guard(async () =>
                {
                    SkillReadResult result = await library.ViewAsync(name, ct).ConfigureAwait(false);
                    IReadOnlyList<string> files = await library.ListFilesAsync(name, ct).ConfigureAwait(false);
                    string problems = result.Diagnostics.Count == 0 ? string.Empty : "\n\nProblems:\n" + string.Join("\n", result.Diagnostics);
                    string text = await File.ReadAllTextAsync(result.Skill?.Path ?? string.Empty, ct).ConfigureAwait(false);
                    return text + (files.Count == 0 ? string.Empty : "\n\nFiles: " + string.Join(", ", files)) + problems;
                }),
                "skill_view",
                "Read a whole skill: its SKILL.md (Trigger, Steps, Pitfalls, Verification), the files it carries, and any problems."),
            AIFunctionFactory.Create(
                ([Description("The skill's name.")] string name, [Description("A path inside the skill, e.g. scripts/check.sh.")] string path, CancellationToken ct) =>
                    Guard(() => library.ReadFileAsync(name, path, ct)),
                "skill_file",
                "Read one file a skill carries (scripts/, references/, templates/, assets/)."),
            AIFunctionFactory.Create(
                (
                    [Description("Lower-case letters, digits and hyphens, 1-64 characters.")] string name,
                    [Description("What it does and when to use it, 1-1024 characters.")] string description,
                    [Description("When to use it.")] string trigger,
                    [Description("What to do, in order.")] string steps,
                    [Description("What goes wrong and how to avoid it.")] string pitfalls,
                    [Description("How to check it worked.")] string verification,
                    [Description("A category folder; optional.")] string? category = null,
                    CancellationToken ct = default) => Guard(async () =>
                    {
                        Skill skill = await library.CreateAsync(new SkillDraft { Name = name, Description = description, Trigger = trigger, Steps = steps, Pitfalls = pitfalls, Verification = verification, Category = category }, cancellationToken: ct).ConfigureAwait(false);
                        return $"created {skill.Name} at {skill.Path}";
                    }),
                "skill_create",
                "Save an approach that took real effort as a new skill, so you never solve it from scratch again."),
            AIFunctionFactory.Create(
                (
                    [Description("The skill's name.")] string name,
                    [Description("Text in SKILL.md to replace; it must appear exactly once.")] string oldText,
                    [Description("The replacement text.")] string newText,
                    CancellationToken ct) => Guard(async () =>
                    {
                        Skill skill = await library.PatchAsync(name, new SkillPatch { OldText = oldText, NewText = newText }, ct).ConfigureAwait(false);
                        return $"patched {skill.Name}; the previous version is kept in its .history folder";
                    }),
                "skill_patch",
                "Fix a skill you found outdated, immediately: unmaintained skills become liabilities."),
            AIFunctionFactory.Create(
                ([Description("The skill's name.")] string name, CancellationToken ct) => Guard(async () =>
                {
                    Skill skill = await library.MarkVerifiedAsync(name, cancellationToken: ct).ConfigureAwait(false);
                    return $"{skill.Name} verified on {skill.FrontMatter.LastVerified:yyyy-MM-dd}";
                }),
                "skill_verified",
                "Record that you followed a skill's Verification steps and they passed."),
        ];
    }

    private static async Task<string> Guard(Func<Task<string>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (SkillException ex)
        {
            return "error: " + ex.Message;
        }
    }

    /// <summary>One line of <c>skills_list</c>.</summary>
    /// <param name="Name">The name.</param>
    /// <param name="Description">The description.</param>
    /// <param name="Category">The category.</param>
    public sealed record SkillListing(string Name, string Description, string? Category);
}
