using Hermes.Sdk.Fleet;
using Hermes.Sdk.Fleet.Testing;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.Gitea.Testing;
using Hermes.Sdk.Identity.NKeys;

namespace Hermes.Sdk.CommandCenter.Tests;

/// <summary>
/// A fleet's truth to look at: the loopback forge with issues in every lane and two pull requests (one touching the soul
/// with a failing check, one routine, approved and green), and a real nats-server with JetStream holding the registry
/// (three agents, one of which never starts), two agents' heartbeats (one busy, one rate-limited) and two schedules
/// (one paused, one whose runner last looked ten minutes ago) — and the command center reading both.
/// </summary>
internal sealed class CommandCenterFixture : IAsyncDisposable
{
    public const string Owner = "timmy", Repo = "timmy-workspace";

    private static int _next;
    private readonly List<IAsyncDisposable> _owned = [];

    public GiteaTestServer Gitea { get; private set; } = null!;

    public NatsTestServer Nats { get; private set; } = null!;

    public CommandCenter Center { get; private set; } = null!;

    public string Token { get; private set; } = string.Empty;

    public string TokenVariable { get; } = $"HERMES_CC_TEST_TOKEN_{Interlocked.Increment(ref _next)}_{Environment.ProcessId}";

    public Dictionary<string, long> Issues { get; } = [];

    public Dictionary<string, long> Pulls { get; } = [];

    public static async Task<CommandCenterFixture> StartAsync(Action<CommandCenterOptions>? configure = null)
    {
        var fx = new CommandCenterFixture();
        await fx.SeedGiteaAsync();
        await fx.SeedFleetAsync();
        var options = new CommandCenterOptions { Listen = new Uri("http://127.0.0.1:0"), GiteaUrl = fx.Gitea.BaseUrl, GiteaTokenEnvironmentVariable = fx.TokenVariable };
        options.Repositories.Add($"{Owner}/{Repo}");
        configure?.Invoke(options);
        FleetBus reader = await fx.ConnectAsync("operator");
        fx.Center = await CommandCenter.StartAsync(options, reader);
        await fx.UntilBothBeatsAreSeenAsync();
        return fx;
    }

