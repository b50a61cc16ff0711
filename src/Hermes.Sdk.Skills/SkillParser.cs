using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Hermes.Sdk.Core;
using Hermes.Sdk.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hermes.Sdk.Skills;

/// <summary>The outcome of reading a skill: the skill when it could be read, and every problem found.</summary>
/// <param name="Skill">The skill, or null when its front matter could not be read.</param>
/// <param name="Diagnostics">Every problem, in file order.</param>
public sealed record SkillReadResult(Skill? Skill, IReadOnlyList<SourceProblem> Diagnostics)
{
    /// <summary>Whether there is no error (warnings allowed).</summary>
    public bool IsValid => Skill is not null && Diagnostics.All(d => d.Severity != ProblemSeverity.Error);
}

/// <summary>
/// Reads <c>SKILL.md</c>: YAML front matter (YamlDotNet) and the markdown body (Markdig). Strict about the open Agent
/// Skills format, lenient about the engine's looser variants (extra top-level fields, names with dots or underscores),
/// which are read with a warning. Every problem carries file, line, column and a fix.
/// </summary>
public static partial class SkillParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build();


    /// <summary>Reads and checks a skill file.</summary>
    /// <param name="path">Its <c>SKILL.md</c>.</param>
    /// <param name="options">Checks that depend on configuration (staleness); default none.</param>
    /// <returns>The skill and its problems.</returns>
    public static SkillReadResult Read(string path, SkillValidationOptions? options = null)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            return new SkillReadResult(null, [Error("SKILL000", full, 1, 1, "the file does not exist", "create SKILL.md in the skill's folder")]);
        }

        return Parse(File.ReadAllText(full, Encoding.UTF8), full, options);
    }

    /// <summary>Reads and checks a skill's text as if it were the file at <paramref name="path"/>.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="path">Where it is (its folder name must equal the skill's name).</param>
    /// <param name="options">Checks that depend on configuration; default none.</param>
    /// <returns>The skill and its problems.</returns>
    public static SkillReadResult Parse(string text, string path, SkillValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var diagnostics = new List<SourceProblem>();
        string[] lines = text.TrimStart('\uFEFF').ReplaceLineEndings("\n").Split('\n');
        if (lines.Length == 0 || lines[0].TrimEnd() != "---")
        {
            diagnostics.Add(Error("SKILL001", path, 1, 1, "no front matter: SKILL.md must start with a '---' line", "start the file with ---, name: and description: lines, then ---"));
            return new SkillReadResult(null, diagnostics);
        }

        int close = Array.FindIndex(lines, 1, l => l.TrimEnd() == "---");
        if (close < 0)
        {
            diagnostics.Add(Error("SKILL001", path, 1, 1, "the front matter is never closed", "end the front matter with a '---' line"));
            return new SkillReadResult(null, diagnostics);
        }

        SkillFrontMatter? front = ReadFrontMatter(string.Join("\n", lines[1..close]), path, lineOffset: 1, diagnostics, out Dictionary<string, (int Line, int Column)> positions);
        if (front is null)
        {
            return new SkillReadResult(null, diagnostics);
        }

        string folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)) ?? string.Empty);
        if (folder.Length > 0 && front.Name.Length > 0 && front.Name != folder)
        {
            (int line, int column) = positions.GetValueOrDefault("name.value", (2, 1));
            diagnostics.Add(Error("SKILL005", path, line, column, $"name '{front.Name}' differs from its folder '{folder}'", $"rename the folder to '{front.Name}' or set name: {folder}"));
        }

        int bodyLine = close + 2;
        string body = string.Join("\n", lines[(close + 1)..]);
        List<SkillSection> sections = ReadSections(body, bodyLine);
        // The blueprint's sections are what make a skill maintainable; the open format does not require them, so a skill
        // imported from elsewhere is usable without them (a warning) while a skill the agent writes must have them.
        ProblemSeverity sectionSeverity = options?.RequireBlueprintSections == true ? ProblemSeverity.Error : ProblemSeverity.Warning;
        foreach (string required in Skill.RequiredSections)
        {
            SkillSection? section = sections.FirstOrDefault(s => string.Equals(s.Title, required, StringComparison.OrdinalIgnoreCase));
            if (section is null)
            {
                diagnostics.Add(SkillProblems.Create(sectionSeverity, "SKILL010", path, Math.Min(bodyLine, lines.Length), 1, $"no '## {required}' section", $"add a '## {required}' section: {Purpose(required)}"));
            }
            else if (section.Content.Length == 0)
            {
                diagnostics.Add(SkillProblems.Create(sectionSeverity, "SKILL011", path, section.Line, 1, $"the '## {required}' section is empty", $"write {Purpose(required)}"));
            }
        }

        var skill = new Skill(Path.GetFullPath(path), front, body.Trim('\n'), sections);
        CheckScripts(skill, lines, path, diagnostics);
        CheckFreshness(skill, path, positions, options, diagnostics);
        diagnostics.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column));
        return new SkillReadResult(skill, diagnostics);
    }

    /// <summary>Reads only the front matter — the cheap first step of progressive loading; the body is never read.</summary>
    /// <param name="path">The <c>SKILL.md</c>.</param>
    /// <returns>The front matter, or null when it is missing or broken.</returns>
    public static SkillFrontMatter? ReadFrontMatterOnly(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 4096, Options = FileOptions.SequentialScan });
        if (reader.ReadLine()?.TrimEnd() != "---")
        {
            return null;
        }

        var yaml = new StringBuilder();
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.TrimEnd() == "---")
            {
                return ReadFrontMatter(yaml.ToString(), path, 1, [], out _);
            }

            yaml.Append(line).Append('\n');
        }

        return null;
    }

    private static SkillFrontMatter? ReadFrontMatter(string yaml, string path, int lineOffset, List<SourceProblem> diagnostics, out Dictionary<string, (int Line, int Column)> positions)
    {
        positions = [];
        var reader = new YamlSourceReader(path, lineOffset);
        YamlMappingNode? root = reader.LoadMapping(yaml, "a YAML mapping");
        if (root is null)
        {
            if (FirstIndentTab(yaml) is { } tab)
            {
                diagnostics.Add(Error("SKILL002", path, tab.Line + lineOffset, tab.Column, "the front matter is not valid YAML: a tab in the indentation (YAML indents with spaces only)", "replace the tab with spaces"));
                return null;
            }

            SourceProblem problem = reader.Problems[0];
            diagnostics.Add(problem.Field == "(syntax)"
                ? Error("SKILL002", path, problem.Line, problem.Column, $"the front matter is not valid YAML: {problem.Message}", "fix the YAML; quote values that contain ': ' or start with a special character")
                : Error("SKILL002", path, problem.Line, problem.Column, "the front matter is not a YAML mapping", "write 'name: …' and 'description: …' lines"));
            return null;
        }

        string? name = null;
        string? description = null;
        string? license = null;
        string? compatibility = null;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var tools = new List<string>();
        foreach ((YamlNode keyNode, YamlNode value) in root.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            (int Line, int Column) at = ((int)keyNode.Start.Line + lineOffset, (int)keyNode.Start.Column);
            (int Line, int Column) valueAt = ((int)value.Start.Line + lineOffset, (int)value.Start.Column);
            positions[key] = at;
            positions[key + ".value"] = valueAt;
            switch (key)
            {
                case "name":
                    name = Scalar(value, "name", valueAt);
                    break;
                case "description":
                    description = Scalar(value, "description", valueAt);
                    break;
                case "license":
                    license = Scalar(value, "license", valueAt);
                    break;
                case "compatibility":
                    compatibility = Scalar(value, "compatibility", valueAt);
                    break;
                case "metadata" when value is YamlMappingNode map:
                    foreach ((YamlNode k, YamlNode v) in map.Children)
                    {
                        if (k is YamlScalarNode { Value: { } mk } && v is YamlScalarNode { Value: { } mv })
                        {
                            metadata[mk] = mv;
                            positions["metadata." + mk] = ((int)v.Start.Line + lineOffset, (int)v.Start.Column);
                        }
                        else
                        {
                            diagnostics.Add(Warning("SKILL009", path, (int)k.Start.Line + lineOffset, (int)k.Start.Column, "metadata values must be strings", "write metadata as 'key: value' pairs of plain strings"));
                        }
                    }

                    break;
                case "metadata":
                    diagnostics.Add(Error("SKILL009", path, valueAt.Line, valueAt.Column, "metadata must be a mapping of strings", "write metadata as indented 'key: value' lines"));
                    break;
                case "allowed-tools" when value is YamlScalarNode scalar:
                    tools.AddRange((scalar.Value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "allowed-tools" when value is YamlSequenceNode sequence:
                    tools.AddRange(sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty));
                    diagnostics.Add(Warning("SKILL008", path, valueAt.Line, valueAt.Column, "allowed-tools as a list is the engine's variant; the open format uses one space-separated string", $"write allowed-tools: {string.Join(' ', tools)}"));
                    break;
                default:
                    diagnostics.Add(Warning("SKILL008", path, at.Line, at.Column, $"'{key}' is not a field of the open Agent Skills format (read as the engine's variant)", $"move it under metadata: (e.g. metadata: {{ {key}: … }})"));
                    break;
            }
        }

        (int Line, int Column) frontStart = (1 + lineOffset, 1);
        if (string.IsNullOrWhiteSpace(name))
        {
            diagnostics.Add(Error("SKILL003", path, frontStart.Line, 1, "name is missing", "add 'name: <folder-name>' (lower-case letters, digits and hyphens)"));
            name = string.Empty;
        }
        else if (name.Length > 64 || !StrictName().IsMatch(name))
        {
            (int line, int column) = positions["name.value"];
            bool engineVariant = name.Length <= 64 && LooseName().IsMatch(name);
            string fixedName = Regex.Replace(name.ToLowerInvariant().Replace('_', '-').Replace('.', '-'), "-+", "-").Trim('-');
            diagnostics.Add(SkillProblems.Create(
                engineVariant ? ProblemSeverity.Warning : ProblemSeverity.Error,
                "SKILL004",
                path,
                line,
                column,
                engineVariant ? $"name '{name}' uses '.' or '_', which the open format does not allow (read as the engine's variant)" : $"name '{name}' is not 1–64 lower-case letters, digits and single hyphens",
                $"rename it (and its folder) to '{fixedName[..Math.Min(64, fixedName.Length)]}'"));
        }

        if (string.IsNullOrWhiteSpace(description))
        {
            diagnostics.Add(Error("SKILL006", path, positions.GetValueOrDefault("description.value", frontStart).Line, positions.GetValueOrDefault("description.value", frontStart).Column, "description is missing or empty", "add 'description: <what it does and when to use it>' (1–1024 characters)"));
            description = string.Empty;
        }
        else if (description.Length > 1024)
        {
            diagnostics.Add(Error("SKILL006", path, positions["description.value"].Line, positions["description.value"].Column, $"description is {description.Length} characters; at most 1024", "shorten it; move detail into the body"));
        }

        if (compatibility is { Length: > 500 })
        {
            diagnostics.Add(Error("SKILL007", path, positions["compatibility.value"].Line, positions["compatibility.value"].Column, $"compatibility is {compatibility.Length} characters; at most 500", "shorten it"));
        }

        return new SkillFrontMatter { Name = name, Description = description, License = license, Compatibility = compatibility, Metadata = metadata, AllowedTools = tools };

        string? Scalar(YamlNode node, string field, (int Line, int Column) where)
        {
            if (node is YamlScalarNode scalar)
            {
                return scalar.Value;
            }

            diagnostics.Add(Error("SKILL002", path, where.Line, where.Column, $"{field} must be a single string", $"write {field}: <text> on one line"));
            return null;
        }
    }

    private static List<SkillSection> ReadSections(string body, int bodyLine)
    {
        MarkdownDocument document = Markdown.Parse(body, Pipeline);
        HeadingBlock[] headings = [.. document.OfType<HeadingBlock>().Where(h => h.Level <= 2)]; // top level only: a '#' inside a list item is not a section
        var sections = new List<SkillSection>();
        for (int i = 0; i < headings.Length; i++)
        {
            HeadingBlock heading = headings[i];
            if (heading.Level != 2)
            {
                continue;
            }

            int start = heading.Span.End + 1;
            int end = i + 1 < headings.Length ? headings[i + 1].Span.Start : body.Length;
            string content = start < end ? body[start..end].Trim() : string.Empty;
            sections.Add(new SkillSection(InlineText(heading.Inline).Trim(), content, heading.Line + bodyLine));
        }

        return sections;
    }

    private static string InlineText(ContainerInline? inline)
    {
        var text = new StringBuilder();
        foreach (Inline item in inline?.Descendants() ?? [])
        {
            if (item is LiteralInline literal)
            {
                text.Append(literal.Content.ToString());
            }
            else if (item is CodeInline code)
            {
                text.Append(code.Content);
            }
        }

        return text.ToString();
    }

    /// <summary>Every <c>scripts/…</c> path the Steps mention must exist in the skill's folder.</summary>
    private static void CheckScripts(Skill skill, string[] lines, string path, List<SourceProblem> diagnostics)
    {
        SkillSection? steps = skill.Sections.FirstOrDefault(s => string.Equals(s.Title, "Steps", StringComparison.OrdinalIgnoreCase));
        if (steps is null)
        {
            return;
        }

        int endLine = skill.Sections.FirstOrDefault(s => s.Line > steps.Line)?.Line ?? lines.Length + 1;
        for (int line = steps.Line + 1; line < endLine && line <= lines.Length; line++)
        {
            foreach (Match reference in ScriptReference().Matches(lines[line - 1]))
            {
                string relative = reference.Value.TrimEnd('.', ',', ';', ':', ')');
                if (!File.Exists(Path.Combine(skill.Directory, relative)))
                {
                    diagnostics.Add(Error("SKILL012", path, line, reference.Index + 1, $"Steps use '{relative}', which is not in the skill's folder", $"add {relative} to the skill, or fix the path"));
                }
            }
        }
    }

    private static void CheckFreshness(Skill skill, string path, Dictionary<string, (int Line, int Column)> positions, SkillValidationOptions? options, List<SourceProblem> diagnostics)
    {
        if (options?.StaleAfter is not { } staleAfter)
        {
            return;
        }

        DateOnly today = DateOnly.FromDateTime((options.TimeProvider ?? TimeProvider.System).GetUtcNow().UtcDateTime);
        if (skill.FrontMatter.LastVerified is not { } verified)
        {
            diagnostics.Add(Warning("SKILL013", path, 2, 1, "never verified: no metadata.last-verified date", "run the Verification steps, then record the date (SkillLibrary.MarkVerifiedAsync)"));
        }
        else if (today.DayNumber - verified.DayNumber > staleAfter.TotalDays)
        {
            (int line, int column) = positions.GetValueOrDefault("metadata." + SkillFrontMatter.LastVerifiedKey, (2, 1));
            diagnostics.Add(Warning("SKILL013", path, line, column, $"stale: last verified {verified:yyyy-MM-dd}, {today.DayNumber - verified.DayNumber} days ago (limit {staleAfter.TotalDays:0})", "run the Verification steps again; patch the skill if they fail — unmaintained skills become liabilities"));
        }
    }

    private static string Purpose(string section) => section switch
    {
        "Trigger" => "when to use this skill",
        "Steps" => "what to do, in order",
        "Pitfalls" => "what goes wrong and how to avoid it",
        _ => "how to check that it worked",
    };

    /// <summary>The first tab in a line's indentation (1-based line within <paramref name="yaml"/>, 1-based column).</summary>
    private static (int Line, int Column)? FirstIndentTab(string yaml)
    {
        string[] lines = yaml.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int indent = line.Length - line.TrimStart(' ', '\t').Length;
            int tab = line.IndexOf('\t', 0, indent);
            if (tab >= 0 && indent < line.Length)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }

    private static SourceProblem Error(string code, string path, int line, int column, string message, string fix) => SkillProblems.Error(code, path, line, column, message, fix);

    private static SourceProblem Warning(string code, string path, int line, int column, string message, string fix) => SkillProblems.Warning(code, path, line, column, message, fix);

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex StrictName();

    [GeneratedRegex("^[a-z0-9]+(?:[-._][a-z0-9]+)*$")]
    private static partial Regex LooseName();

    [GeneratedRegex(@"(?<![\w/.-])scripts/[\w./-]+")]
    private static partial Regex ScriptReference();
}

/// <summary>Checks that depend on configuration.</summary>
public sealed class SkillValidationOptions
{
    /// <summary>Warn when a skill's last verification is older than this; null to skip the check. Default 90 days.</summary>
    public TimeSpan? StaleAfter { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The clock staleness is judged by.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Whether the blueprint's sections (Trigger, Steps, Pitfalls, Verification) are required: errors when true, warnings
    /// when false (the default, so a skill in the open Agent Skills format is usable as imported).
    /// <see cref="SkillLibrary.CreateAsync"/> always requires them: a skill the agent writes follows the blueprint.
    /// </summary>
    public bool RequireBlueprintSections { get; set; }
}
