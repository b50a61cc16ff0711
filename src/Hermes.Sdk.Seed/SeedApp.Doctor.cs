using System.CommandLine;
using System.Diagnostics;
using System.Net.Sockets;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.Identity.Storage;
using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.Safety;
using Spectre.Console;

namespace Hermes.Sdk.Seed;

/// <summary>How a check came out.</summary>
public enum SeedCheckStatus
{
    /// <summary>Ready.</summary>
    Ok,

    /// <summary>Waiting on the user (an API key, a Gitea URL, a first safety run).</summary>
    NeedsUser,

    /// <summary>Broken: a file is invalid, a key file is readable by others, a server refused.</summary>
    Failed,
}

/// <summary>One line of <c>survey</c> or <c>doctor</c>.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Status">How it came out.</param>
/// <param name="Detail">What was found, or what to do.</param>
public sealed record SeedCheck(string Name, SeedCheckStatus Status, string Detail);

public static partial class SeedApp
{
    private static readonly string[] WellKnownKeyVariables = ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY", "GITEA_TOKEN"];

    private static Command SurveyCommand(SeedAppOptions options, Option<bool> json)
    {
        var survey = new Command("survey", "What this machine has: the .NET SDK, git, nats-server, a reachable Gitea, a local model endpoint, and which API-key variables are set (names only).");
        survey.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            IReadOnlyList<SeedCheck> checks = await s.Progress.Status().StartAsync("surveying", _ => SurveyAsync(s, ct)).ConfigureAwait(false);
            var result = new ChecksResult(checks.All(c => c.Status == SeedCheckStatus.Ok), checks);
            return new SeedOutput(result, console => RenderChecks(console, checks, null), result.Ready ? Ok : NotReady);
        }));
        return survey;
    }

    private static Command DoctorCommand(SeedAppOptions options, Option<bool> json)
    {
        var doctor = new Command("doctor", "Every check in one summary — files, soul, identity, keys, chain, ship gate, Gitea, NATS. Exit 0 only when the seed is ready.");
        doctor.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            IReadOnlyList<SeedCheck> checks = await s.Progress.Status().StartAsync("checking the seed", _ => DoctorAsync(s, ct)).ConfigureAwait(false);
            bool ready = checks.All(c => c.Status == SeedCheckStatus.Ok);
            var result = new ChecksResult(ready, checks);
            return new SeedOutput(result, console => RenderChecks(console, checks, ready), ready ? Ok : NotReady);
        }));
        return doctor;
    }

    internal sealed record ChecksResult(bool Ready, IReadOnlyList<SeedCheck> Checks);

    private static void RenderChecks(IAnsiConsole console, IReadOnlyList<SeedCheck> checks, bool? ready)
    {
        // One line per check, not a table: a table folds long details (paths, URLs) mid-word at the column edge.
        int width = checks.Count == 0 ? 0 : checks.Max(c => c.Name.Length);
        foreach (SeedCheck c in checks)
        {
            string mark = c.Status switch { SeedCheckStatus.Ok => "[green]ok       [/]", SeedCheckStatus.NeedsUser => "[yellow]needs you[/]", _ => "[red]failed   [/]" };
            console.MarkupLine($"{mark} {Markup.Escape(c.Name.PadRight(width))}  {Markup.Escape(c.Detail)}");
        }

        if (ready is { } r)
        {
            console.MarkupLine(r ? "[green]the seed is ready.[/]" : $"[yellow]not ready yet:[/] {checks.Count(c => c.Status != SeedCheckStatus.Ok)} of {checks.Count} checks need attention.");
        }
    }

    private static async Task<IReadOnlyList<SeedCheck>> SurveyAsync(SeedSession s, CancellationToken ct)
    {
        SeedConfig? config = TryConfig(s, out _);
        var checks = new List<SeedCheck>
        {
            await ToolCheckAsync(".NET SDK", "dotnet", "--version", required: true, ct).ConfigureAwait(false),
            await ToolCheckAsync("git", "git", "--version", required: true, ct).ConfigureAwait(false),
            await ToolCheckAsync("nats-server", "nats-server", "--version", required: config?.NatsUrl is not null, ct).ConfigureAwait(false),
        };
        checks.Add(await GiteaReachableAsync(s, config, ct).ConfigureAwait(false));
        checks.Add(await LocalModelCheckAsync(s, config, ct).ConfigureAwait(false));
        IEnumerable<string> variables = WellKnownKeyVariables
            .Concat(config?.Chain.Providers.Select(p => p.ApiKeyEnvironmentVariable).OfType<string>() ?? [])
            .Append(config?.Gitea.TokenEnvironmentVariable ?? "GITEA_TOKEN")
            .Distinct(StringComparer.Ordinal);
        checks.AddRange(variables.Select(v => new SeedCheck($"${v}", s.Env(v) is null ? SeedCheckStatus.NeedsUser : SeedCheckStatus.Ok, s.Env(v) is null ? "not set" : "set")));
        return checks;
    }

    private static async Task<IReadOnlyList<SeedCheck>> DoctorAsync(SeedSession s, CancellationToken ct)
    {
        var checks = new List<SeedCheck>();
        SeedConfig? config = TryConfig(s, out string? configProblem);
        checks.Add(config is null
            ? new SeedCheck("config.yaml", SeedCheckStatus.Failed, configProblem!)
            : new SeedCheck("config.yaml", SeedCheckStatus.Ok, $"agent {config.Agent} ({config.Role.ToString().ToLowerInvariant()}), fleet {config.Fleet}, chain {config.Chain.Providers.Count} deep"));
        checks.Add(SoulCheck(s));
        checks.Add(Check("safety-tests.md", () =>
        {
            SafetyTestSet tests = SafetyTestSet.Load(s.TestSetPath);
            return (SeedCheckStatus.Ok, $"{tests.Prompts.Count} crisis prompts, {tests.Wrappers.Count} jailbreak wrappers");
        }));
        if (config is null)
        {
            return checks;
        }

        SkillValidationResult skills = await ValidateSkillsAsync(s, ct).ConfigureAwait(false);
        checks.Add(new SeedCheck("skills", skills.Valid ? SeedCheckStatus.Ok : SeedCheckStatus.Failed, skills.Valid ? $"{Count(skills.Skills, "skill")} valid" : string.Join("; ", skills.Problems.Where(p => p.Severity == "error").Select(p => $"{p.File}:{p.Line}:{p.Column}: {p.Message}"))));
        checks.Add(await IdentityCheckAsync(s, config, ct).ConfigureAwait(false));

        IReadOnlyList<string> missing = ModelChainConfig.FindMissingApiKeys(config.Chain, s.Env);
        checks.Add(new SeedCheck("API keys", missing.Count == 0 ? SeedCheckStatus.Ok : SeedCheckStatus.NeedsUser, missing.Count == 0 ? "every provider's key variable is set" : $"{string.Join(" ", missing)} (the chain skips providers without keys)"));
        checks.Add(await ChainCheckAsync(s, config, ct).ConfigureAwait(false));

        ShipGate gate = s.ShipGate();
        foreach (string model in config.Chain.Providers.Select(SafetySuite.ModelIdOf))
        {
            checks.Add(Check($"ship gate: {model}", () =>
            {
                ShipClearance clearance = gate.Check(model);
                return (clearance.Cleared ? SeedCheckStatus.Ok : clearance.Record is { Passed: false } ? SeedCheckStatus.Failed : SeedCheckStatus.NeedsUser, clearance.Cleared ? clearance.Reason : clearance.Reason + " (safety run)");
            }));
        }

        checks.Add(await GiteaCheckAsync(s, config, ct).ConfigureAwait(false));
        if (config.NatsUrl is { } nats)
        {
            checks.Add(await TcpCheckAsync("NATS", nats, 4222, s.Options.ProbeTimeout, ct).ConfigureAwait(false));
        }

        return checks;
    }

    private static SeedConfig? TryConfig(SeedSession s, out string? problem)
    {
        try
        {
            problem = null;
            return s.Config;
        }
        catch (SeedConfigException ex)
        {
            problem = string.Join("; ", ex.Problems.Take(3).Select(p => p.ToString())) + (ex.Problems.Count > 3 ? $" (and {ex.Problems.Count - 3} more)" : string.Empty);
            return null;
        }
    }

    /// <summary>A check whose bad input (a missing or invalid file) is a failed line, not an exception.</summary>
    private static SeedCheck Check(string name, Func<(SeedCheckStatus Status, string Detail)> check)
    {
        try
        {
            (SeedCheckStatus status, string detail) = check();
            return new SeedCheck(name, status, detail);
        }
        catch (Exception ex) when (Problems(ex) is { } problems)
        {
            return new SeedCheck(name, SeedCheckStatus.Failed, string.Join("; ", problems));
        }
    }

    private static SeedCheck SoulCheck(SeedSession s) => Check("SOUL.md", () =>
    {
        Soul soul = Soul.Load(s.SoulPath);
        SoulPinCheck pin = SoulLock.Check(soul);
        return pin.Status switch
        {
            SoulPinStatus.Pinned => (SeedCheckStatus.Ok, $"pinned (sha256 {soul.Sha256[..12]}…)"),
            SoulPinStatus.Unpinned => (SeedCheckStatus.NeedsUser, "not pinned yet: read it, make it yours, then run: soul pin"),
            _ => (SeedCheckStatus.Failed, pin.Message),
        };
    });

    private static async Task<SeedCheck> IdentityCheckAsync(SeedSession s, SeedConfig config, CancellationToken ct)
    {
        IdentityStore store = s.Identities;
        if (!store.Exists(config.Agent))
        {
            return new SeedCheck("identity", SeedCheckStatus.NeedsUser, "no keys yet: run: identity new");
        }

        try
        {
            using AgentIdentity identity = await store.LoadAsync(config.Agent, ct).ConfigureAwait(false);
            return new SeedCheck("identity", SeedCheckStatus.Ok, $"{identity.Nostr.PublicKey.ToNpub()} / {identity.NKey.PublicKey.Value}");
        }
        catch (Exception ex) when (Problems(ex) is { } problems)
        {
            return new SeedCheck("identity", SeedCheckStatus.Failed, string.Join("; ", problems));
        }
    }

    private static async Task<SeedCheck> ChainCheckAsync(SeedSession s, SeedConfig config, CancellationToken ct)
    {
        using var chain = new ModelChain(WithSoul(s, config), loggerFactory: s.Logging, environment: s.Env);
        ModelChainProbeReport report = await chain.ProbeAsync(cancellationToken: ct).ConfigureAwait(false);
        string detail = string.Join(", ", report.Results.Select(r => $"{r.Provider}: {r.Status}"));
        // Every model must answer: a chain that is three deep on paper but one deep in fact is not ready.
        return new SeedCheck("chain", report.ReachableCount == report.Results.Count ? SeedCheckStatus.Ok : SeedCheckStatus.NeedsUser, $"{report.ReachableCount} of {report.Results.Count} answer ({detail}); chain test proves failover");
    }

    private static async Task<SeedCheck> GiteaReachableAsync(SeedSession s, SeedConfig? config, CancellationToken ct)
    {
        if (config?.Gitea.Url is not { } url)
        {
            return new SeedCheck("Gitea", SeedCheckStatus.NeedsUser, "no gitea.url in config.yaml");
        }

        using var http = new HttpClient { Timeout = s.Options.ProbeTimeout };
        try
        {
            using HttpResponseMessage response = await http.GetAsync(new Uri(url, "api/v1/version"), ct).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? new SeedCheck("Gitea", SeedCheckStatus.Ok, $"{url} answers ({body.Trim()})")
                : new SeedCheck("Gitea", SeedCheckStatus.Failed, $"{url} answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new SeedCheck("Gitea", SeedCheckStatus.NeedsUser, $"{url} does not answer: start Gitea (blueprint step 4), or fix gitea.url");
        }
    }

    private static async Task<SeedCheck> GiteaCheckAsync(SeedSession s, SeedConfig config, CancellationToken ct)
    {
        SeedCheck reachable = await GiteaReachableAsync(s, config, ct).ConfigureAwait(false);
        if (reachable.Status != SeedCheckStatus.Ok)
        {
            return reachable;
        }

        if (s.Env(config.Gitea.TokenEnvironmentVariable) is null)
        {
            return new SeedCheck("Gitea", SeedCheckStatus.NeedsUser, $"{config.Gitea.TokenEnvironmentVariable} is not set: create a token for {config.Agent} and export it");
        }

        try
        {
            using GiteaClient client = Gitea(s, config.Gitea.TokenEnvironmentVariable);
            GiteaUser me = await client.Api.GetCurrentUserAsync(ct).ConfigureAwait(false);
            return string.Equals(me.Login, config.Agent, StringComparison.OrdinalIgnoreCase)
                ? new SeedCheck("Gitea", SeedCheckStatus.Ok, $"{config.Gitea.Url} as {me.Login}; workspace {config.Gitea.Owner}/{config.Gitea.Repo}")
                : new SeedCheck("Gitea", SeedCheckStatus.Failed, $"the token authenticates as '{me.Login}', not '{config.Agent}': each agent uses its own token");
        }
        catch (GiteaException ex)
        {
            return new SeedCheck("Gitea", SeedCheckStatus.Failed, ex.Message);
        }
    }

    private static async Task<SeedCheck> LocalModelCheckAsync(SeedSession s, SeedConfig? config, CancellationToken ct)
    {
        List<Uri> candidates = [new Uri("http://127.0.0.1:11434/")];
        candidates.AddRange(config?.Chain.Providers.Select(p => p.BaseUrl).OfType<Uri>().Where(u => u.IsLoopback) ?? []);
        foreach (Uri url in candidates.Distinct())
        {
            if ((await TcpCheckAsync("local model endpoint", url, url.Port, s.Options.ProbeTimeout, ct).ConfigureAwait(false)).Status == SeedCheckStatus.Ok)
            {
                return new SeedCheck("local model endpoint", SeedCheckStatus.Ok, $"{url} is listening");
            }
        }

        return new SeedCheck("local model endpoint", SeedCheckStatus.NeedsUser, "none found (Ollama listens on 127.0.0.1:11434); optional: private, free inference");
    }

    private static async Task<SeedCheck> TcpCheckAsync(string name, Uri url, int defaultPort, TimeSpan timeout, CancellationToken ct)
    {
        using var client = new TcpClient();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(url.Host, url.IsDefaultPort || url.Port < 0 ? defaultPort : url.Port, limit.Token).ConfigureAwait(false);
            return new SeedCheck(name, SeedCheckStatus.Ok, $"{url} is listening");
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new SeedCheck(name, SeedCheckStatus.NeedsUser, $"{url} is not listening");
        }
    }

    private static async Task<SeedCheck> ToolCheckAsync(string name, string command, string arguments, bool required, CancellationToken ct)
    {
        try
        {
            var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using Process process = Process.Start(start)!;
            string output = await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            string version = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(no version)";
            return new SeedCheck(name, process.ExitCode == 0 ? SeedCheckStatus.Ok : SeedCheckStatus.Failed, version);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new SeedCheck(name, required ? SeedCheckStatus.NeedsUser : SeedCheckStatus.Ok, required ? $"{command} is not installed" : $"{command} is not installed (only needed once the fleet uses NATS)");
        }
    }
}
