using Hermes.Sdk.Core;

namespace Hermes.Sdk.Skills.Tests;

/// <summary>The checked-in skill folders: valid ones pass; each broken one reports its problem at its exact line and column.</summary>
public sealed class ValidationTests
{
    internal static readonly DateTimeOffset Today = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    internal static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "skills", .. parts]);

    internal static SkillValidationOptions Options => new() { StaleAfter = TimeSpan.FromDays(90), TimeProvider = new FixedClock(Today) };

    [Theory]
    [InlineData("nats-auth")]
    [InlineData("ops", "restart-gitea")]
    public void A_valid_skill_has_no_problems_and_exposes_its_four_sections(params string[] folder)
    {
        SkillReadResult result = SkillParser.Read(Fixture(["valid", .. folder, "SKILL.md"]), Options);

        Assert.Empty(result.Diagnostics);
        Skill skill = result.Skill!;
        Assert.Equal(folder[^1], skill.Name);
        Assert.All(Skill.RequiredSections, s => Assert.False(string.IsNullOrWhiteSpace(skill.Section(s))));
    }

    [Fact]
    public void Every_front_matter_field_is_read()
    {
        Skill skill = SkillParser.Read(Fixture("valid", "ops", "restart-gitea", "SKILL.md"), Options).Skill!;

        Assert.Equal("Bring the fleet's Gitea back after a host reboot, when the forge answers 502.", skill.FrontMatter.Description);
        Assert.Equal("MIT", skill.FrontMatter.License);
        Assert.Equal("Needs docker compose and curl on the forge host.", skill.FrontMatter.Compatibility);
        Assert.Equal(["Bash(docker:*)", "Bash(curl:*)"], skill.FrontMatter.AllowedTools);
        Assert.Equal("timmy", skill.FrontMatter.Metadata["author"]);
        Assert.Equal(new DateOnly(2026, 11, 1), skill.FrontMatter.LastVerified);
        Assert.Equal(["Trigger", "Steps", "Pitfalls", "Verification"], skill.Sections.Select(s => s.Title));
        Assert.Equal(13, skill.Sections[0].Line);
        Assert.StartsWith("1. Run `scripts/check.sh`", skill.Steps, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-front-matter", "error SKILL001 1:1 no front matter: SKILL.md must start with a '---' line")]
    [InlineData("bad-yaml", "error SKILL002 4:1 the front matter is not valid YAML")]
    [InlineData("wrong-name", "error SKILL005 2:7 name 'other-name' differs from its folder 'wrong-name'")]
    [InlineData("Upper_Name", "error SKILL004 2:7 name 'Upper_Name' is not 1–64 lower-case letters, digits and single hyphens")]
    [InlineData("dotted.name", "warning SKILL004 2:7 name 'dotted.name' uses '.' or '_', which the open format does not allow (read as the engine's variant)", "warning SKILL008 4:1 'version' is not a field of the open Agent Skills format (read as the engine's variant)")]
    [InlineData("missing-section", "warning SKILL010 5:1 no '## Pitfalls' section")]
    [InlineData("empty-section", "warning SKILL011 18:1 the '## Verification' section is empty")]
    [InlineData("missing-script", "error SKILL012 12:9 Steps use 'scripts/deploy.sh', which is not in the skill's folder")]
    [InlineData("no-description", "error SKILL006 2:1 description is missing or empty")]
    [InlineData("stale", "warning SKILL013 5:18 stale: last verified 2020-01-01, 2517 days ago (limit 90)")]
    public void Each_problem_is_reported_at_its_line_and_column_with_a_fix(string folder, params string[] expected)
    {
        string path = Fixture("broken", folder, "SKILL.md");

        SkillReadResult result = SkillParser.Read(path, folder == "stale" ? Options : null); // staleness only where it is the point

        Assert.Equal(expected.Length, result.Diagnostics.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            SourceProblem d = result.Diagnostics[i];
            Assert.Equal(path, d.File);
            Assert.StartsWith(expected[i], $"{d.Severity.ToString().ToLowerInvariant()} {d.Code} {d.Line}:{d.Column} {d.Message}", StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(d.Fix));
            Assert.StartsWith($"{path}:{d.Line}:{d.Column}: ", d.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_name_over_64_characters_and_an_overlong_description_are_errors()
    {
        string name = new('a', 65);
        SkillReadResult result = SkillParser.Parse($"---\nname: {name}\ndescription: {new string('d', 1025)}\ncompatibility: {new string('c', 501)}\n---\n## Trigger\nx\n## Steps\nx\n## Pitfalls\nx\n## Verification\nx\n", $"/skills/{name}/SKILL.md");

        Assert.Equal(["SKILL004 2:7", "SKILL006 3:14", "SKILL007 4:16"], result.Diagnostics.Select(d => $"{d.Code} {d.Line}:{d.Column}"));
    }
}

/// <summary>A clock stopped at one instant.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
