using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hermes.Sdk.Skills;

/// <summary>What a new skill says. The four blueprint sections are required; any other sections follow them.</summary>
public sealed record SkillDraft
{
    /// <summary>Its name (1–64 lower-case letters, digits and single hyphens); also its folder's name.</summary>
    public required string Name { get; init; }

    /// <summary>What it does and when to use it (1–1024 characters).</summary>
    public required string Description { get; init; }

    /// <summary>The category folder (<c>skills/&lt;category&gt;/&lt;name&gt;</c>), if any.</summary>
    public string? Category { get; init; }

    /// <summary>When to use it.</summary>
    public required string Trigger { get; init; }

    /// <summary>What to do.</summary>
    public required string Steps { get; init; }

    /// <summary>What goes wrong.</summary>
    public required string Pitfalls { get; init; }

    /// <summary>How to check it worked.</summary>
    public required string Verification { get; init; }

    /// <summary>Other sections, in order (title, markdown).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> OtherSections { get; init; } = [];

    /// <summary>Its license.</summary>
    public string? License { get; init; }

    /// <summary>Environment requirements.</summary>
    public string? Compatibility { get; init; }

    /// <summary>Metadata strings.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Pre-approved tools.</summary>
    public IReadOnlyList<string> AllowedTools { get; init; } = [];
}

/// <summary>Writes <c>SKILL.md</c> strictly in the open format.</summary>
public static class SkillWriter
{
    /// <summary>The file's text for a draft.</summary>
    /// <param name="draft">The draft.</param>
    /// <returns>The markdown.</returns>
    public static string Render(SkillDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var front = new SkillFrontMatter
        {
            Name = draft.Name,
            Description = draft.Description,
            License = draft.License,
            Compatibility = draft.Compatibility,
            Metadata = draft.Metadata,
            AllowedTools = draft.AllowedTools,
        };
        IEnumerable<KeyValuePair<string, string>> sections = new[]
        {
            KeyValuePair.Create("Trigger", draft.Trigger),
            KeyValuePair.Create("Steps", draft.Steps),
            KeyValuePair.Create("Pitfalls", draft.Pitfalls),
            KeyValuePair.Create("Verification", draft.Verification),
        }.Concat(draft.OtherSections);
        return Render(front, $"# {draft.Name}", sections);
    }

    /// <summary>The file's text for a skill (after a patch).</summary>
    /// <param name="front">The front matter.</param>
    /// <param name="body">The body markdown.</param>
    /// <returns>The markdown.</returns>
    public static string Render(SkillFrontMatter front, string body)
    {
        ArgumentNullException.ThrowIfNull(front);
        return FrontMatter(front) + "\n" + body.Trim('\n') + "\n";
    }

    private static string Render(SkillFrontMatter front, string title, IEnumerable<KeyValuePair<string, string>> sections)
    {
        var body = new StringBuilder(title).Append('\n');
        foreach ((string heading, string content) in sections)
        {
            body.Append("\n## ").Append(heading.Trim()).Append("\n\n").Append(content.Trim().ReplaceLineEndings("\n")).Append('\n');
        }

        return Render(front, body.ToString());
    }

    private static string FrontMatter(SkillFrontMatter front)
    {
        var root = new YamlMappingNode
        {
            { "name", Quoted(front.Name) },
            { "description", Quoted(front.Description) },
        };
        if (front.License is { } license)
        {
            root.Add("license", Quoted(license));
        }

        if (front.Compatibility is { } compatibility)
        {
            root.Add("compatibility", Quoted(compatibility));
        }

        if (front.Metadata.Count > 0)
        {
            var metadata = new YamlMappingNode();
            foreach ((string key, string value) in front.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                metadata.Add(key, Quoted(value));
            }

            root.Add("metadata", metadata);
        }

        if (front.AllowedTools.Count > 0)
        {
            root.Add("allowed-tools", Quoted(string.Join(' ', front.AllowedTools)));
        }

        string yaml = ToYaml(new YamlStream(new YamlDocument(root)));
        return "---\n" + yaml + "\n---\n";
    }

    /// <summary>A YAML stream as text, without the document-end marker YamlDotNet writes and without a final newline.</summary>
    internal static string ToYaml(YamlStream stream)
    {
        var text = new StringWriter { NewLine = "\n" };
        stream.Save(text, assignAnchors: false);
        string yaml = text.ToString().TrimEnd('\n');
        return yaml.EndsWith("\n...", StringComparison.Ordinal) ? yaml[..^4].TrimEnd('\n') : yaml;
    }

    /// <summary>A scalar written plainly when YAML allows, quoted otherwise (never a multi-line surprise).</summary>
    private static YamlScalarNode Quoted(string value) => new(value.ReplaceLineEndings(" ")) { Style = NeedsQuotes(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Plain };

    private static bool NeedsQuotes(string value) =>
        value.Length == 0 || value.Contains(": ", StringComparison.Ordinal) || value.Contains(" #", StringComparison.Ordinal) || "!&*[]{}|>'\"%@`#,?:-".Contains(value[0], StringComparison.Ordinal) || value != value.Trim()
        || value is "true" or "false" or "null" or "yes" or "no" or "~" || double.TryParse(value, out _) || DateOnly.TryParse(value, out _);
}
