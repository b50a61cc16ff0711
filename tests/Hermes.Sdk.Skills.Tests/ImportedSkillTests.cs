using Hermes.Sdk.Core;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Skills.Tests;

/// <summary>
/// Skills as community collections ship them: the open Agent Skills format (name, description, license, a free-form body
/// with its own headings, no Trigger/Steps/Pitfalls/Verification), kept in dot-folders and nested folders.
/// </summary>
public sealed class ImportedSkillTests
{
    // The shape of public collections' SKILL.md files: a title, an overview, usage and a script under scripts/.
    private const string Upstream = """
        ---
        name: pdf-forms
        description: Fill and flatten PDF forms. Use when the user asks to fill in a PDF form or read its fields.
        license: Complete terms in LICENSE.txt
        ---

        # PDF forms

        ## Overview
        Read a form's fields with `scripts/fields.py`, then fill them.

        ## Quick start
        ```bash
        python scripts/fields.py form.pdf
        ```

        ## Notes
        Flatten the form after filling it so viewers do not recompute fields.
        """;

    private static SkillLibrary Library(string root) =>
        new(Options.Create(new SkillLibraryOptions { Roots = { new SkillRoot("project", root) } }), timeProvider: new FixedClock(ValidationTests.Today));

    private static string Plant(TempDirectory dir, params string[] folder)
    {
        string path = dir.Combine(["skills", .. folder]);
        Directory.CreateDirectory(Path.Combine(path, "scripts"));
        File.WriteAllText(Path.Combine(path, "scripts", "fields.py"), "print('fields')\n");
        File.WriteAllText(Path.Combine(path, "SKILL.md"), Upstream.Replace("pdf-forms", folder[^1], StringComparison.Ordinal) + "\n");
        return Path.Combine(path, "SKILL.md");
    }

