using Hermes.Sdk.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hermes.Sdk.Core.Tests;

public sealed class YamlSourceReaderTests
{
    private static readonly string[] AgentFields = ["name", "role"];

    [Fact]
    public void Every_problem_is_reported_at_its_place_and_reading_goes_on()
    {
        var reader = new YamlSourceReader("seed/config.yaml");
        YamlMappingNode root = reader.LoadMapping("""
            agent:
              name: timmy
              colour: blue
            fleet:
              nats_url: ftp://x
              size: many
              cooldown: soon
            """, "a mapping")!;

        YamlMappingNode agent = reader.Mapping(root, "agent", AgentFields, required: true)!;
        Assert.Equal("timmy", reader.Text(agent, "agent", "name", required: true));
        Assert.Null(reader.Text(agent, "agent", "role", required: true));
        YamlMappingNode fleet = (YamlMappingNode)YamlSourceReader.Get(root, "fleet")!;
        Assert.Null(reader.Url(fleet, "fleet", "nats_url", "nats", "tls"));
        Assert.Null(reader.WholeNumber(YamlSourceReader.Get(fleet, "size")!, "fleet.size", 1, 10));
        Assert.Null(reader.Duration(YamlSourceReader.Get(fleet, "cooldown")!, "fleet.cooldown"));

        Assert.Equal(
            [
                "seed/config.yaml:3:3: agent.colour: unknown field 'colour' (expected one of: name, role)",
                "seed/config.yaml:2:3: agent.role: missing field 'role'",
                "seed/config.yaml:5:13: fleet.nats_url: 'ftp://x' is not a nats:// or tls:// URL",
                "seed/config.yaml:6:9: fleet.size: expected a whole number from 1 to 10, got 'many'",
                "seed/config.yaml:7:13: fleet.cooldown: expected a duration such as 30s, 500ms or 2m, got 'soon'",
            ],
            reader.Problems.Select(p => p.ToString()));
        Assert.True(reader.HasErrors);
    }

    [Fact]
    public void A_syntax_error_is_reported_at_its_line_and_column_shifted_by_the_offset()
    {
        var reader = new YamlSourceReader("skills/x/SKILL.md", lineOffset: 1);

        Assert.Null(reader.LoadMapping("name: x\ndescription: [unclosed\n", "a mapping"));

        SourceProblem problem = Assert.Single(reader.Problems);
        Assert.Equal(("skills/x/SKILL.md", "(syntax)"), (problem.File, problem.Field));
        Assert.True(problem.Line >= 3, problem.ToString()); // YAML line 2 or later, plus the '---' line before it
    }

    [Fact]
    public void A_document_that_is_not_a_mapping_says_what_was_expected()
    {
        var reader = new YamlSourceReader("config.yaml");

        Assert.Null(reader.LoadMapping("- just\n- a list\n", "a mapping with 'model:'"));

        Assert.Equal("config.yaml:1:1: (document): expected a mapping with 'model:'", Assert.Single(reader.Problems).ToString());
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("14d", 1209600)]
    [InlineData("45", 45)]
    public void Durations_read_in_the_units_the_seeds_use(string text, double seconds)
    {
        Assert.True(YamlSourceReader.TryParseDuration(text, out TimeSpan value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Fact]
    public void A_problem_with_a_code_prints_like_a_compiler_diagnostic()
    {
        var problem = new SourceProblem("skills/deploy/SKILL.md", 2, 7, "name", "name 'Deploy' is not lower-case") { Severity = ProblemSeverity.Warning, Code = "SKILL004", Fix = "rename it to 'deploy'" };

        Assert.Equal("skills/deploy/SKILL.md:2:7: warning SKILL004: name: name 'Deploy' is not lower-case (fix: rename it to 'deploy')", problem.ToString());
        Assert.False(problem.IsError);
    }
}
