using System.CommandLine;
using Hermes.Sdk.Agents;
using Hermes.Sdk.Core;
using System.Security.Cryptography;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.Gitea.Webhooks;
using Hermes.Sdk.TaskQueue;
using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Safety;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Hermes.Sdk.Seed;

public static partial class SeedApp
{
    /// <summary>What a wolf's token may do: work issues and read repositories and users.</summary>
    private static readonly string[] WolfScopes = ["write:issue", "read:repository", "read:user"];

    private static Command GiteaCommand(SeedAppOptions options, Option<bool> json)
    {
        var wolf = new Option<string?>("--wolf") { Description = "Also create this agent's Gitea user and token (needs an admin token in gitea.admin_token_env); the token is saved 0600 under .hermes/, never printed." };
        var setup = new Command("setup", "Create the fleet's labels (ready, in-progress, blocked, in-review, assigned:<agent>) in the workspace repository; with --wolf, spawn a second agent's account.") { wolf };
        setup.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            using GiteaClient client = Gitea(s, s.Config.Gitea.TokenEnvironmentVariable);
            GiteaTaskQueue queue = Queue(s, client);
            await queue.InitializeAsync(ct).ConfigureAwait(false);
            List<string> labels = [];
            await foreach (GiteaLabel label in client.ListLabelsAsync(s.Config.Gitea.Owner, s.Config.Gitea.Repo, ct).ConfigureAwait(false))
            {
                labels.Add(label.Name);
            }

            WolfResult? spawned = null;
            if (parse.GetValue(wolf) is { } wolfName)
            {
                spawned = await SpawnWolfAsync(s, wolfName, ct).ConfigureAwait(false);
            }

            var result = new GiteaSetupResult(s.Config.Gitea.Url!.ToString(), $"{s.Config.Gitea.Owner}/{s.Config.Gitea.Repo}", s.Config.Agent, labels, spawned);
            return new SeedOutput(result, console =>
            {
                console.MarkupLine($"{Markup.Escape(result.Repository)} on {Markup.Escape(result.Url)}: labels {Markup.Escape(string.Join(", ", result.Labels))}");
                if (result.Wolf is { } w)
                {
                    console.MarkupLine($"spawned {Markup.Escape(w.User)}: token saved to {Markup.Escape(w.TokenFile)} (0600)");
                }
            });
        }));
        return new Command("gitea", "The workspace: a Gitea the owner runs.") { setup };
    }

    private static async Task<WolfResult> SpawnWolfAsync(SeedSession s, string wolf, CancellationToken ct)
    {
        if (Identity.Storage.AgentNames.Validate(wolf) is { } problem)
        {
            throw new SeedInputException($"--wolf: {problem}");
        }

        string tokenFile = Path.Combine(s.Options.Directory, ".hermes", $"gitea-{wolf}.token");
        if (File.Exists(tokenFile))
        {
            throw new SeedInputException($"{tokenFile}: {wolf} already has a token; not overwritten.");
        }

        using GiteaClient admin = Gitea(s, s.Config.Gitea.AdminTokenEnvironmentVariable);
        string password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)); // used once to mint the token, then forgotten
        GiteaAccessToken token = await admin.SpawnAgentAccountAsync(wolf, $"{wolf}@local", password, WolfScopes, ct).ConfigureAwait(false);
        AtomicFile.CreateOwnerOnlyDirectory(Path.GetDirectoryName(tokenFile)!);
        AtomicFile.CreateNew(tokenFile, System.Text.Encoding.UTF8.GetBytes((token.Sha1 ?? throw new InvalidDataException("Gitea returned the new token without its value.")) + "\n"), AtomicFile.OwnerOnly);

        // The wolf works the seed's queue: it needs write access to the workspace (labels and assignees need it; Gitea
        // answers 403 "write permission is required" otherwise). The seed's own token, the repository's owner, grants it.
        using GiteaClient own = Gitea(s, s.Config.Gitea.TokenEnvironmentVariable);
        await own.Api.AddCollaboratorAsync(s.Config.Gitea.Owner, s.Config.Gitea.Repo, wolf, new AddCollaboratorOption { Permission = "write" }, ct).ConfigureAwait(false);

        return new WolfResult(wolf, tokenFile, WolfScopes);
    }

    internal sealed record WolfResult(string User, string TokenFile, IReadOnlyList<string> Scopes);

    internal sealed record GiteaSetupResult(string Url, string Repository, string Agent, IReadOnlyList<string> Labels, WolfResult? Wolf);

    private static GiteaClient Gitea(SeedSession s, string tokenVariable)
    {
        SeedGitea gitea = s.Config.Gitea;
        if (gitea.Url is null)
        {
            throw new SeedInputException($"{s.ConfigPath}: gitea.url: not set; add the address of your Gitea (for example http://localhost:3000).");
        }

        if (s.Env(tokenVariable) is null)
        {
            throw new SeedInputException($"{s.ConfigPath}: the Gitea token variable {tokenVariable} is not set; create a token for '{s.Config.Agent}' in Gitea and export it as {tokenVariable}.");
        }

        return GiteaClient.Create(new GiteaClientOptions { BaseUrl = gitea.Url, TokenEnvironmentVariable = tokenVariable }, s.Logging);
    }

    private static GiteaTaskQueue Queue(SeedSession s, GiteaClient client) =>
        new(client, Options.Create(new GiteaTaskQueueOptions { Owner = s.Config.Gitea.Owner, Repo = s.Config.Gitea.Repo, Agent = s.Config.Agent }), s.Logging.CreateLogger<GiteaTaskQueue>());

    private static Command RunCommand(SeedAppOptions options, Option<bool> json)
    {
        var once = new Option<bool>("--once") { Description = "Work at most one issue, then exit." };
        var interval = new Option<TimeSpan>("--interval") { Description = "How long to wait when nothing is ready.", DefaultValueFactory = _ => TimeSpan.FromSeconds(30) };
        var burn = new Option<bool>("--burn") { Description = "Burn night (wolves): triage up to --max-issues stale issues with the rubric, then print the burn report." };
        var maxIssues = new Option<int?>("--max-issues") { Description = "Burn night: how many stale issues to look at, oldest activity first (default: config.yaml's work.burn_max_issues, else 50)." };
        var staleAfter = new Option<TimeSpan?>("--stale-after") { Description = "Burn night: an issue is stale after this long without activity (default: config.yaml's work.burn_stale_after, else 14 days)." };
        var run = new Command("run", "The agent loop: claim a ready issue and do the role's work through tools, with soul and conscience — a worker opens a pull request (the issue goes to review), a wolf triages, a strategist reviews open pull requests first and then plans. With --burn, a wolf's burn night instead. Refuses to start with a drifted soul or a model the ship gate has not cleared.")
        {
            once, interval, burn, maxIssues, staleAfter,
        };
        run.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), s => parse.GetValue(burn)
            ? BurnNightAsync(s, parse.GetValue(maxIssues), parse.GetValue(staleAfter), ct)
            : RunLoopAsync(s, parse.GetValue(once), parse.GetValue(interval), ct)));
        return run;
    }

    private static async Task<SeedOutput> RunLoopAsync(SeedSession s, bool once, TimeSpan interval, CancellationToken ct)
    {
        var run = new SeedRunState();
        await using SeedFleetPresence presence = await SeedFleetPresence.JoinAsync(s, () => run.Working, (task, c) => RunJobAsync(s, task, c), ct).ConfigureAwait(false);
        while (true)
        {
            if (await RunGenerationAsync(s, presence, run, once, interval, ct).ConfigureAwait(false) is { } done)
            {
                return done;
            }

            s.Reload(); // the registry's change is on disk and checked: start again on it
        }
    }

    /// <summary>The loop on one configuration; null when the registry's change was switched to and the loop must restart on it.</summary>
    private static async Task<SeedOutput?> RunGenerationAsync(SeedSession s, SeedFleetPresence presence, SeedRunState run, bool once, TimeSpan interval, CancellationToken ct)
    {
        SeedConfig config = s.Config;
        Conscience conscience = Conscience.Load(new SafetyOptions { SoulPath = s.SoulPath, Locale = config.Locale, RequirePinnedSoul = true });
        if (await RefusedByTheShipGateAsync(s).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        using IChatClient agent = new ChatClientBuilder(new ModelChain(config.Chain, loggerFactory: s.Logging, environment: s.Env)).UseConscience(conscience).Build(); // owns the chain
        using GiteaClient gitea = Gitea(s, config.Gitea.TokenEnvironmentVariable);
        GiteaTaskQueue queue = Queue(s, gitea);
        await using SeedToolbox toolbox = await SeedToolbox.OpenAsync(s, ct).ConfigureAwait(false);
        ReviewQueue? reviews = config.Role == SeedRole.Strategist && config.Gitea.TokenScopes.Any(scope => scope is "all" or "write:repository")
            ? new ReviewQueue(new AgentLoop(agent, s.Logging), gitea, SeedWork.ToolOptions(config), config.Gitea.TokenScopes, toolbox.Tools, s.Logging.CreateLogger<ReviewQueue>()) { Budget = config.Work.Apply(ReviewQueue.DefaultBudget) }
            : null;
        await using GiteaWebhookReceiver? webhooks = once || config.Gitea.WebhookListen is not { } listen ? null : await GiteaWebhookReceiver.StartAsync(
            new GiteaWebhookOptions { Listen = listen, SecretEnvironmentVariable = config.Gitea.WebhookSecretEnvironmentVariable, Repository = $"{config.Gitea.Owner}/{config.Gitea.Repo}" }, s.Env, s.Logging, ct).ConfigureAwait(false);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (presence.TrySwitch())
                {
                    return null; // idle here: nothing claimed, nothing half done
                }

                if (reviews is not null)
                {
                    // Strategists think: the review queue comes before new issues.
                    foreach (GiteaPullRequest pr in (await reviews.AwaitingReviewAsync(ct).ConfigureAwait(false)).Take(5))
                    {
                        run.Working = $"{config.Gitea.Owner}/{config.Gitea.Repo}#{pr.Number} (review)";
                        ReviewResult review = await reviews.ReviewAsync(pr, SeedWork.Instructions(config), ct).ConfigureAwait(false);
                        run.Reviewed.Add(new ReviewedPullRequest(review.PullRequest, review.State, review.LineComments, review.Run.StopReason.ToString()));
                        run.Working = null;
                    }
                }

                (TaskClaim Claim, GiteaIssue Issue, List<GiteaComment> Comments)? next = await ClaimUnansweredAsync(queue, gitea, config, ct).ConfigureAwait(false);
                if (next is not { } taken)
                {
                    if (once)
                    {
                        break;
                    }

                    if (config.Role == SeedRole.Strategist)
                    {
                        await queue.ReapStaleAsync(ct).ConfigureAwait(false);
                    }

                    await WaitForWorkAsync(s, webhooks, interval, presence.Changed, ct).ConfigureAwait(false);
                    continue;
                }

                run.Working = taken.Claim.ToString();
                HandledIssue handledIssue = await WorkAsync(s, queue, gitea, agent, toolbox, taken.Claim, taken.Issue, taken.Comments, ct).ConfigureAwait(false);
                run.Handled.Add(handledIssue);
                presence.Model = handledIssue.AnsweredBy ?? presence.Model;
                run.Working = null;
                if (once)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped (Ctrl+C): report what was done; a claim in hand is left for the reaper.
        }

        List<HandledIssue> handled = run.Handled;
        List<ReviewedPullRequest> reviewed = run.Reviewed;
        var result = new RunResult(true, handled, []) { Reviewed = reviewed };
        return new SeedOutput(result, console =>
        {
            if (handled.Count == 0 && reviewed.Count == 0)
            {
                console.WriteLine("nothing ready to work on.");
            }

            foreach (ReviewedPullRequest r in reviewed)
            {
                console.MarkupLine($"pull request #{r.PullRequest}: {Markup.Escape(r.Review.ToLowerInvariant())}, {Count(r.LineComments, "line comment")}");
            }

            foreach (HandledIssue h in handled)
            {
                console.MarkupLine($"#{h.Issue} {Markup.Escape(h.Title)}: {Markup.Escape(h.Outcome)}{(h.AnsweredBy is null ? string.Empty : $" (answered by {Markup.Escape(h.AnsweredBy)})")}{(h.Note is null ? string.Empty : $" — {Markup.Escape(h.Note)}")}");
            }
        });
    }

    /// <summary>What a run has done so far, across restarts on new configurations.</summary>
    private sealed class SeedRunState
    {
        public volatile string? Working;

        public List<HandledIssue> Handled { get; } = [];

        public List<ReviewedPullRequest> Reviewed { get; } = [];
    }

    /// <summary>
    /// Waits out the polling interval, ending early when a webhook says an issue turned ready or a pull request needs
    /// review, or when the fleet's registry asks for a change. Polling stays the fallback: a missed delivery only costs
    /// one interval.
    /// </summary>
    private static async Task WaitForWorkAsync(SeedSession s, GiteaWebhookReceiver? webhooks, TimeSpan interval, CancellationToken registryChanged, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, registryChanged);
        timeout.CancelAfter(interval);
        try
        {
            if (webhooks is null)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, timeout.Token).ConfigureAwait(false);
                return;
            }

            GiteaWakeUp wake = await webhooks.WaitAsync(timeout.Token).ConfigureAwait(false);
            await s.Options.Error.WriteLineAsync($"woken: {wake.Reason} {wake.Repository}#{wake.Number}").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The interval is over: poll.
        }
    }

    /// <summary>Null when every model of the chain is cleared; otherwise the output that says the agent did not start.</summary>
    private static async Task<SeedOutput?> RefusedByTheShipGateAsync(SeedSession s)
    {
        IReadOnlyList<ShipClearance> refused = SeedShipGate.Refused(s.Options.Directory, s.Config);
        if (refused.Count == 0)
        {
            return null;
        }

        foreach (ShipClearance c in refused)
        {
            await s.Options.Error.WriteLineAsync($"ship gate: {c.Reason}").ConfigureAwait(false);
        }

        var notCleared = new RunResult(false, [], [.. refused.Select(c => c.Reason)]);
        return new SeedOutput(notCleared, console => console.MarkupLine(Status(false, "not started: run `safety run` until every model of the chain is cleared")), NotReady);
    }

    /// <summary>The next ready issue this agent has not answered last (an answered issue waits for people), claimed, with its comments.</summary>
    private static async Task<(TaskClaim Claim, GiteaIssue Issue, List<GiteaComment> Comments)?> ClaimUnansweredAsync(GiteaTaskQueue queue, GiteaClient gitea, SeedConfig config, CancellationToken ct)
    {
        await queue.InitializeAsync(ct).ConfigureAwait(false);
        await foreach (GiteaIssue issue in queue.ListReadyAsync(ct).ConfigureAwait(false))
        {
            List<GiteaComment> comments = await gitea.Api.ListCommentsAsync(config.Gitea.Owner, config.Gitea.Repo, issue.Number, ct).ConfigureAwait(false);
            if (comments.Count > 0 && string.Equals(comments[^1].User?.Login, config.Agent, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (await queue.TryClaimAsync(issue.Number, ct).ConfigureAwait(false) is { } claim)
            {
                return (claim, issue, comments);
            }
        }

        return null;
    }

    private static async Task<HandledIssue> WorkAsync(SeedSession s, GiteaTaskQueue queue, GiteaClient gitea, IChatClient agent, SeedToolbox toolbox, TaskClaim claim, GiteaIssue issue, List<GiteaComment> comments, CancellationToken ct)
    {
        SeedConfig config = s.Config;
        await queue.StartAsync(claim, ct).ConfigureAwait(false);
        SeedWorkOutcome outcome;
        try
        {
            var item = new SeedWorkItem(config, claim, issue, comments, gitea) { Tools = toolbox.Tools, LoggerFactory = s.Logging };
            outcome = await s.Options.Work(item, agent, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The agent could not work it (the whole chain failed, say): give it back for another agent or a later try.
            await queue.ReleaseAsync(claim, $"{config.Agent} could not work this issue ({ex.GetType().Name}); it is ready again.", CancellationToken.None).ConfigureAwait(false);
            return new HandledIssue(claim.Number, issue.Title, "released", null, $"{ex.GetType().Name}: {ex.Message}");
        }

        if (outcome.Comment is { Length: > 0 } comment && outcome.Disposition != SeedWorkDisposition.Complete)
        {
            await gitea.Api.CreateCommentAsync(config.Gitea.Owner, config.Gitea.Repo, claim.Number, new CreateIssueCommentOption { Body = comment }, ct).ConfigureAwait(false);
        }

        switch (outcome.Disposition)
        {
            case SeedWorkDisposition.Complete:
                await queue.CompleteAsync(claim, outcome.Comment, ct).ConfigureAwait(false);
                return new HandledIssue(claim.Number, issue.Title, "completed", outcome.AnsweredBy, outcome.Note);
            case SeedWorkDisposition.InReview when outcome.PullRequest is { } pr:
                await queue.LinkPullRequestAsync(claim, pr, ct).ConfigureAwait(false);
                return new HandledIssue(claim.Number, issue.Title, $"in review (#{pr})", outcome.AnsweredBy, outcome.Note);
            case SeedWorkDisposition.Block:
                await queue.BlockAsync(claim, outcome.Note ?? "waiting on people", ct).ConfigureAwait(false);
                return new HandledIssue(claim.Number, issue.Title, "blocked", outcome.AnsweredBy, outcome.Note);
            default:
                await queue.ReleaseAsync(claim, cancellationToken: ct).ConfigureAwait(false);
                return new HandledIssue(claim.Number, issue.Title, outcome.Comment is null ? "released" : "commented and released", outcome.AnsweredBy, outcome.Note);
        }
    }

    internal sealed record HandledIssue(long Issue, string Title, string Outcome, string? AnsweredBy, string? Note);

    internal sealed record RunResult(bool Started, IReadOnlyList<HandledIssue> Handled, IReadOnlyList<string> Refused)
    {
        public IReadOnlyList<ReviewedPullRequest> Reviewed { get; init; } = [];
    }

    internal sealed record ReviewedPullRequest(long PullRequest, string Review, int LineComments, string StopReason);
}
