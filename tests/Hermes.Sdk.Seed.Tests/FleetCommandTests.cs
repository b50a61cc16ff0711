using System.Diagnostics;
using System.Text.Json;
using Hermes.Sdk.Fleet.Testing;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Seed.Tests;

/// <summary>
/// The seed's <c>fleet</c> commands against a real nats-server started on the configuration <c>fleet init</c>
/// generated, with the agent itself running: keys and rights, the registry, status, schedules run by the agent, a good
/// change rolled out and switched to, a change the agent cannot run refused and rolled back, and the monthly report
/// from what <c>fleet watch</c> recorded.
/// </summary>
public sealed class FleetCommandTests
{
    [Fact]
    public async Task A_seed_fleet_is_keyed_registered_watched_scheduled_rolled_out_rolled_back_and_reported()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        File.WriteAllText(seed.Dir.Combine("fleet.yaml"), "fleet: timmy\nnats_url: nats://127.0.0.1:4222\nagents: [.]\n");

        // fleet init: the agent's and the operator's keys, and the server's rights generated from them.
        (int init, JsonElement keys, string initError) = await seed.RunJsonAsync("fleet", "init");
        Assert.True(init == SeedApp.Ok, initError);
        Assert.Equal(["timmy", "timmy-operator"], keys.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("agent").GetString()));
        string conf = File.ReadAllText(keys.GetProperty("natsConfig").GetString()!);
        Assert.Contains("listen: \"127.0.0.1:4222\"", conf, StringComparison.Ordinal);
        await using NatsTestServer nats = await NatsTestServer.StartAsync(conf[conf.IndexOf("authorization {", StringComparison.Ordinal)..], jetStream: true);
        File.WriteAllText(seed.Dir.Combine("fleet.yaml"), $"fleet: timmy\nnats_url: {nats.Url}\nagents: [.]\n");
        string config = seed.Config().Replace("fleet:\n  name: timmy", $"fleet:\n  name: timmy\n  nats_url: {nats.Url}", StringComparison.Ordinal)
            + "\nschedules:\n  - name: reaper\n    cron: \"*/2 * * * * *\"\n    job: reaper\n    tier: strategist\n";
        File.WriteAllText(seed.ConfigPath, config);
        await seed.RunAsync("soul", "pin");
        (int safety, _, string safetyError) = await seed.RunAsync("safety", "run", "--samples", "1");
        Assert.True(safety == SeedApp.Ok, safetyError);

        // The desired state: the registry with the digests on disk, the declared schedule.
        (int push, JsonElement pushed, string pushError) = await seed.RunJsonAsync("fleet", "registry", "push");
        Assert.True(push == SeedApp.Ok, pushError);
        JsonElement entry = pushed.GetProperty("agents")[0];
        string goodConfig = entry.GetProperty("digests").GetProperty("config").GetString()!;
        Assert.Equal(("timmy", "strategist", "registered"), (entry.GetProperty("agent").GetString(), entry.GetProperty("role").GetString(), entry.GetProperty("change").GetString()));
        Assert.Equal(["reaper"], pushed.GetProperty("schedules").EnumerateArray().Select(s => s.GetString()));

        // The operator's recorder and the agent itself, both running.
        using var stop = new CancellationTokenSource();
        Task<(int, string, string)> watch = RunInBackgroundAsync(seed, stop.Token, "fleet", "watch");
        Task<(int, string, string)> agent = RunInBackgroundAsync(seed, stop.Token, "run", "--interval", "00:00:01");
        try
        {
            JsonElement status = await UntilAsync(seed, s => s.GetProperty("healthy").GetBoolean(), "fleet", "status", "--wait", "00:00:01");
            Assert.Equal("idle", status.GetProperty("agents")[0].GetProperty("health").GetString());

            // The schedule's slots are run by the agent (its scheduler enqueues, its tier's worker reaps).
            JsonElement schedules = await UntilAsync(seed, s => s.GetProperty("schedules")[0].TryGetProperty("lastRunAt", out _), "fleet", "schedules", "list");
            JsonElement reaper = schedules.GetProperty("schedules")[0];
            Assert.Equal(("reaper", true), (reaper.GetProperty("name").GetString(), reaper.GetProperty("runnerPresent").GetBoolean()));
            Assert.StartsWith("enqueued", reaper.GetProperty("lastResult").GetString(), StringComparison.Ordinal);

            // A good change: written in place by the operator, rolled out to the canary, which switches to it.
            File.WriteAllText(seed.ConfigPath, config.Replace("locale: en-US", "locale: en-us", StringComparison.Ordinal));
            (int good, JsonElement rolled, string goodError) = await seed.RunJsonAsync("fleet", "rollout", "--canary", "timmy", "--soak", "00:00:01", "--report-within", "00:00:30");
            Assert.True(good == SeedApp.Ok, goodError + rolled);
            Assert.Equal("completed", rolled.GetProperty("outcome").GetString());
            (_, JsonElement afterGood, _) = await seed.RunJsonAsync("fleet", "registry", "list");
            string newConfig = afterGood.GetProperty("agents")[0].GetProperty("digests").GetProperty("config").GetString()!;
            Assert.NotEqual(goodConfig, newConfig);
            Assert.True((await seed.RunJsonAsync("fleet", "status", "--wait", "00:00:06")).Json.GetProperty("healthy").GetBoolean(), "drift after a completed rollout");

            // A change the agent cannot run — a model the ship gate never cleared — is refused by the canary, the
            // rollout halts and rolls back, and the file on disk is what the agent runs again.
            string running = File.ReadAllText(seed.ConfigPath);
            File.WriteAllText(seed.ConfigPath, running.Replace("name: primary", "name: uncleared", StringComparison.Ordinal));
            (int broken, JsonElement halted, _) = await seed.RunJsonAsync("fleet", "rollout", "--canary", "timmy", "--soak", "00:00:01", "--report-within", "00:00:08");
            Assert.Equal(SeedApp.NotReady, broken);
            Assert.Equal("rolled-back", halted.GetProperty("outcome").GetString());
            Assert.Contains("did not report the new digests", halted.GetProperty("reason").GetString(), StringComparison.Ordinal);
            (_, JsonElement afterBroken, _) = await seed.RunJsonAsync("fleet", "registry", "list");
            Assert.Equal(newConfig, afterBroken.GetProperty("agents")[0].GetProperty("digests").GetProperty("config").GetString());
            Assert.Equal(running, File.ReadAllText(seed.ConfigPath));
        }
        finally
        {
            await stop.CancelAsync();
        }

        (int agentCode, string agentOutput, string agentError) = await agent;
        Assert.True(agentCode == SeedApp.Ok, $"{agentCode}: {agentOutput}{agentError}");
        (int watchCode, _, string watchError) = await watch;
        Assert.True(watchCode == SeedApp.Ok, watchError);

        // The month so far, from the record: the agent was up, the scheduled reaper's tasks completed.
        (int report, JsonElement reported, string reportError) = await seed.RunJsonAsync("fleet", "report", "--month", DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(report == SeedApp.Ok, reportError);
        Assert.True(reported.GetProperty("agents").GetProperty("timmy").GetDouble() > 0);
        Assert.True(reported.GetProperty("tasksCompleted").GetInt32() >= 1, reported.ToString());
        string markdown = File.ReadAllText(reported.GetProperty("report").GetString()!);
        Assert.Contains("timmy", markdown, StringComparison.Ordinal);
        Assert.StartsWith("<svg", File.ReadAllText(reported.GetProperty("chart").GetString()!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_fleet_file_or_schedule_is_named_with_file_line_and_field()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        File.WriteAllText(seed.Dir.Combine("fleet.yaml"), "fleet: timmy\nagents: [nowhere]\n");
        (int code, JsonElement json, _) = await seed.RunJsonAsync("fleet", "init");
        Assert.Equal(SeedApp.BadInput, code);
        Assert.Contains("fleet.yaml:2:", json.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("agents[0]", json.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);

        File.Delete(seed.Dir.Combine("fleet.yaml"));
        File.WriteAllText(seed.ConfigPath, seed.Config() + "\nschedules:\n  - name: nightly\n    cron: \"0 25 * * *\"\n    job: safety-run\n  - name: burn\n    cron: \"0 2 * * *\"\n    time_zone: Mars/Olympus\n    job: burn-night\n  - name: odd\n    cron: \"0 2 * * *\"\n    job: dance\n");
        (int bad, JsonElement problems, _) = await seed.RunJsonAsync("fleet", "init");
        Assert.Equal(SeedApp.BadInput, bad);
        string[] lines = [.. problems.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!)];
        Assert.Contains(lines, l => l.Contains("schedules[0].cron", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("schedules[1].time_zone", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("schedules[2].job", StringComparison.Ordinal) && l.Contains("safety-run", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_command_center_refuses_a_public_bind_and_serves_the_seeds_repository_with_its_token_on_loopback()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        (int refused, string refusedOutput, string refusedError) = await seed.RunAsync("command-center", "--listen", "http://0.0.0.0:8780", "--json");
        Assert.True(refusedOutput.Length > 0, refusedError);
        JsonElement why = JsonDocument.Parse(refusedOutput).RootElement;
        Assert.Equal(SeedApp.BadInput, refused);
        Assert.Contains("not a loopback or Tailscale address", why.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);

        seed.Gitea.AddIssue(SeedFixture.Owner, SeedFixture.Repo, "root", "Shown on the board", "ready");
        int port = LoopbackApp.FreePort();
        using var stop = new CancellationTokenSource();
        Task<(int, string, string)> running = RunInBackgroundAsync(seed, stop.Token, "command-center", "--listen", $"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        string tasks = string.Empty;
        var started = Stopwatch.StartNew();
        while (!tasks.Contains("Shown on the board", StringComparison.Ordinal))
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), "the command center never answered");
            try
            {
                tasks = await http.GetStringAsync("/api/tasks");
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        Assert.DoesNotContain(Environment.GetEnvironmentVariable(seed.TokenVariable)!, tasks, StringComparison.Ordinal);
        using JsonDocument board = JsonDocument.Parse(tasks);
        Assert.Equal("unassigned", board.RootElement.GetProperty("cards")[0].GetProperty("lane").GetString());
        Assert.Equal("live", board.RootElement.GetProperty("sources")[0].GetProperty("freshness").GetString());
        await stop.CancelAsync();
        (int code, _, string error) = await running;
        Assert.True(code == SeedApp.Ok, error);
    }

    private static Task<(int, string, string)> RunInBackgroundAsync(SeedFixture seed, CancellationToken stop, params string[] args) => Task.Run(() => seed.RunAsync(stop, args));

    private static async Task<JsonElement> UntilAsync(SeedFixture seed, Func<JsonElement, bool> done, params string[] args)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            (_, JsonElement json, _) = await seed.RunJsonAsync(args);
            if (done(json))
            {
                return json;
            }

            Assert.True(started.Elapsed < TimeSpan.FromSeconds(60), $"never: {json}");
            await Task.Delay(250);
        }
    }
}
