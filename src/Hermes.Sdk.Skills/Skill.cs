using System.Globalization;

namespace Hermes.Sdk.Skills;

/// <summary>
/// A skill's front matter in the open Agent Skills format: <c>name</c> and <c>description</c> required;
/// <c>license</c>, <c>compatibility</c>, <c>metadata</c> and <c>allowed-tools</c> optional.
/// </summary>
public sealed record SkillFrontMatter
{
    /// <summary>1–64 lower-case letters, digits and single hyphens; equal to the skill's folder name.</summary>
    public required string Name { get; init; }

    /// <summary>What the skill does and when to use it (1–1024 characters): what an agent sees when choosing skills.</summary>
    public required string Description { get; init; }

    /// <summary>Its license.</summary>
    public string? License { get; init; }

    /// <summary>Environment requirements (at most 500 characters).</summary>
    public string? Compatibility { get; init; }

    /// <summary>Free string key/values; Hermes keeps <c>last-verified</c> (an ISO date) here.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Pre-approved tools, space-separated in the file.</summary>
    public IReadOnlyList<string> AllowedTools { get; init; } = [];

    /// <summary>When the Verification steps last passed (<c>metadata.last-verified</c>).</summary>
    public DateOnly? LastVerified =>
        Metadata.TryGetValue(LastVerifiedKey, out string? text) && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date) ? date : null;

    /// <summary>The metadata key of <see cref="LastVerified"/>.</summary>
    public const string LastVerifiedKey = "last-verified";
}

/// <summary>A <c>## </c> section of a skill's body.</summary>
/// <param name="Title">Its heading text.</param>
/// <param name="Content">Its markdown, without the heading, trimmed.</param>
/// <param name="Line">The heading's 1-based line in the file.</param>
public sealed record SkillSection(string Title, string Content, int Line);

/// <summary>The summary an agent lists first: name, description, where — never the body.</summary>
/// <param name="Name">The name.</param>
/// <param name="Description">The description.</param>
/// <param name="Category">The category folder, when the skill is in one (<c>skills/&lt;category&gt;/&lt;name&gt;</c>).</param>
/// <param name="Root">The root it was found in.</param>
/// <param name="Path">Its <c>SKILL.md</c>.</param>
public sealed record SkillSummary(string Name, string Description, string? Category, string Root, string Path);

/// <summary>A whole skill: front matter, body and sections, and its folder.</summary>
/// <param name="Path">Its <c>SKILL.md</c>.</param>
/// <param name="FrontMatter">The front matter.</param>
/// <param name="Body">The markdown after the front matter.</param>
/// <param name="Sections">Every <c>## </c> section, in order.</param>
public sealed record Skill(string Path, SkillFrontMatter FrontMatter, string Body, IReadOnlyList<SkillSection> Sections)
{
    /// <summary>The four sections the blueprint asks of every skill.</summary>
    public static IReadOnlyList<string> RequiredSections { get; } = ["Trigger", "Steps", "Pitfalls", "Verification"];

    /// <summary>The skill's name.</summary>
    public string Name => FrontMatter.Name;

    /// <summary>The skill's folder (which may also hold <c>scripts/</c>, <c>references/</c>, <c>templates/</c>, <c>assets/</c>).</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path) ?? ".";

    /// <summary>When to use it.</summary>
    public string? Trigger => Section("Trigger");

    /// <summary>What to do.</summary>
    public string? Steps => Section("Steps");

    /// <summary>What goes wrong.</summary>
    public string? Pitfalls => Section("Pitfalls");

    /// <summary>How to know it worked.</summary>
    public string? Verification => Section("Verification");

    /// <summary>A section's content by title (case-insensitive), or null.</summary>
    /// <param name="title">The title.</param>
    /// <returns>The content.</returns>
    public string? Section(string title) =>
        Sections.FirstOrDefault(s => string.Equals(s.Title, title, StringComparison.OrdinalIgnoreCase))?.Content;
}
