using Hermes.Sdk.Core;
using System.Globalization;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Skills.Tests;

/// <summary>The library: discovery across roots, progressive loading, atomic create and patch with history, tools.</summary>
public sealed class LibraryTests
{
    private static SkillDraft Draft(string name = "rotate-token") => new()
    {
        Name = name,
        Description = "Rotate an agent's Gitea token: when a token leaks, expires, or \"just in case\" — before it bites.",
        Category = "forge",
        Trigger = "A token leaked, expired, or is older than 90 days.",
        Steps = "1. Create the new token with `scripts/rotate.sh`.\n2. Store it 0600.\n   - never on a command line\n3. Revoke the old one: `DELETE /users/{u}/tokens/{id}`.",
        Pitfalls = "- # is not a comment in markdown lists\n- key: value lines in steps are fine",
        Verification = "`GET /api/v1/user` with the new token answers 200; the old one answers 401.",
        OtherSections = [KeyValuePair.Create("Notes", "Tokens are shown once.")],
        License = "MIT",
        Compatibility = "Gitea 1.20+: scoped tokens",
        Metadata = new Dictionary<string, string> { ["author"] = "wolf-1", ["tags"] = "forge: tokens" },
        AllowedTools = ["Bash(curl:*)", "Read"],
    };

    private static SkillLibrary Library(params SkillRoot[] roots)
    {
        var options = new SkillLibraryOptions();
        foreach (SkillRoot root in roots)
        {
            options.Roots.Add(root);
        }

        return new SkillLibrary(Options.Create(options), timeProvider: new FixedClock(ValidationTests.Today));
    }

    [Fact]
    public async Task Roots_earlier_in_the_list_win_and_shadowed_or_unreadable_skills_are_reported()
    {
        using var dir = new TempDirectory();
        CopyFolder(ValidationTests.Fixture("valid"), dir.Combine("project"));
        CopyFolder(ValidationTests.Fixture("valid", "nats-auth"), dir.Combine("fleet", "bus", "nats-auth"));
        CopyFolder(ValidationTests.Fixture("broken", "no-front-matter"), dir.Combine("fleet", "no-front-matter"));
        using SkillLibrary library = Library(new SkillRoot("project", dir.Combine("project")), new SkillRoot("user", dir.Combine("missing")), new SkillRoot("fleet", dir.Combine("fleet")));

        SkillCatalog catalog = await library.DiscoverAsync();

        Assert.Equal(["nats-auth", "restart-gitea"], catalog.Skills.Select(s => s.Name));
        Assert.Equal(("project", null), (catalog.Skills[0].Root, catalog.Skills[0].Category));
        Assert.Equal(("project", "ops"), (catalog.Skills[1].Root, catalog.Skills[1].Category));
        Assert.Contains(catalog.Diagnostics, d => d is { Severity: ProblemSeverity.Info, Code: "SKILL021" } && d.Message == $"skill 'nats-auth' from root 'fleet' is shadowed by root 'project' ({dir.Combine("project", "nats-auth", "SKILL.md")})");
        Assert.Contains(catalog.Diagnostics, d => d is { Severity: ProblemSeverity.Error, Code: "SKILL001" } && d.File == dir.Combine("fleet", "no-front-matter", "SKILL.md"));
        Assert.Equal(["ops"], (await library.ListAsync("ops")).Select(s => s.Category));
    }

    [Fact]
    public async Task Discovery_reads_front_matter_only_and_bodies_are_read_when_viewed()
    {
        using var dir = new TempDirectory();
        string folder = Directory.CreateDirectory(dir.Combine("skills", "huge")).FullName;
        using (var writer = new StreamWriter(Path.Combine(folder, "SKILL.md")))
        {
            writer.Write("---\nname: huge\ndescription: A skill with a very long body.\n---\n\n## Trigger\n\nt\n\n## Steps\n\n");
            for (int i = 0; i < 200_000; i++)
            {
                writer.Write("A long line of procedure that nobody needs until the skill is viewed.\n");
            }

            writer.Write("\n## Pitfalls\n\np\n\n## Verification\n\nv\n");
        }

        using SkillLibrary library = Library(new SkillRoot("project", dir.Combine("skills")));
        long before = BytesRead();
        SkillCatalog catalog = await library.DiscoverAsync();
        long discovery = BytesRead() - before;
        SkillReadResult viewed = await library.ViewAsync("huge");
        long view = BytesRead() - before - discovery;

        Assert.Equal("A skill with a very long body.", catalog.Skills.Single().Description);
        Assert.True(discovery < 1_000_000, $"discovery read {discovery} bytes of a {new FileInfo(Path.Combine(folder, "SKILL.md")).Length}-byte skill");
        Assert.True(view > 10_000_000, $"viewing read {view} bytes");
        Assert.True(viewed.IsValid);
    }

