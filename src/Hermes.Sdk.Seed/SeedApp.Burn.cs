using Hermes.Sdk.Agents;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Safety;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Hermes.Sdk.Seed;

public static partial class SeedApp
{
    /// <summary><c>run --burn</c>: a wolf's burn night over the seed's repository, ending with the burn report.</summary>
    private static async Task<SeedOutput> BurnNightAsync(SeedSession s, int? maxIssues, TimeSpan? staleAfter, CancellationToken ct)
    {
        SeedConfig config = s.Config;
        if (config.Role != SeedRole.Wolf)
        {
            throw new SeedInputException($"{s.ConfigPath}: role: burn night is the wolf's work; this seed is a {config.Role.ToString().ToLowerInvariant()}.");
        }

        Conscience conscience = Conscience.Load(new SafetyOptions { SoulPath = s.SoulPath, Locale = config.Locale, RequirePinnedSoul = true });
        if (await RefusedByTheShipGateAsync(s).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        using IChatClient agent = new ChatClientBuilder(new ModelChain(config.Chain, loggerFactory: s.Logging, environment: s.Env)).UseConscience(conscience).Build(); // owns the chain
        using GiteaClient gitea = Gitea(s, config.Gitea.TokenEnvironmentVariable);
        var options = new BurnNightOptions
        {
            Owner = config.Gitea.Owner,
            Repo = config.Gitea.Repo,
            Agent = config.Agent,
            MaxIssues = maxIssues ?? config.Work.BurnMaxIssues,
            StaleAfter = staleAfter ?? config.Work.BurnStaleAfter,
            Budget = config.Work.Apply(WolfTriage.DefaultBudget),
        };
        // Gitea does not tell a token its own scopes: the wolf's are those `gitea setup --wolf` creates it with.
        var burn = new BurnNight(new AgentLoop(agent, s.Logging), gitea, options, WolfScopes, s.Logging.CreateLogger<BurnNight>());
        // Reported in line, as each issue is decided: Progress<T> would post to the thread pool, and a line could arrive
        // after the command has returned and its writer is closed.
        BurnReport report = await burn.RunAsync(new InlineProgress<BurnEntry>(e => s.Options.Error.WriteLine($"#{e.Number}: {e.Outcome.ToString().ToLowerInvariant()}")), ct).ConfigureAwait(false);
        return new SeedOutput(report, console => console.WriteLine(report.ToMarkdown()), report.Failed > 0 && report.Triaged == 0 ? NotReady : Ok);
    }

    /// <summary>Reports on the caller's thread, before the work goes on.</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
