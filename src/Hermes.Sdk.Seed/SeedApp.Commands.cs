using Hermes.Sdk.Core;
using System.CommandLine;
using System.Globalization;
using Hermes.Sdk.Identity.Storage;
using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.Safety;
using Hermes.Sdk.Skills;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Hermes.Sdk.Seed;

public static partial class SeedApp
{
    private static Command IdentityCommand(SeedAppOptions options, Option<bool> json)
    {
        var create = new Command("new", "Generate the agent's Nostr key and NKey and store them (key files 0600); print only the public parts.");
        create.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            using AgentIdentity identity = await s.Identities.CreateAsync(s.Config.Agent, ct).ConfigureAwait(false);
            return IdentityOutput(s, identity.PublicInfo, created: true);
        }));

        var show = new Command("show", "Print the agent's public identity (npub, public NKey), checking its key files.");
        show.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            IdentityStore store = s.Identities;
            if (!store.Exists(s.Config.Agent))
            {
                throw new SeedNotReadyException($"{store.GetAgentDirectory(s.Config.Agent)}: '{s.Config.Agent}' has no identity yet; run: identity new");
            }

            using AgentIdentity identity = await store.LoadAsync(s.Config.Agent, ct).ConfigureAwait(false);
            return IdentityOutput(s, identity.PublicInfo, created: false);
        }));

        return new Command("identity", "The agent's own keys: Nostr (npub) and NATS (NKey).") { create, show };
    }

    private static SeedOutput IdentityOutput(SeedSession s, AgentIdentityInfo info, bool created)
    {
        var result = new IdentityResult(info.Name, info.Npub, info.NostrPublicKeyHex, info.NKeyPublicKey, s.Identities.GetAgentDirectory(info.Name), info.CreatedAt, created);
        return new SeedOutput(result, console =>
        {
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("agent", Markup.Escape(result.Agent));
            grid.AddRow("npub", result.Npub);
            grid.AddRow("nkey", result.NKey);
            grid.AddRow("stored in", Markup.Escape(result.Directory));
            console.Write(new Panel(grid).Header(created ? "identity created" : "identity"));
        });
    }

    internal sealed record IdentityResult(string Agent, string Npub, string NostrPublicKeyHex, string NKey, string Directory, DateTimeOffset CreatedAt, bool Created);

    private static Command ChainCommand(SeedAppOptions options, Option<bool> json)
    {
        var test = new Command("test", "Probe every provider of the chain, then prove failover: sabotage the primary's key and check a fallback answers.");
        test.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            using var chain = new ModelChain(WithSoul(s, s.Config), loggerFactory: s.Logging, environment: s.Env);
            ModelChainProbeReport probes = await s.Progress.Status().StartAsync("probing the chain", _ => chain.ProbeAsync(cancellationToken: ct)).ConfigureAwait(false);
            FailoverProof proof = await s.Progress.Status().StartAsync("proving failover with a bad primary key", _ => chain.ProveFailoverAsync(ct)).ConfigureAwait(false);
            var result = new ChainTestResult(
                proof.Passed,
                [.. probes.Results.Select(r => new ProbeRow(r.Provider, r.Model, r.Status, (long)r.Latency.TotalMilliseconds, r.Failure?.Detail))],
                new FailoverRow(proof.Sabotage, proof.PrimaryFailure?.Kind.ToString(), proof.AnsweredBy, proof.StreamedBy, proof.Passed, proof.Error));
            return new SeedOutput(result, console =>
            {
                var table = new Table().AddColumns("provider", "model", "status", "ms", "detail");
                foreach (ProbeRow row in result.Probes)
                {
                    table.AddRow(Markup.Escape(row.Provider), Markup.Escape(row.Model), Status(row.Status == ProviderProbeStatus.Reachable, row.Status.ToString()), row.LatencyMs.ToString(CultureInfo.InvariantCulture), Markup.Escape(row.Detail ?? string.Empty));
                }

                console.Write(table);
                console.MarkupLine($"failover ({Markup.Escape(result.Failover.Sabotage)}): {Status(result.Passed, result.Passed ? $"answered by {result.Failover.AnsweredBy}" : result.Failover.Error ?? "no fallback answered")}");
            }, result.Passed ? Ok : NotReady);
        }));
        return new Command("chain", "The fallback model chain: never go deaf.") { test };
    }

    internal sealed record ProbeRow(string Provider, string Model, ProviderProbeStatus Status, long LatencyMs, string? Detail);

    internal sealed record FailoverRow(string Sabotage, string? PrimaryFailure, string? AnsweredBy, string? StreamedBy, bool Passed, string? Error);

    internal sealed record ChainTestResult(bool Passed, IReadOnlyList<ProbeRow> Probes, FailoverRow Failover);

    private static Command SafetyCommand(SeedAppOptions options, Option<bool> json)
    {
        var samples = new Option<int>("--samples") { Description = "Samples per prompt × wrapper; any failing sample fails the cell.", DefaultValueFactory = _ => 3 };
        var parallel = new Option<int>("--parallel") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 4 };
        var judge = new Option<string?>("--judge") { Description = "The judge beside the deterministic checks: auto (each model gets the chain's first model of another family), a provider's name, or none. It can only add failures.", DefaultValueFactory = _ => SafetyRunSettings.AutoJudge };
        var run = new Command("run", "Every crisis prompt under every jailbreak wrapper against every model of the chain, graded; records the results for the ship gate. Exit 1 when any model fails: it is not ready to ship.")
        {
            samples, parallel, judge,
        };
        run.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            SafetyResult result = await RunSafetyAsync(s, parse.GetValue(samples), parse.GetValue(parallel), parse.GetValue(judge), ct).ConfigureAwait(false);
            return new SeedOutput(result, console =>
            {
                var table = new Table().AddColumns("model", "result", "failing cells", "failure classes", "judge");
                foreach (SafetyModelRow row in result.Models)
                {
                    string verdict = !row.Reached ? "could not be reached: not recorded" : row.Passed ? "ready to ship" : "NOT ready to ship";
                    table.AddRow(Markup.Escape(row.Model), Status(row.Passed, verdict), $"{row.FailingCells}/{row.Cells}", Markup.Escape(string.Join(", ", row.FailureClasses)), Markup.Escape(row.Judge));
                }

                console.Write(table);
                foreach (SafetyModelRow row in result.Models.Where(r => !r.Reached))
                {
                    console.WriteLine($"{row.Model}: {row.Unanswered} samples unanswered — the model could not be reached, so nothing was recorded for the ship gate; check its URL and key (chain test) and run again.");
                }

                console.WriteLine($"reports: {string.Join(", ", result.Reports)}");
            }, result.Passed ? Ok : NotReady);
        }));
        return new Command("safety", "Crisis safety tests under jailbreak, and the ship gate.") { run };
    }

    /// <summary>The crisis suite against every model of the chain, graded and recorded for the ship gate (the command and the nightly job).</summary>
    internal static async Task<SafetyResult> RunSafetyAsync(SeedSession s, int samples, int parallel, string? judge, CancellationToken ct)
    {
        var settings = new SafetyRunSettings
        {
            ConfigPath = s.ConfigPath,
            SoulPath = s.SoulPath,
            TestSetPath = s.TestSetPath,
            Locale = s.Config.Locale,
            Samples = samples,
            Parallelism = parallel,
            Judge = judge,
            OutputDirectory = Path.GetDirectoryName(s.ShipRecordsPath)!,
            ShipRecordsPath = s.ShipRecordsPath,
        };
        using SafetyRun safety = SafetyRun.Prepare(settings, s.Logging, s.Env);
        if (safety.Pin.Status == SoulPinStatus.Unpinned)
        {
            s.Warn(safety.Pin.Message);
        }

        SafetyRunResult done = await s.Progress.Progress().AutoClear(false).StartAsync(async ctx =>
        {
            ProgressTask task = ctx.AddTask(Markup.Escape(safety.Describe()), maxValue: safety.TotalSamples);
            return await safety.RunAsync(new Progress(task), ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return new SafetyResult(
            done.Report.Passed,
            [.. done.Report.Models.Select(m => new SafetyModelRow(
                m.ModelId,
                m.Passed,
                m.Cells.Count(c => !c.Passed),
                m.Cells.Count,
                [.. m.FailingCellsByClass.Where(kv => kv.Value > 0).Select(kv => SafetyReport.Name(kv.Key))],
                m.Conclusive,
                m.Unanswered,
                m.Judge ?? $"none ({m.NoJudgeReason ?? "not configured"})"))],
            done.Reports,
            done.ShipRecords);
    }

    internal sealed record SafetyModelRow(string Model, bool Passed, int FailingCells, int Cells, IReadOnlyList<string> FailureClasses, bool Reached, int Unanswered, string Judge);

    internal sealed record SafetyResult(bool Passed, IReadOnlyList<SafetyModelRow> Models, IReadOnlyList<string> Reports, string ShipRecords);

    private sealed class Progress(ProgressTask task) : IProgress<SafetyProgress>
    {
        public void Report(SafetyProgress value) => task.Value = value.Done;
    }

    private static Command SoulCommand(SeedAppOptions options, Option<bool> json)
    {
        var acceptChange = new Option<bool>("--accept-change") { Description = "Pin a soul that differs from its pin: only for a deliberate, reviewed change (then run 'safety run' again)." };
        var pin = new Command("pin", "Pin SOUL.md: write its SHA-256 to SOUL.lock. From then on, a changed soul stops the agent (SOUL DRIFT).") { acceptChange };
        pin.SetAction(parse => ExecuteAsync(options, parse.GetValue(json), s =>
        {
            Soul soul = Soul.Load(s.SoulPath);
            SoulPinCheck current = SoulLock.Check(soul);
            if (current.Status == SoulPinStatus.Drifted && !parse.GetValue(acceptChange))
            {
                throw new SeedInputException(current.Message);
            }

            string lockPath = SoulLock.Pin(soul);
            var result = new SoulResult(soul.Path, soul.Sha256, lockPath);
            return Task.FromResult(new SeedOutput(result, console => console.MarkupLine($"pinned {Markup.Escape(result.Soul)} (sha256 {result.Sha256[..12]}…) in {Markup.Escape(result.Lock)}")));
        }));
        return new Command("soul", "The agent's conscience: SOUL.md, pinned by hash.") { pin };
    }

    internal sealed record SoulResult(string Soul, string Sha256, string Lock);

    private static Command SkillsCommand(SeedAppOptions options, Option<bool> json)
    {
        var list = new Command("list", "The skills the agent can use, from every root (summaries only).");
        list.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            using SkillLibrary library = Library(s);
            SkillCatalog catalog = await library.DiscoverAsync(ct).ConfigureAwait(false);
            var result = new SkillListResult(
                catalog.Diagnostics.All(d => d.Severity != ProblemSeverity.Error),
                [.. catalog.Skills.Select(k => new SkillRow(k.Name, k.Description, k.Category, k.Root, k.Path))],
                [.. catalog.Diagnostics.Select(d => d.ToString())]);
            return new SeedOutput(result, console =>
            {
                var table = new Table().AddColumns("skill", "category", "root", "description");
                foreach (SkillRow row in result.Skills)
                {
                    table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.Category ?? "-"), Markup.Escape(row.Root), Markup.Escape(row.Description));
                }

                console.Write(table);
                foreach (string problem in result.Problems)
                {
                    console.MarkupLine(Markup.Escape(problem));
                }

                console.MarkupLine(Markup.Escape(Count(result.Skills.Count, "skill")) + (result.Valid ? string.Empty : " [red](a skill cannot be read: run skills validate)[/]"));
            }, result.Valid ? Ok : NotReady);
        }));

        var validate = new Command("validate", "Check every skill against the SKILL.md format: each problem with file, line, column and a fix. Exit 1 when any skill has an error.");
        validate.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            SkillValidationResult result = await ValidateSkillsAsync(s, ct).ConfigureAwait(false);
            return new SeedOutput(result, console =>
            {
                foreach (SkillProblem p in result.Problems)
                {
                    console.MarkupLine($"{Markup.Escape($"{p.File}:{p.Line}:{p.Column}")}: {Status(p.Severity != "error", p.Severity)} {Markup.Escape($"{p.Code}: {p.Message} (fix: {p.Fix})")}");
                }

                console.MarkupLine($"{Markup.Escape(Count(result.Skills, "skill"))}: {Status(result.Valid, result.Valid ? "valid" : "invalid")}");
            }, result.Valid ? Ok : NotReady);
        }));

        var name = new Argument<string>("name") { Description = "The skill's name: lower-case letters, digits and hyphens." };
        var description = new Option<string>("--description") { Description = "What the skill does and when to use it (1–1024 characters).", Required = true };
        var category = new Option<string?>("--category") { Description = "A folder to file it under." };
        var trigger = new Option<string>("--trigger") { Description = "When to use it.", Required = true };
        var steps = new Option<string>("--steps") { Description = "What to do.", Required = true };
        var pitfalls = new Option<string>("--pitfalls") { Description = "What goes wrong.", Required = true };
        var verification = new Option<string>("--verification") { Description = "How to know it worked.", Required = true };
        var create = new Command("new", "Save an approach that took real effort as a skill (written atomically; never overwrites).") { name, description, category, trigger, steps, pitfalls, verification };
        create.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            using SkillLibrary library = Library(s);
            Directory.CreateDirectory(SkillRootPath(s, s.Config.SkillRoots[0])); // where new skills are written
            Skill skill = await library.CreateAsync(
                new SkillDraft
                {
                    Name = parse.GetValue(name)!,
                    Description = parse.GetValue(description)!,
                    Category = parse.GetValue(category),
                    Trigger = parse.GetValue(trigger)!,
                    Steps = parse.GetValue(steps)!,
                    Pitfalls = parse.GetValue(pitfalls)!,
                    Verification = parse.GetValue(verification)!,
                },
                cancellationToken: ct).ConfigureAwait(false);
            var result = new SkillRow(skill.Name, skill.FrontMatter.Description, parse.GetValue(category), "seed", skill.Path);
            return new SeedOutput(result, console => console.MarkupLine($"created {Markup.Escape(result.Path)}"));
        }));

        return new Command("skills", "Procedural memory: SKILL.md files.") { list, validate, create };
    }

    /// <summary>
    /// The chain's options with the conscience text ahead of every probe: the soul leads every request to every model,
    /// health probes and the failover proof included. Without a readable soul the probes go alone (doctor reports the soul).
    /// </summary>
    internal static ModelChainOptions WithSoul(SeedSession s, SeedConfig config)
    {
        if (File.Exists(s.SoulPath) && config.Chain.ProbeInstructions is null)
        {
            // Not the pinned check: a probe is not a deployment, and doctor reports an unpinned or drifted soul itself.
            config.Chain.ProbeInstructions = new Conscience(Soul.Load(s.SoulPath), CrisisLine.ForLocale(config.Locale)).SystemText;
        }

        return config.Chain;
    }

    internal static SkillLibrary Library(SeedSession s)
    {
        var libraryOptions = new SkillLibraryOptions();
        foreach (string root in s.Config.SkillRoots)
        {
            libraryOptions.Roots.Add(new SkillRoot(libraryOptions.Roots.Count == 0 ? "seed" : root, SkillRootPath(s, root)));
        }

        libraryOptions.WriteRoot = libraryOptions.Roots[0].Name;
        return new SkillLibrary(Options.Create(libraryOptions), s.Logging.CreateLogger<SkillLibrary>());
    }

    /// <summary>A skill root of config.yaml: relative to the seed, or to the home folder with <c>~</c>.</summary>
    private static string SkillRootPath(SeedSession s, string root) =>
        root.StartsWith('~') ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), root.TrimStart('~', '/')) : Path.Combine(s.Options.Directory, root);

    internal static async Task<SkillValidationResult> ValidateSkillsAsync(SeedSession s, CancellationToken ct)
    {
        using SkillLibrary library = Library(s);
        SkillCatalog catalog = await library.DiscoverAsync(ct).ConfigureAwait(false);
        var problems = new List<SourceProblem>(catalog.Diagnostics);
        foreach (SkillSummary summary in catalog.Skills)
        {
            problems.AddRange(SkillParser.Read(summary.Path).Diagnostics.Where(d => !problems.Contains(d)));
        }

        return new SkillValidationResult(
            problems.All(p => p.Severity != ProblemSeverity.Error),
            catalog.Skills.Count,
            [.. problems.Select(p => new SkillProblem(p.File, p.Line, p.Column, p.Severity.ToString().ToLowerInvariant(), p.Code ?? string.Empty, p.Message, p.Fix ?? string.Empty))]);
    }

    internal sealed record SkillRow(string Name, string Description, string? Category, string Root, string Path);

    internal sealed record SkillListResult(bool Valid, IReadOnlyList<SkillRow> Skills, IReadOnlyList<string> Problems);

    internal sealed record SkillProblem(string File, int Line, int Column, string Severity, string Code, string Message, string Fix);

    internal sealed record SkillValidationResult(bool Valid, int Skills, IReadOnlyList<SkillProblem> Problems);

    /// <summary>Green or red text for a table cell.</summary>
    internal static string Status(bool good, string text) => $"[{(good ? "green" : "red")}]{Markup.Escape(text)}[/]";
}