    [Fact]
    public async Task A_created_skill_validates_and_parses_back_to_the_same_content()
    {
        using var dir = new TempDirectory();
        using SkillLibrary library = Library(new SkillRoot("project", dir.Combine("skills")));
        SkillDraft draft = Draft();
        Directory.CreateDirectory(dir.Combine("skills", "forge", "rotate-token", "scripts"));
        File.WriteAllText(dir.Combine("skills", "forge", "rotate-token", "scripts", "rotate.sh"), "#!/bin/sh\n");

        Skill created = await library.CreateAsync(draft);

        Assert.Equal(dir.Combine("skills", "forge", "rotate-token", "SKILL.md"), created.Path);
        SkillReadResult read = SkillParser.Read(created.Path);
        Assert.Empty(read.Diagnostics);
        Skill back = read.Skill!;
        Assert.Equal((draft.Name, draft.Description, draft.License, draft.Compatibility), (back.Name, back.FrontMatter.Description, back.FrontMatter.License, back.FrontMatter.Compatibility));
        Assert.Equal(draft.Metadata, back.FrontMatter.Metadata);
        Assert.Equal(draft.AllowedTools, back.FrontMatter.AllowedTools);
        Assert.Equal([draft.Trigger, draft.Steps, draft.Pitfalls, draft.Verification, "Tokens are shown once."], back.Sections.Select(s => s.Content));
        Assert.Equal(["Trigger", "Steps", "Pitfalls", "Verification", "Notes"], back.Sections.Select(s => s.Title));

        var taken = await Assert.ThrowsAsync<SkillException>(() => library.CreateAsync(draft with { Category = null }));
        Assert.StartsWith("a skill named 'rotate-token' already exists", taken.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bad Name", "SKILL004")]
    [InlineData("ok-name", "SKILL011")]
    public async Task An_invalid_draft_is_refused_and_nothing_is_written(string name, string code)
    {
        using var dir = new TempDirectory();
        using SkillLibrary library = Library(new SkillRoot("project", dir.Combine("skills")));

        var ex = await Assert.ThrowsAsync<SkillException>(() => library.CreateAsync(Draft(name) with { Verification = name == "ok-name" ? " " : "x", Category = null }));

        Assert.Contains(ex.Diagnostics, d => d.Code == code);
        Assert.False(Directory.Exists(dir.Combine("skills", name)));
    }

    [Fact]
    public async Task A_crash_between_write_and_replace_leaves_the_old_skill_intact()
    {
        using var dir = new TempDirectory();
        using SkillLibrary library = Library(new SkillRoot("project", dir.Combine("skills")));
        Skill skill = await library.CreateAsync(Draft() with { Steps = "Do the rotation." });
        string before = File.ReadAllText(skill.Path);
        library.BeforeReplace = _ => throw new IOException("simulated power loss");

        await Assert.ThrowsAsync<IOException>(() => library.PatchAsync("rotate-token", new SkillPatch { OldText = "Do the rotation.", NewText = "Do it differently." }));

        Assert.Equal(before, File.ReadAllText(skill.Path));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(skill.Path)!, "*.tmp"));
        library.BeforeReplace = null;
        Assert.Equal("Do the rotation.", (await library.ViewAsync("rotate-token")).Skill!.Steps);
    }