    /// <summary>
    /// Heartbeats are not kept: the command center knows an agent from the first beat after its watch began (every
    /// 500 ms here), and until one deadman window has passed (1.5 s) rightly shows one it has not heard from as unknown,
    /// not down. The views are read once both agents have been seen and the ghost, never started, counts as down.
    /// </summary>
    private async Task UntilBothBeatsAreSeenAsync()
    {
        using var http = new HttpClient();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await http.GetStringAsync(new Uri(Center.Url, "/api/agents")) is var agents
            && !(agents.Contains("\"busy\"", StringComparison.Ordinal) && agents.Contains("\"rate-limited\"", StringComparison.Ordinal) && agents.Contains("\"down\"", StringComparison.Ordinal)))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"the command center never saw both heartbeats and the ghost down: {agents}");
            await Task.Delay(100);
        }
    }

    private readonly Dictionary<string, NKeyPair> _keys = new[] { "operator", "timmy", "wolf-1" }.ToDictionary(a => a, _ => NKeyPair.Create(NKeyRole.User));

    public async Task<FleetBus> ConnectAsync(string agent)
    {
        var options = new FleetOptions { Fleet = "timmy", Agent = agent, Url = Nats.Url, HeartbeatInterval = TimeSpan.FromMilliseconds(500) };
        options.ExpectedAgents.Add("ghost");
        FleetBus bus = await FleetBus.ConnectAsync(options, _keys[agent]);
        _owned.Add(bus);
        return bus;
    }

    private async Task SeedGiteaAsync()
    {
        Gitea = await GiteaTestServer.StartAsync();
        foreach (string user in new[] { "timmy", "wolf-1", "alice" })
        {
            Gitea.AddUser(user, $"{user}-password");
        }

        Gitea.AddRepo(Owner, Repo);
        Token = Gitea.AddToken("timmy", "write:issue", "write:repository", "read:user");
        Environment.SetEnvironmentVariable(TokenVariable, Token);
        string aliceVariable = TokenVariable + "_ALICE";
        Environment.SetEnvironmentVariable(aliceVariable, Gitea.AddToken("alice", "write:issue", "write:repository", "read:user"));
        Gitea.AddCollaborator(Owner, Repo, "alice");
        foreach (string label in new[] { "ready", "in-progress", "blocked", "in-review", "assigned:wolf-1", "assigned:timmy" })
        {
            Gitea.AddLabel(Owner, Repo, label);
        }

        Issues["unassigned"] = Gitea.AddIssue(Owner, Repo, "root", "Rate limit the API", "ready");
        Issues["assigned"] = Gitea.AddIssue(Owner, Repo, "root", "Triage the stale issues", "assigned:wolf-1");
        Issues["in-progress"] = Gitea.AddIssue(Owner, Repo, "root", "Write the runbook", "in-progress", "assigned:timmy");
        Issues["blocked"] = Gitea.AddIssue(Owner, Repo, "root", "Upgrade nats-server", "blocked");
        Issues["in-review"] = Gitea.AddIssue(Owner, Repo, "root", "Soften the soul's wording");
        Issues["ambiguous"] = Gitea.AddIssue(Owner, Repo, "root", "Labelled two ways", "blocked", "in-progress");

        using GiteaClient timmy = GiteaClient.Create(new GiteaClientOptions { BaseUrl = Gitea.BaseUrl, TokenEnvironmentVariable = TokenVariable });
        using GiteaClient alice = GiteaClient.Create(new GiteaClientOptions { BaseUrl = Gitea.BaseUrl, TokenEnvironmentVariable = aliceVariable });
        await timmy.Api.CreateFileAsync(Owner, Repo, "SOUL.md", new CreateFileOptions { Content = GiteaContent.Encode("# SOUL\n"), Branch = "main" });
        GiteaPullRequest soul = await OpenPullAsync(timmy, "hermes/timmy/5", "Soften the soul's wording", $"Closes #{Issues["in-review"]}", "SOUL.md", "# SOUL\nGentler.\n");
        await timmy.Api.CreateStatusAsync(Owner, Repo, soul.Head!.Sha!, new CreateStatusOption { State = "failure", Context = "ci/tests", Description = "2 failed" });
        GiteaPullRequest typo = await OpenPullAsync(timmy, "typo", "Fix a typo in the README", "Routine.", "README.md", "Hello.\n");
        await timmy.Api.CreateStatusAsync(Owner, Repo, typo.Head!.Sha!, new CreateStatusOption { State = "success", Context = "ci/tests" });
        await alice.Api.CreateReviewAsync(Owner, Repo, typo.Number, new CreatePullReviewOptions { Event = "APPROVED", Body = "LGTM" });
        Pulls["soul"] = soul.Number;
        Pulls["typo"] = typo.Number;
        Environment.SetEnvironmentVariable(aliceVariable, null);
    }

    private static async Task<GiteaPullRequest> OpenPullAsync(GiteaClient client, string branch, string title, string body, string path, string text)
    {
        await client.Api.CreateBranchAsync(Owner, Repo, new CreateBranchRepoOption { NewBranchName = branch, OldRefName = "main" });
        GiteaContents? existing = null;
        try
        {
            existing = await client.Api.GetFileAsync(Owner, Repo, path, branch);
        }
        catch (Refit.ApiException)
        {
        }

        if (existing is null)
        {
            await client.Api.CreateFileAsync(Owner, Repo, path, new CreateFileOptions { Content = GiteaContent.Encode(text), Branch = branch });
        }
        else
        {
            await client.Api.UpdateFileAsync(Owner, Repo, path, new UpdateFileOptions { Content = GiteaContent.Encode(text), Branch = branch, Sha = existing.Sha });
        }

        return await client.Api.CreatePullRequestAsync(Owner, Repo, new CreatePullRequestOption { Head = branch, Base = "main", Title = title, Body = body });
    }

    private async Task SeedFleetAsync()
    {
        Nats = await NatsTestServer.StartAsync(NatsTestServer.NKeyAuthorization(_keys.Values.Select(k => k.PublicKey.Value)), jetStream: true);
        FleetBus op = await ConnectAsync("operator");
        FleetRegistry registry = await FleetRegistry.CreateAsync(op);
        await registry.PutAsync(new RegistryEntry { Agent = "timmy", Role = "strategist", Nkey = _keys["timmy"].PublicKey.Value });
        await registry.PutAsync(new RegistryEntry { Agent = "wolf-1", Role = "wolf", Nkey = _keys["wolf-1"].PublicKey.Value });
        await registry.PutAsync(new RegistryEntry { Agent = "ghost", Role = "worker", Nkey = NKeyPair.Create(NKeyRole.User).PublicKey.Value });

        FleetBus timmy = await ConnectAsync("timmy");
        _owned.Add(timmy.StartHeartbeats(() => new AgentStatus(AgentActivity.Busy, $"{Owner}/{Repo}#{Issues["in-progress"]} held by timmy") { Model = "anthropic/claude-sonnet-4-5" }));
        FleetBus wolf = await ConnectAsync("wolf-1");
        _owned.Add(wolf.StartHeartbeats(() => new AgentStatus(AgentActivity.Unhealthy, null, "every provider is rate limited (429 from openrouter)") { Model = "openrouter/nemotron" }));

        FleetScheduleStore schedules = await FleetScheduleStore.OpenAsync(op);
        await schedules.PutAsync(new FleetSchedule { Name = "burn-night", Cron = "0 2 * * *", Kind = "burn-night", Tier = "wolf" });
        await schedules.PutAsync(new FleetSchedule { Name = "reaper", Cron = "*/15 * * * *", Kind = "reaper", Enabled = false, PausedReason = "gitea maintenance until Friday" });
        DateTimeOffset tenMinutesAgo = DateTimeOffset.UtcNow.AddMinutes(-10);
        (_, ulong revision) = await schedules.GetStateAsync("burn-night");
        await schedules.TryPutStateAsync(new ScheduleState { Name = "burn-night", LastSlot = tenMinutesAgo.AddHours(-8), LastRunAt = tenMinutesAgo.AddHours(-8), Runner = "wolf-1", LastResult = "enqueued", NextSlot = DateTimeOffset.UtcNow.AddHours(10), CheckedAt = tenMinutesAgo }, revision);
    }

    public async ValueTask DisposeAsync()
    {
        await Center.DisposeAsync();
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await Nats.DisposeAsync();
        await Gitea.DisposeAsync();
        Environment.SetEnvironmentVariable(TokenVariable, null);
    }
}
