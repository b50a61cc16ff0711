using Hermes.Sdk.Skills;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Agents.Tests;

/// <summary>Skills are tools: the model lists them, reads one on demand, and proposes a new one through the create path.</summary>
public sealed class SkillToolTests
{
    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task The_model_lists_reads_and_proposes_skills_through_tools(string wire)
    {
        using var dir = new TempDirectory();
        string skill = Path.Combine(dir.Path, "workspace", "gitea-first-task");
        Directory.CreateDirectory(skill);
        File.Copy(Path.Combine(RepoPaths.Root, "templates", "Hermes.Sdk.Templates", "content", "hermes-seed", "skills", "workspace", "gitea-first-task", "SKILL.md"), Path.Combine(skill, "SKILL.md"));
        var options = new SkillLibraryOptions { WriteRoot = "seed" };
        options.Roots.Add(new SkillRoot("seed", dir.Path));
        var library = new SkillLibrary(Options.Create(options));
        await using AgentFixture fx = await AgentFixture.StartAsync(wire, request => request.Results.Count switch
        {
            0 => ScriptedReply.Call("skills_list"),
            1 => ScriptedReply.Call("skill_view", new { name = "gitea-first-task" }),
            2 => ScriptedReply.Call("skill_create", new
            {
                name = "triage-stale-issue",
                description = "Triage an issue nobody touched for weeks, with evidence, an action and a confidence.",
                trigger = "An issue with no activity for two weeks.",
                steps = "1. Read the issue and its comments.\n2. Find the PR or commit that settled it.\n3. Comment in the rubric.",
                pitfalls = "Do not close what a person is still discussing.",
                verification = "The comment passes the triage rubric.",
            }),
            _ => ScriptedReply.Say(request.Results[1].Content.Contains("## Steps", StringComparison.Ordinal) ? "followed it" : "could not read it"),
        });

        AgentRun run = await fx.Loop().RunAsync(fx.Task(AgentTier.Wolf, "Find a skill for your first Gitea task.", extra: [.. SkillAgentTools.All(library)]));

        Assert.Equal("followed it", run.Text);
        Assert.Contains("gitea-first-task", fx.Model.Requests[1].Results[0].Content, StringComparison.Ordinal); // the listing
        Assert.Equal(["skills_list", "skill_view", "skill_create"], run.Audit.Calls.Select(c => c.Tool));
        Assert.All(run.Audit.Calls, c => Assert.Equal(ToolCallOutcome.Succeeded, c.Outcome));
        SkillSummary created = Assert.Single(await library.ListAsync(), s => s.Name == "triage-stale-issue");
        Assert.True(File.Exists(created.Path));
    }
}