    [Fact]
    public async Task Patches_replace_text_or_sections_keep_history_and_refuse_what_would_break_the_skill()
    {
        using var dir = new TempDirectory();
        using SkillLibrary library = Library(new SkillRoot("project", dir.Combine("skills")));
        await library.CreateAsync(Draft() with { Steps = "Do the rotation.", Category = null });

        Skill patched = await library.PatchAsync("rotate-token", new SkillPatch { OldText = "Do the rotation.", NewText = "Rotate, then revoke." });
        Assert.Equal("Rotate, then revoke.", patched.Steps);
        patched = await library.PatchAsync("rotate-token", new SkillPatch { Sections = new Dictionary<string, string> { ["Pitfalls"] = "Revoking first locks the agent out.", ["Rollback"] = "Restore the old token from the vault." }, Description = "Rotate a token safely." });
        Assert.Equal(("Revoking first locks the agent out.", "Restore the old token from the vault.", "Rotate a token safely."), (patched.Pitfalls, patched.Section("Rollback"), patched.FrontMatter.Description));
        Assert.Equal(2, (await library.HistoryAsync("rotate-token")).Count);

        Assert.Equal("the text to replace is not in skill 'rotate-token'.", (await Assert.ThrowsAsync<SkillException>(() => library.PatchAsync("rotate-token", new SkillPatch { OldText = "nowhere", NewText = "x" }))).Message);
        Assert.StartsWith("the text to replace appears", (await Assert.ThrowsAsync<SkillException>(() => library.PatchAsync("rotate-token", new SkillPatch { OldText = "token", NewText = "x" }))).Message, StringComparison.Ordinal);
        string current = File.ReadAllText(patched.Path);
        var broken = await Assert.ThrowsAsync<SkillException>(() => library.PatchAsync("rotate-token", new SkillPatch { OldText = "## Steps", NewText = "Steps:" }));
        Assert.Contains(broken.Diagnostics, d => d.Code == "SKILL010" && d.Message == "no '## Steps' section");
        Assert.Equal(current, File.ReadAllText(patched.Path));

        Skill restored = await library.RestorePreviousAsync("rotate-token");
        Assert.Equal("Rotate, then revoke.", restored.Steps);
        Assert.Equal("Rotate an agent's Gitea token", restored.FrontMatter.Description[..29]);
    }

    [Fact]
    public async Task Passing_verification_bumps_the_date_keeping_fields_the_open_format_does_not_know()
    {
        using var dir = new TempDirectory();
        CopyFolder(ValidationTests.Fixture("broken", "dotted.name"), dir.Combine("skills", "dotted.name"));
        using SkillLibrary library = Library(new SkillRoot("project", dir.Combine("skills")));

        Assert.False(await library.VerifyAsync("dotted.name", (_, _) => Task.FromResult(false)));
        Assert.Null((await library.ViewAsync("dotted.name")).Skill!.FrontMatter.LastVerified);
        Assert.True(await library.VerifyAsync("dotted.name", (skill, _) => Task.FromResult(skill.Verification == "It works.")));

        string text = File.ReadAllText(dir.Combine("skills", "dotted.name", "SKILL.md"));
        Assert.Contains("version: 1.0.0", text, StringComparison.Ordinal);
        Assert.Equal(DateOnly.FromDateTime(ValidationTests.Today.UtcDateTime), SkillParser.Read(dir.Combine("skills", "dotted.name", "SKILL.md")).Skill!.FrontMatter.LastVerified);
    }