    [Fact]
    public async Task An_imported_skill_is_listed_valid_with_warnings_and_can_be_patched_and_verified()
    {
        using var dir = new TempDirectory();
        string path = Plant(dir, ".curated", "pdf-forms");
        using SkillLibrary library = Library(dir.Combine("skills"));

        SkillSummary listed = Assert.Single(await library.ListAsync());
        Assert.Equal(("pdf-forms", ".curated"), (listed.Name, listed.Category));

        SkillReadResult read = await library.ViewAsync("pdf-forms");
        Assert.True(read.IsValid, string.Join("\n", read.Diagnostics));
        Assert.Equal(
            ["SKILL010 no '## Trigger' section", "SKILL010 no '## Steps' section", "SKILL010 no '## Pitfalls' section", "SKILL010 no '## Verification' section"],
            read.Diagnostics.Where(d => d.Code == "SKILL010").Select(d => $"{d.Code} {d.Message}"));
        Assert.All(read.Diagnostics, d => Assert.NotEqual(ProblemSeverity.Error, d.Severity));

        // "After finding a skill outdated, patch it immediately."
        Skill patched = await library.PatchAsync("pdf-forms", new SkillPatch { OldText = "Flatten the form", NewText = "Always flatten the form" });
        Assert.Contains("Always flatten the form", patched.Body, StringComparison.Ordinal);
        Skill sectioned = await library.PatchAsync("pdf-forms", new SkillPatch { Sections = new Dictionary<string, string> { ["Pitfalls"] = "- Some forms are XFA, not AcroForm: fields.py lists none." } });
        Assert.Equal("- Some forms are XFA, not AcroForm: fields.py lists none.", sectioned.Section("Pitfalls"));
        Skill verified = await library.MarkVerifiedAsync("pdf-forms");
        Assert.Equal(DateOnly.FromDateTime(ValidationTests.Today.UtcDateTime), verified.FrontMatter.LastVerified);
        Assert.Equal("Complete terms in LICENSE.txt", verified.FrontMatter.License);
        Assert.Equal(["scripts/fields.py"], await library.ListFilesAsync("pdf-forms"));
        Assert.Equal(3, (await library.HistoryAsync("pdf-forms")).Count);

        // A patch may not take away a section the skill now has.
        SkillException lost = await Assert.ThrowsAsync<SkillException>(() => library.PatchAsync("pdf-forms", new SkillPatch { OldText = "## Pitfalls", NewText = "Pitfalls:" }));
        Assert.Contains(lost.Diagnostics, d => d.Code == "SKILL010" && d.Message == "no '## Pitfalls' section");
        Assert.Contains("Pitfalls", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_skill_the_agent_writes_must_have_the_four_sections()
    {
        using var dir = new TempDirectory();
        using SkillLibrary library = Library(dir.Combine("skills"));
        var draft = new SkillDraft { Name = "half-done", Description = "Something learnt.", Trigger = "When it happens.", Steps = "1. Do it.", Pitfalls = string.Empty, Verification = "It works." };

        SkillException refused = await Assert.ThrowsAsync<SkillException>(() => library.CreateAsync(draft));

        Assert.Contains(refused.Diagnostics, d => d is { Code: "SKILL011", Severity: ProblemSeverity.Error } && d.Message == "the '## Pitfalls' section is empty");
        Assert.False(Directory.Exists(dir.Combine("skills", "half-done")));
    }

    [Fact]
    public void Strict_mode_makes_the_blueprint_sections_errors()
    {
        SkillReadResult lenient = SkillParser.Parse(Upstream, "/skills/pdf-forms/SKILL.md");
        SkillReadResult strict = SkillParser.Parse(Upstream, "/skills/pdf-forms/SKILL.md", new SkillValidationOptions { RequireBlueprintSections = true, StaleAfter = null });

        Assert.True(lenient.IsValid);
        Assert.False(strict.IsValid);
        Assert.Equal(4, strict.Diagnostics.Count(d => d is { Code: "SKILL010", Severity: ProblemSeverity.Error, Line: 6, Column: 1 }));
    }

    [Fact]
    public async Task Dot_folders_and_nested_skills_are_found_and_history_is_not()
    {
        using var dir = new TempDirectory();
        Plant(dir, ".system", "pdf-forms");
        Plant(dir, "tools", "git", "git-bisect");
        Plant(dir, "tools", "git", "git-bisect", "git-bisect-run"); // a skill inside another skill's folder
        Plant(dir, "tools", "git", "git-bisect", ".history", "stale-copy");
        using SkillLibrary library = Library(dir.Combine("skills"));

        SkillCatalog catalog = await library.DiscoverAsync();

        Assert.Equal(
            ["git-bisect tools/git", "git-bisect-run tools/git/git-bisect", "pdf-forms .system"],
            catalog.Skills.Select(s => $"{s.Name} {s.Category}"));
        Assert.Empty(catalog.Diagnostics);
        Assert.Equal(["scripts/fields.py"], await library.ListFilesAsync("git-bisect")); // not the inner skill's files
    }

    [Fact]
    public async Task A_skill_whose_front_matter_cannot_be_read_is_reported_at_the_parsers_line()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("skills", "tabbed"));
        File.WriteAllText(dir.Combine("skills", "tabbed", "SKILL.md"), "---\nname: tabbed\nmetadata:\n\tauthor: me\ndescription: x\n---\n# Tabbed\n");
        using SkillLibrary library = Library(dir.Combine("skills"));

        SourceProblem problem = Assert.Single((await library.DiscoverAsync()).Diagnostics);

        Assert.Equal(("SKILL002", 4, 1, ProblemSeverity.Error), (problem.Code, problem.Line, problem.Column, problem.Severity));
        Assert.Contains("a tab in the indentation", problem.Message, StringComparison.Ordinal);
        Assert.EndsWith("the skill is not listed", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SkillParser", problem.Fix, StringComparison.Ordinal);
    }
}
