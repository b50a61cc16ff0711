using System.Text.Json;
using Hermes.Sdk.Fleet;
using Hermes.Sdk.Fleet.Testing;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.Identity.NKeys;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Seed.Tests;

/// <summary>The seed's commands end to end, against a loopback Gitea and loopback model servers.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SeedTests
{
    private const string O = SeedFixture.Owner;
    private const string R = SeedFixture.Repo;

    [Fact]
    public async Task Run_once_claims_a_ready_issue_comments_what_the_model_said_and_releases_it_and_the_fallback_answers_when_the_primary_fails()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        long first = seed.Gitea.AddIssue(O, R, "root", "Plan the first week", "ready");

        // An unpinned soul, then the ship gate: run refuses to start until the soul is pinned and every model passed.
        (int unpinned, _, string pinFirst) = await seed.RunAsync("run", "--once");
        Assert.Equal(SeedApp.BadInput, unpinned);
        Assert.Contains("SOUL.lock", pinFirst, StringComparison.Ordinal);
        Assert.Equal(0, (await seed.RunAsync("soul", "pin")).Code);
        (int refused, JsonElement notCleared, string why) = await seed.RunJsonAsync("run", "--once");
        Assert.Equal(SeedApp.NotReady, refused);
        Assert.False(notCleared.GetProperty("started").GetBoolean());
        Assert.Contains("never passed the safety suite", why, StringComparison.Ordinal);

        (int safety, JsonElement report, _) = await seed.RunJsonAsync("safety", "run", "--samples", "1");
        Assert.Equal(SeedApp.Ok, safety);
        Assert.Equal(["primary/m", "second/m", "third/m"], report.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("model").GetString()));

        (int code, JsonElement run, string error) = await seed.RunJsonAsync("run", "--once");

        Assert.True(code == SeedApp.Ok, error);
        JsonElement handled = Assert.Single(run.GetProperty("handled").EnumerateArray());
        Assert.Equal((first, "commented and released", "primary"), (handled.GetProperty("issue").GetInt64(), handled.GetProperty("outcome").GetString(), handled.GetProperty("answeredBy").GetString()));
        using GiteaClient client = seed.Client();
        GiteaComment comment = Assert.Single(await client.Api.ListCommentsAsync(O, R, first));
        Assert.StartsWith("Plan from primary: split the work into two steps, then review.", comment.Body, StringComparison.Ordinal);
        Assert.Equal(SeedFixture.Agent, comment.User?.Login);
        GiteaIssue released = await client.Api.GetIssueAsync(O, R, first);
        Assert.Equal(["ready"], released.Labels.Select(l => l.Name));
        Assert.Empty(released.Assignees ?? []);

        // The conscience went with the request: the soul is the first system message.
        string body = seed.Models[0].Requests[^1].Body;
        Assert.Contains("I am timmy, an agent of the timmy fleet", body, StringComparison.Ordinal);

        // The primary fails: the comment still comes, from the fallback. The answered issue is not answered twice.
        seed.Models[0].Fault = ModelFault.ServerError;
        long second = seed.Gitea.AddIssue(O, R, "root", "Review the backlog", "ready");
        (int again, JsonElement next, string nextError) = await seed.RunJsonAsync("run", "--once");

        Assert.True(again == SeedApp.Ok, nextError);
        JsonElement fallback = Assert.Single(next.GetProperty("handled").EnumerateArray());
        Assert.Equal((second, "second"), (fallback.GetProperty("issue").GetInt64(), fallback.GetProperty("answeredBy").GetString()));
        Assert.StartsWith("Plan from second:", Assert.Single(await client.Api.ListCommentsAsync(O, R, second)).Body, StringComparison.Ordinal);
        Assert.Single(await client.Api.ListCommentsAsync(O, R, first));
        Assert.Empty((await seed.RunJsonAsync("run", "--once")).Json.GetProperty("handled").EnumerateArray());
    }

    [Fact]
    public async Task Safety_run_with_models_that_cannot_be_reached_says_so_and_records_nothing_for_the_gate()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        Assert.Equal(0, (await seed.RunAsync("soul", "pin")).Code);
        foreach (FakeModelServer model in seed.Models)
        {
            model.Fault = ModelFault.Unavailable;
        }

        (int code, JsonElement report, string error) = await seed.RunJsonAsync("safety", "run", "--samples", "1");

        Assert.Equal(SeedApp.NotReady, code);
        Assert.All(report.GetProperty("models").EnumerateArray(), m =>
        {
            Assert.False(m.GetProperty("reached").GetBoolean());
            Assert.Equal(["unanswered"], m.GetProperty("failureClasses").EnumerateArray().Select(c => c.GetString()));
        });
        string records = report.GetProperty("shipRecords").GetString()!;
        Assert.True(!File.Exists(records) || File.ReadAllText(records).Trim() == "[]", File.Exists(records) ? File.ReadAllText(records) : error);

        (int human, string output, _) = await seed.RunAsync("safety", "run", "--samples", "1");
        Assert.Equal(SeedApp.NotReady, human);
        Assert.Contains("could not be reached, so nothing was recorded for the ship gate", System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dead")]
    [InlineData("not Gitea")]
    public async Task A_dead_or_wrong_Gitea_url_ends_each_command_that_calls_it_with_one_plain_message_and_valid_json(string kind)
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        Assert.Equal(0, (await seed.RunAsync("soul", "pin")).Code);
        Assert.Equal(SeedApp.Ok, (await seed.RunAsync("safety", "run", "--samples", "1")).Code);
        string url = kind == "dead" ? "http://127.0.0.1:9/" : seed.Models[2].BaseUrl.ToString(); // nothing listening, or a server that is not Gitea
        File.WriteAllText(seed.ConfigPath, seed.Config().Replace($"url: {seed.Gitea.BaseUrl}", $"url: {url}", StringComparison.Ordinal));

        foreach (string[] command in new[] { new[] { "gitea", "setup" }, ["run", "--once"] })
        {
            (int code, string output, string error) = await seed.RunAsync(command);
            Assert.True(code == SeedApp.NotReady, $"{string.Join(' ', command)}: exit {code}\n{output}\n{error}");
            Assert.StartsWith("error: ", error.Trim(), StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal); // no stack trace without --verbose
            Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);

            (int jsonCode, JsonElement json, string jsonError) = await seed.RunJsonAsync([.. command]);
            Assert.Equal(SeedApp.NotReady, jsonCode);
            Assert.False(json.GetProperty("ok").GetBoolean());
            Assert.Contains(json.GetProperty("error").GetProperty("code").GetString(), new[] { "gitea", "network", "timeout" });
            Assert.Contains(url.TrimEnd('/'), json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

            (_, _, string verbose) = await seed.RunAsync([.. command, "--verbose"]);
            Assert.Contains("   at ", verbose, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_changed_soul_tells_one_story_everywhere_and_only_a_deliberate_repin_accepts_it()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        Assert.Equal(0, (await seed.RunAsync("soul", "pin")).Code);
        File.AppendAllText(seed.Dir.Combine("SOUL.md"), "\nEdited at 3 AM.\n");

        (int pin, _, string pinError) = await seed.RunAsync("soul", "pin");
        (int run, _, string runError) = await seed.RunAsync("run", "--once");

        Assert.Equal((SeedApp.BadInput, SeedApp.BadInput), (pin, run));
        foreach (string error in new[] { pinError, runError })
        {
            Assert.Contains("SOUL DRIFT", error, StringComparison.Ordinal);
            Assert.Contains("'soul pin --accept-change'", error, StringComparison.Ordinal); // the seed's own command, in every message
            Assert.DoesNotContain("hermes-safety", error, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await seed.RunAsync("soul", "pin", "--accept-change")).Code);
        Assert.Equal(0, (await seed.RunAsync("soul", "pin")).Code); // pinned again: nothing to accept
    }

    [Fact]
    public async Task Exit_codes_follow_the_documented_scheme_and_json_stays_one_document()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();

        // 2: bad usage (a missing option value, an unknown option), with one JSON error document under --json.
        (int missing, _, string missingError) = await seed.RunAsync("skills", "new");
        Assert.Equal(SeedApp.BadInput, missing);
        Assert.StartsWith("error: ", missingError, StringComparison.Ordinal);
        (int unknown, JsonElement usage, _) = await seed.RunJsonAsync("doctor", "--no-such-option");
        Assert.Equal(SeedApp.BadInput, unknown);
        Assert.Equal("usage", usage.GetProperty("error").GetProperty("code").GetString());

        // 1: not ready yet — no identity to show, a survey with items needing attention.
        (int show, JsonElement noIdentity, string showError) = await seed.RunJsonAsync("identity", "show");
        Assert.Equal(SeedApp.NotReady, show);
        Assert.Equal("not-ready", noIdentity.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("identity new", showError, StringComparison.Ordinal);
        (int survey, JsonElement surveyed, _) = await seed.RunJsonAsync("survey");
        Assert.Equal(surveyed.GetProperty("ready").GetBoolean() ? SeedApp.Ok : SeedApp.NotReady, survey);
    }

    [Fact]
    public async Task With_a_nats_url_the_agent_beats_its_heart_on_the_fleet_bus_with_its_own_nkey_while_it_works()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        (_, JsonElement identity, _) = await seed.RunJsonAsync("identity", "new");
        using NKeyPair watcher = NKeyPair.Create(NKeyRole.User);
        await using NatsTestServer nats = await NatsTestServer.StartAsync(NatsTestServer.NKeyAuthorization(identity.GetProperty("nKey").GetString()!, watcher.PublicKey.Value));
        File.WriteAllText(seed.ConfigPath, seed.Config().Replace("fleet:\n  name: timmy", $"fleet:\n  name: timmy\n  nats_url: {nats.Url}", StringComparison.Ordinal));
        await seed.RunAsync("soul", "pin");
        await seed.RunAsync("safety", "run", "--samples", "1");
        long issue = seed.Gitea.AddIssue(O, R, "root", "Watch the bus", "ready");
        await using FleetBus bus = await FleetBus.ConnectAsync(new FleetOptions { Fleet = "timmy", Agent = "watcher", Url = nats.Url }, watcher);
        await using FleetRoster roster = await bus.WatchRosterAsync();
        var busy = new TaskCompletionSource<AgentView>(TaskCreationOptions.RunContinuationsAsynchronously);
        roster.Changed += view =>
        {
            if (view is { Agent: "timmy", Health: AgentHealth.Busy })
            {
                busy.TrySetResult(view);
            }
        };

        (int code, string output, string error) = await seed.RunAsync(
            async (item, agent, ct) =>
            {
                await busy.Task.WaitAsync(TimeSpan.FromSeconds(30), ct); // works until the fleet has seen it busy
                return new SeedWorkOutcome(SeedWorkDisposition.CommentAndRelease, "seen on the bus", "test");
            },
            "run",
            "--once");

        Assert.True(code == SeedApp.Ok, output + error);
        AgentView seen = await busy.Task;
        Assert.Equal($"{O}/{R}#{issue} held by timmy", seen.CurrentTask);
    }

    [Fact]
    public async Task A_broken_config_yaml_stops_every_command_naming_file_line_and_field_and_nothing_is_written()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        string broken = seed.Config().Replace("  role: strategist", "  role: general", StringComparison.Ordinal).Replace("    base_url: " + seed.Models[2].OpenAIBaseUrl, "    api_key: sk-live-123", StringComparison.Ordinal);
        File.WriteAllText(seed.ConfigPath, broken);
        string[] before = [.. Directory.GetFiles(seed.Dir.Path, "*", SearchOption.AllDirectories).Order()];

        foreach (string[] command in new[] { new[] { "run", "--once" }, ["identity", "new"], ["chain", "test"], ["safety", "run"] })
        {
            (int code, string output, string error) = await seed.RunAsync(command);
            Assert.True(code == SeedApp.BadInput, $"{string.Join(' ', command)}: {code} {output} {error}");
            Assert.Contains($"{seed.ConfigPath}:3:9: agent.role: unknown role 'general' (expected one of: strategist, worker, wolf)", error, StringComparison.Ordinal);
            Assert.Contains("fallback_providers[1].api_key", error, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-live-123", error + output, StringComparison.Ordinal);
        }

        (int doctor, JsonElement json, _) = await seed.RunJsonAsync("doctor");
        Assert.Equal(SeedApp.NotReady, doctor);
        JsonElement config = json.GetProperty("checks").EnumerateArray().First();
        Assert.Equal(("config.yaml", "failed"), (config.GetProperty("name").GetString(), config.GetProperty("status").GetString()));
        Assert.Equal(broken, File.ReadAllText(seed.ConfigPath));
        Assert.Equal(before, Directory.GetFiles(seed.Dir.Path, "*", SearchOption.AllDirectories).Order());
    }

    [Fact]
    public async Task A_missing_soul_stops_the_agent_and_doctor_says_so()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        File.Delete(seed.Dir.Combine("SOUL.md"));

        (int code, _, string error) = await seed.RunAsync("run", "--once");
        (int doctor, JsonElement json, _) = await seed.RunJsonAsync("doctor");
        (int pin, _, string pinError) = await seed.RunAsync("soul", "pin");

        Assert.Equal(SeedApp.BadInput, code);
        Assert.Contains(seed.Dir.Combine("SOUL.md"), error, StringComparison.Ordinal);
        Assert.Equal(SeedApp.NotReady, doctor);
        JsonElement soul = json.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "SOUL.md");
        Assert.Equal("failed", soul.GetProperty("status").GetString());
        Assert.Equal(SeedApp.BadInput, pin);
        Assert.Contains("SOUL.md", pinError, StringComparison.Ordinal);
        Assert.False(File.Exists(seed.Dir.Combine("SOUL.lock")));
    }

    [Fact]
    public async Task Identity_new_prints_only_public_keys_never_overwrites_and_a_loose_key_file_is_refused_untouched()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();

        (int code, JsonElement created, _) = await seed.RunJsonAsync("identity", "new");

        Assert.Equal(SeedApp.Ok, code);
        Assert.StartsWith("npub1", created.GetProperty("npub").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("U", created.GetProperty("nKey").GetString(), StringComparison.Ordinal);
        string directory = created.GetProperty("directory").GetString()!;
        string nkeyFile = Path.Combine(directory, "nats.nk");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(nkeyFile));
        string seedText = File.ReadAllText(nkeyFile);
        Assert.DoesNotContain(seedText.Trim(), created.ToString(), StringComparison.Ordinal);

        (int again, _, string exists) = await seed.RunAsync("identity", "new");
        Assert.Equal(SeedApp.BadInput, again);
        Assert.Contains("already exists; not overwritten", exists, StringComparison.Ordinal);
        Assert.Equal(seedText, File.ReadAllText(nkeyFile));

        File.SetUnixFileMode(nkeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        (int loose, _, string insecure) = await seed.RunAsync("identity", "show");
        (_, JsonElement doctor, _) = await seed.RunJsonAsync("doctor");

        Assert.Equal(SeedApp.BadInput, loose);
        Assert.Contains(nkeyFile, insecure, StringComparison.Ordinal);
        Assert.Contains("chmod", insecure, StringComparison.Ordinal);
        Assert.Equal(seedText, File.ReadAllText(nkeyFile));
        Assert.Equal("failed", doctor.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "identity").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Gitea_setup_creates_the_labels_and_spawns_a_wolf_whose_token_is_saved_0600_and_never_printed()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();

        (int code, string output, string error) = await seed.RunAsync("gitea", "setup", "--wolf", "wolf-1", "--json");

        Assert.True(code == SeedApp.Ok, error);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Subset(new HashSet<string> { "ready", "in-progress", "blocked", "in-review", "assigned:timmy" }, json.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToHashSet());
        string tokenFile = json.RootElement.GetProperty("wolf").GetProperty("tokenFile").GetString()!;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        string token = File.ReadAllText(tokenFile).Trim();
        Assert.DoesNotContain(token, output + error, StringComparison.Ordinal);
        string variable = seed.TokenVariable + "_WOLF";
        Environment.SetEnvironmentVariable(variable, token);
        try
        {
            using GiteaClient wolf = GiteaClient.Create(new GiteaClientOptions { BaseUrl = seed.Gitea.BaseUrl, TokenEnvironmentVariable = variable });
            Assert.Equal("wolf-1", (await wolf.Api.GetCurrentUserAsync()).Login);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        (int again, _, string exists) = await seed.RunAsync("gitea", "setup", "--wolf", "wolf-1");
        Assert.Equal(SeedApp.BadInput, again);
        Assert.Contains("already has a token; not overwritten", exists, StringComparison.Ordinal);
        Assert.Equal(token, File.ReadAllText(tokenFile).Trim());
    }

    [Fact]
    public async Task Chain_test_probes_every_provider_and_proves_failover()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();

        (int code, JsonElement json, string error) = await seed.RunJsonAsync("chain", "test");

        Assert.True(code == SeedApp.Ok, error);
        Assert.All(json.GetProperty("probes").EnumerateArray(), p => Assert.Equal("reachable", p.GetProperty("status").GetString()));
        Assert.Equal("second", json.GetProperty("failover").GetProperty("answeredBy").GetString());
    }

    [Fact]
    public async Task Skills_new_writes_a_valid_skill_that_list_and_validate_see_and_a_broken_one_is_reported_with_its_line()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();

        (int created, JsonElement skill, string error) = await seed.RunJsonAsync("skills", "new", "restart-nats", "--category", "fleet", "--description", "Restart the fleet's NATS server without losing durable work.", "--trigger", "When agents report the bus down.", "--steps", "1. Check the JetStream store.\n2. Restart nats-server.", "--pitfalls", "- A full disk stops JetStream.", "--verification", "- Heartbeats resume.");
        Assert.True(created == SeedApp.Ok, error);
        Assert.True(File.Exists(skill.GetProperty("path").GetString()));

        (int listed, JsonElement list, _) = await seed.RunJsonAsync("skills", "list");
        Assert.Equal(SeedApp.Ok, listed);
        Assert.Equal(["gitea-first-task", "restart-nats"], list.GetProperty("skills").EnumerateArray().Select(s => s.GetProperty("name").GetString()).Order());
        (int valid, JsonElement validation, _) = await seed.RunJsonAsync("skills", "validate");
        Assert.Equal(SeedApp.Ok, valid);
        Assert.True(validation.GetProperty("valid").GetBoolean());

        // A missing blueprint section is a warning (imported skills rarely have them): still valid, exit 0, said.
        string path = seed.Dir.Combine("skills", "workspace", "gitea-first-task", "SKILL.md");
        string text = File.ReadAllText(path);
        File.WriteAllText(path, text.Replace("## Pitfalls", "## Pitfals", StringComparison.Ordinal));
        (int warned, JsonElement warnings, _) = await seed.RunJsonAsync("skills", "validate");
        Assert.Equal(SeedApp.Ok, warned);
        JsonElement missing = Assert.Single(warnings.GetProperty("problems").EnumerateArray(), p => p.GetProperty("code").GetString() == "SKILL010");
        Assert.Equal(("warning", path), (missing.GetProperty("severity").GetString(), missing.GetProperty("file").GetString()));
        Assert.Contains("Pitfalls", missing.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Front matter that cannot be read: list and validate both exit 1 and name the line the parser found.
        File.WriteAllText(path, text.Replace("\nname:", "\n\tname:", StringComparison.Ordinal));
        (int unlisted, JsonElement partial, _) = await seed.RunJsonAsync("skills", "list");
        Assert.Equal(SeedApp.NotReady, unlisted);
        Assert.False(partial.GetProperty("valid").GetBoolean());
        Assert.Contains(partial.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith($"{path}:2:1: ", StringComparison.Ordinal));
        (int invalid, JsonElement problems, _) = await seed.RunJsonAsync("skills", "validate");
        Assert.Equal(SeedApp.NotReady, invalid);
        JsonElement tab = problems.GetProperty("problems").EnumerateArray().First(p => p.GetProperty("severity").GetString() == "error");
        Assert.Equal((path, 2, 1), (tab.GetProperty("file").GetString(), tab.GetProperty("line").GetInt32(), tab.GetProperty("column").GetInt32()));
        (_, string table, _) = await seed.RunAsync("skills", "list");
        Assert.Contains("1 skill (a skill cannot be read", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_on_a_fresh_seed_lists_what_is_ready_and_what_needs_the_user()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();

        (int code, JsonElement json, _) = await seed.RunJsonAsync("doctor");

        Assert.Equal(SeedApp.NotReady, code);
        Assert.False(json.GetProperty("ready").GetBoolean());
        var expected = new Dictionary<string, string>
        {
            ["config.yaml"] = "ok",
            ["SOUL.md"] = "needs-user",
            ["safety-tests.md"] = "ok",
            ["skills"] = "ok",
            ["identity"] = "needs-user",
            ["chain"] = "ok",
            ["ship gate: primary/m"] = "needs-user",
            ["Gitea"] = "ok",
        };
        Assert.Equal(expected, DoctorReport.Statuses(json, [.. expected.Keys]));

        // Everything the user can do from the seed: pin the soul, make keys, pass the safety suite.
        await seed.RunAsync("soul", "pin");
        await seed.RunAsync("identity", "new");
        await seed.RunAsync("safety", "run", "--samples", "1");
        (int ready, JsonElement after, _) = await seed.RunJsonAsync("doctor");
        Assert.True(ready == SeedApp.Ok, after.ToString());
    }
}