    [Fact]
    public async Task Files_are_read_on_demand_and_never_from_outside_the_skill()
    {
        using var dir = new TempDirectory();
        CopyFolder(ValidationTests.Fixture("valid"), dir.Combine("skills"));
        using SkillLibrary library = Library(new SkillRoot("project", dir.Combine("skills")));

        Assert.Equal(["references/ports.md", "scripts/check.sh"], await library.ListFilesAsync("restart-gitea"));
        Assert.Equal("3000: web and API\n", await library.ReadFileAsync("restart-gitea", "references/ports.md"));
        Assert.Contains("is outside the skill", (await Assert.ThrowsAsync<SkillException>(() => library.ReadFileAsync("restart-gitea", "../../nats-auth/SKILL.md"))).Message, StringComparison.Ordinal);
        Assert.Contains("has no file 'scripts/none.sh' (its files: references/ports.md, scripts/check.sh)", (await Assert.ThrowsAsync<SkillException>(() => library.ReadFileAsync("restart-gitea", "scripts/none.sh"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Links_never_loop_and_never_lead_out_of_a_skill()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // symbolic links need privileges there
        }

        using var dir = new TempDirectory();
        CopyFolder(ValidationTests.Fixture("valid"), dir.Combine("skills"));
        string skill = dir.Combine("skills", "ops", "restart-gitea");
        Assert.True(Directory.Exists(skill), skill);
        File.WriteAllText(dir.Combine("secret.txt"), "not for the agent");
        Directory.CreateSymbolicLink(Path.Combine(skill, "references", "loop"), Path.Combine(skill, "references")); // a folder that contains itself
        Directory.CreateSymbolicLink(Path.Combine(skill, "outside"), dir.Path);                                     // a folder out of the skill
        File.CreateSymbolicLink(Path.Combine(skill, "references", "secret.md"), dir.Combine("secret.txt"));          // a file out of the skill
        File.CreateSymbolicLink(Path.Combine(skill, "references", "ports-again.md"), Path.Combine(skill, "references", "ports.md")); // a link inside
        using SkillLibrary library = Library(new SkillRoot("project", dir.Combine("skills")));

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        IReadOnlyList<string> files = await library.ListFilesAsync("restart-gitea", patience.Token);

        Assert.Equal(["references/ports-again.md", "references/ports.md", "scripts/check.sh"], files);
        Assert.Contains("outside the skill", (await Assert.ThrowsAsync<SkillException>(() => library.ReadFileAsync("restart-gitea", "references/secret.md"))).Message, StringComparison.Ordinal);
        Assert.Contains("outside the skill", (await Assert.ThrowsAsync<SkillException>(() => library.ReadFileAsync("restart-gitea", "outside/secret.txt"))).Message, StringComparison.Ordinal);
        Assert.Equal("3000: web and API\n", await library.ReadFileAsync("restart-gitea", "references/ports-again.md"));
    }

    [Fact]
    public async Task The_skills_are_tools_an_agent_can_call()
    {
        using var dir = new TempDirectory();
        CopyFolder(ValidationTests.Fixture("valid"), dir.Combine("skills"));
        var services = new ServiceCollection();
        services.AddHermesSkills(o => o.Roots.Add(new SkillRoot("project", dir.Combine("skills"))));
        await using ServiceProvider provider = services.BuildServiceProvider();
        Dictionary<string, AIFunction> tools = SkillTools.Create(provider.GetRequiredService<SkillLibrary>()).ToDictionary(f => f.Name);

        Assert.Equal(["skill_create", "skill_file", "skill_patch", "skill_verified", "skill_view", "skills_list"], tools.Keys.Order(StringComparer.Ordinal));
        string listed = (await tools["skills_list"].InvokeAsync(new AIFunctionArguments()))!.ToString()!;
        Assert.Contains("restart-gitea", listed, StringComparison.Ordinal);
        string viewed = (await tools["skill_view"].InvokeAsync(new AIFunctionArguments { ["name"] = "restart-gitea" }))!.ToString()!;
        Assert.Contains("## Verification", viewed, StringComparison.Ordinal);
        Assert.Contains("Files: references/ports.md, scripts/check.sh", viewed, StringComparison.Ordinal);
        string created = (await tools["skill_create"].InvokeAsync(new AIFunctionArguments
        {
            ["name"] = "drain-queue",
            ["description"] = "Drain a stuck work queue.",
            ["trigger"] = "Work piles up in ready.",
            ["steps"] = "Reap stale claims.",
            ["pitfalls"] = "Do not reap blocked work.",
            ["verification"] = "The ready lane empties.",
        }))!.ToString()!;
        Assert.StartsWith("created drain-queue at ", created, StringComparison.Ordinal);
        string refused = (await tools["skill_patch"].InvokeAsync(new AIFunctionArguments { ["name"] = "drain-queue", ["oldText"] = "absent", ["newText"] = "x" }))!.ToString()!;
        Assert.Equal("error: the text to replace is not in skill 'drain-queue'.", refused);
        string verified = (await tools["skill_verified"].InvokeAsync(new AIFunctionArguments { ["name"] = "drain-queue" }))!.ToString()!;
        Assert.StartsWith("drain-queue verified on ", verified, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_are_validated()
    {
        var options = new SkillLibraryOptions { WriteRoot = "nowhere" };
        options.Roots.Add(new SkillRoot("a", "x"));
        options.Roots.Add(new SkillRoot("a", "y"));

        var ex = Assert.Throws<OptionsValidationException>(() => new SkillLibrary(Options.Create(options)));

        Assert.Contains("Roots: the name 'a' is used 2 times", ex.Failures);
        Assert.Contains("WriteRoot: 'nowhere' is not one of the roots (a, a)", ex.Failures);
    }

    private static long BytesRead() =>
        long.Parse(File.ReadLines("/proc/self/io").First(l => l.StartsWith("rchar:", StringComparison.Ordinal))[6..].Trim(), CultureInfo.InvariantCulture);

    internal static void CopyFolder(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
