using System.CommandLine;
using System.Text.Json;
using Hermes.Samples.Fleet;
using Hermes.Sdk.Fleet;
using Hermes.Sdk.Fleet.Testing;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.TaskQueue;
using Hermes.Sdk.Gitea.Testing;
using Hermes.Sdk.Identity.Storage;
using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.Safety;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// The minimum viable fleet of the blueprint: one strategist and one wolf on the same repository, each with its own
// keys and Gitea token, talking over a real nats-server. The strategist files issues and dispatches triage work on
// the durable work stream; the wolf claims each issue in Gitea, writes a triage comment through its model behind the
// conscience, posts it only if it meets the rubric, and gives the issue back; results stream to the strategist.
var config = new Option<string?>("--config") { Description = "The wolf's chain (a seed's config.yaml). Default: a rule-based stand-in, so the sample runs without API keys." };
var issues = new Option<int>("--issues") { Description = "How many issues to triage.", DefaultValueFactory = _ => 3 };
var root = new RootCommand("Run a two-agent fleet (strategist + wolf) on a real nats-server and a loopback Gitea.") { config, issues };
root.SetAction(async (parse, ct) =>
{
    using ILoggerFactory logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
    using var home = new Scratch();

    // Identities: each agent generates its own keys; the server admits exactly their public NKeys.
    var identities = new IdentityStore(new IdentityStoreOptions { RootDirectory = home.Combine("identities") });
    using AgentIdentity strategist = await identities.CreateAsync("timmy", ct);
    using AgentIdentity wolf = await identities.CreateAsync("wolf-1", ct);
    await using NatsTestServer nats = await NatsTestServer.StartAsync(NatsTestServer.NKeyAuthorization(strategist.NKey.PublicKey.Value, wolf.NKey.PublicKey.Value), jetStream: true, ct);
    Console.WriteLine($"nats-server on {nats.Url} admits timmy ({strategist.PublicInfo.Npub[..16]}…) and wolf-1 ({wolf.PublicInfo.Npub[..16]}…)");

    // The strategist watches the fleet from the start: the deadman view sees every agent's first heartbeat.
    await using FleetBus timmyBus = await FleetBus.ConnectAsync(new FleetOptions { Fleet = "timmy", Agent = "timmy", Url = nats.Url }, strategist.NKey, logging, cancellationToken: ct);
    await using FleetRoster roster = await timmyBus.WatchRosterAsync(ct);
    roster.Changed += view => Console.WriteLine($"  roster: {view.Agent} is {view.Health.ToString().ToLowerInvariant()}{(view.CurrentTask is null ? string.Empty : $" ({view.CurrentTask})")}");

    // The workspace: a Gitea the owner runs (here the loopback one); wolf-1 spawned as the blueprint does it.
    await using GiteaTestServer forge = await GiteaTestServer.StartAsync();
    forge.AddUser("timmy", "timmy-password");
    forge.AddRepo("timmy", "timmy-workspace");
    Environment.SetEnvironmentVariable("SAMPLE_TIMMY_TOKEN", forge.AddToken("timmy", "write:issue", "write:repository", "read:user"));
    Environment.SetEnvironmentVariable("SAMPLE_ADMIN_TOKEN", forge.AddToken("root", "write:admin"));
    using GiteaClient admin = GiteaClient.Create(new GiteaClientOptions { BaseUrl = forge.BaseUrl, TokenEnvironmentVariable = "SAMPLE_ADMIN_TOKEN" }, logging);
    GiteaAccessToken wolfToken = await admin.SpawnAgentAccountAsync("wolf-1", "wolf-1@local", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)), ["write:issue", "read:repository", "read:user"], ct);
    Environment.SetEnvironmentVariable("SAMPLE_WOLF_TOKEN", wolfToken.Sha1);
    using (GiteaClient owner = GiteaClient.Create(new GiteaClientOptions { BaseUrl = forge.BaseUrl, TokenEnvironmentVariable = "SAMPLE_TIMMY_TOKEN" }, logging))
    {
        await owner.Api.AddCollaboratorAsync("timmy", "timmy-workspace", "wolf-1", new AddCollaboratorOption { Permission = "write" }, ct); // the wolf works timmy's queue
    }

    Console.WriteLine($"Gitea on {forge.BaseUrl}: repository timmy/timmy-workspace, users timmy and wolf-1 (own tokens)");

    // The wolf: its chain behind the conscience, its task queue, its place on the bus.
    IChatClient model = parse.GetValue(config) is { } path ? new ModelChain(ModelChainConfig.Load(path).UseCrisisLines("en-US"), loggerFactory: logging) : new StandInTriageModel();
    var conscience = new Conscience(Soul.FromText(SampleSoul.Text), CrisisLine.ForLocale("en-US"));
    using IChatClient wolfMind = new ChatClientBuilder(model).UseConscience(conscience).Build();
    using GiteaClient wolfGitea = GiteaClient.Create(new GiteaClientOptions { BaseUrl = forge.BaseUrl, TokenEnvironmentVariable = "SAMPLE_WOLF_TOKEN" }, logging);
    var wolfQueue = new GiteaTaskQueue(wolfGitea, Options.Create(new GiteaTaskQueueOptions { Owner = "timmy", Repo = "timmy-workspace", Agent = "wolf-1" }), logging.CreateLogger<GiteaTaskQueue>());
    await using FleetBus wolfBus = await FleetBus.ConnectAsync(new FleetOptions { Fleet = "timmy", Agent = "wolf-1", Url = nats.Url }, wolf.NKey, logging, cancellationToken: ct);
    string? working = null;
    await using IAsyncDisposable wolfBeats = wolfBus.StartHeartbeats(() => working is null ? (AgentActivity.Idle, null, null) : (AgentActivity.Busy, working, null));
    await using IAsyncDisposable wolfWork = await wolfBus.WorkAsync("wolves", async (task, token) =>
    {
        long number = task.Payload.GetProperty("issue").GetInt64();
        TaskClaim claim = await wolfQueue.TryClaimAsync(number, token) ?? throw new InvalidOperationException($"#{number} is not claimable");
        working = claim.ToString();
        try
        {
            GiteaIssue issue = await wolfGitea.Api.GetIssueAsync("timmy", "timmy-workspace", number, token);
            ChatResponse reply = await wolfMind.GetResponseAsync(
                [new ChatMessage(ChatRole.System, "Triage the issue. Reply with **Evidence:** (bullets), **Recommended action:** and **Confidence:** low, medium or high."), new ChatMessage(ChatRole.User, $"Issue #{number}: {issue.Title}\n\n{issue.Body}")],
                cancellationToken: token);
            GiteaComment comment = await wolfGitea.PostTriageCommentAsync("timmy", "timmy-workspace", number, reply.Text, token); // refuses a reply without the rubric
            await wolfQueue.ReleaseAsync(claim, cancellationToken: token);
            return JsonSerializer.SerializeToElement(new { issue = number, comment = comment.Id });
        }
        catch
        {
            await wolfQueue.ReleaseAsync(claim, cancellationToken: CancellationToken.None); // the failure goes back to the strategist with the result
            throw;
        }
        finally
        {
            working = null;
        }
    }, ct);

    // The strategist: files the backlog, dispatches one durable triage task per issue, watches the fleet and results.
    using GiteaClient timmyGitea = GiteaClient.Create(new GiteaClientOptions { BaseUrl = forge.BaseUrl, TokenEnvironmentVariable = "SAMPLE_TIMMY_TOKEN" }, logging);
    var timmyQueue = new GiteaTaskQueue(timmyGitea, Options.Create(new GiteaTaskQueueOptions { Owner = "timmy", Repo = "timmy-workspace", Agent = "timmy" }), logging.CreateLogger<GiteaTaskQueue>());
    await timmyQueue.InitializeAsync(ct); // the queue's labels (Gitea drops unknown label names silently)
    using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
    stop.CancelAfter(TimeSpan.FromMinutes(2));
    await using IAsyncEnumerator<TaskResult> results = timmyBus.ResultsAsync(stop.Token).GetAsyncEnumerator(stop.Token);
    ValueTask<bool> next = results.MoveNextAsync();
    int count = parse.GetValue(issues);
    for (int i = 1; i <= count; i++)
    {
        GiteaIssue filed = await timmyGitea.Api.CreateIssueAsync("timmy", "timmy-workspace", new CreateIssueOption { Title = SampleBacklog.Title(i), Body = SampleBacklog.Body(i) }, ct);
        await timmyGitea.Api.AddIssueLabelsByNameAsync("timmy", "timmy-workspace", filed.Number, new IssueLabelNamesOption { Labels = ["ready"] }, ct);
        await timmyBus.EnqueueAsync(new FleetTask { Kind = "triage", Tier = "wolves", IdempotencyKey = $"triage-{filed.Number}", Payload = JsonSerializer.SerializeToElement(new { issue = filed.Number }) }, ct);
        Console.WriteLine($"timmy filed #{filed.Number} \"{filed.Title}\" and dispatched its triage");
    }

    for (int done = 0; done < count && await next;)
    {
        TaskResult result = results.Current;
        Console.WriteLine(result.Ok ? $"timmy heard: {result.Agent} triaged {result.Output}" : $"timmy heard: {result.Agent} failed: {result.Error}");
        if (++done < count)
        {
            next = results.MoveNextAsync();
        }
    }

    Console.WriteLine();
    foreach (AgentView view in roster.Snapshot())
    {
        Console.WriteLine($"roster: {view.Agent} is {view.Health.ToString().ToLowerInvariant()}");
    }

    await foreach (GiteaIssue issue in timmyGitea.ListIssuesAsync("timmy", "timmy-workspace", cancellationToken: ct))
    {
        List<GiteaComment> comments = await timmyGitea.Api.ListCommentsAsync("timmy", "timmy-workspace", issue.Number, ct);
        Console.WriteLine($"#{issue.Number} {issue.Title} [{string.Join(", ", issue.Labels.Select(l => l.Name))}]");
        foreach (GiteaComment comment in comments)
        {
            Console.WriteLine($"  {comment.User?.Login}: {comment.Body.ReplaceLineEndings(" ")}");
        }
    }

    return 0;
});
return await root.Parse(args).InvokeAsync();
