using System.Diagnostics;
using System.Text.Json;
using Hermes.Plant;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Templates.Tests;

/// <summary>
/// The SDK and templates packed once (Release, a fresh version), the template installed into a private hive: what
/// every test here instantiates with the real <c>dotnet new</c>.
/// </summary>
public sealed class PackedTemplates : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _work = new();

    public SeedPlanter Planter { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Planter = new SeedPlanter(RepoPaths.Root, _work.Path);
        await Planter.PackAsync();
        await Planter.InstallTemplatesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _work.Dispose();
}

/// <summary><c>dotnet new hermes-seed</c> for each role: instantiated, planted from the local feed, built with warnings as errors, and run.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TemplateTests(PackedTemplates packed) : IClassFixture<PackedTemplates>
{
    [Theory]
    [InlineData("Timmy", "timmy", "strategist", false)]
    [InlineData("Builder", "builder", "worker", true)]
    [InlineData("Wolf1", "wolf-1", "wolf", false)]
    public async Task Each_role_plants_from_the_local_feed_builds_and_its_doctor_identity_and_skills_commands_answer_in_json(string name, string agent, string role, bool nats)
    {
        SeedPlanter planter = packed.Planter;
        string seed = await planter.InstantiateAsync(new SeedSpec(name, agent, role, Fleet: "timmy", GiteaUrl: "http://127.0.0.1:9", Nats: nats));

        // What was planted: the name filled in, the chain three deep by variable name, the version packed.
        string config = File.ReadAllText(Path.Combine(seed, "config.yaml"));
        Assert.Contains($"  name: {agent}\n  role: {role}\n", config, StringComparison.Ordinal);
        Assert.Contains("  url: http://127.0.0.1:9\n", config, StringComparison.Ordinal);
        Assert.Equal(nats, config.Contains("nats_url: nats://127.0.0.1:4222", StringComparison.Ordinal));
        Assert.Equal(role == "wolf" ? "openrouter" : "anthropic", config.Split("model:\n  provider: ")[1].Split('\n')[0]);
        Assert.DoesNotContain("#if", config, StringComparison.Ordinal);
        Assert.Contains($"work:\n  max_tool_calls: {(role switch { "worker" => 30, "strategist" => 20, _ => 8 })} ", config, StringComparison.Ordinal); // the role's own budget, written out
        string readme = File.ReadAllText(Path.Combine(seed, "README.md"));
        Assert.DoesNotMatch(@"(?m)^#(if|elif|elseif|else|endif)\b", readme); // the role's text only, no directive left
        Assert.Equal(
            (role == "worker", role == "wolf", role == "strategist"),
            (readme.Contains("As a worker it", StringComparison.Ordinal), readme.Contains("As a wolf it", StringComparison.Ordinal), readme.Contains("As the strategist it", StringComparison.Ordinal)));
        Assert.Contains($"# SOUL.md — {agent}", File.ReadAllText(Path.Combine(seed, "SOUL.md")), StringComparison.Ordinal);
        Assert.Contains($"Version=\"{planter.Version}\"", File.ReadAllText(Path.Combine(seed, name + ".csproj")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(seed, "safety-tests.md")));
        Assert.True(File.Exists(Path.Combine(seed, "skills", "workspace", "gitea-first-task", "SKILL.md")));

        await planter.BuildAsync(seed);

        using var home = new TempDirectory();
        var environment = new Dictionary<string, string> { ["HERMES_HOME"] = home.Path, ["ANTHROPIC_API_KEY"] = string.Empty, ["OPENROUTER_API_KEY"] = string.Empty };
        CommandResult doctor = await SeedPlanter.RunSeedAsync(seed, environment, "doctor", "--json");
        Assert.True(doctor.ExitCode == 1, doctor.Output + doctor.Error);
        using (JsonDocument json = JsonDocument.Parse(doctor.Output))
        {
            Assert.False(json.RootElement.GetProperty("ready").GetBoolean());
            var expected = new Dictionary<string, string>
            {
                ["config.yaml"] = "ok",
                ["SOUL.md"] = "needs-user",
                ["safety-tests.md"] = "ok",
                ["skills"] = "ok",
                ["identity"] = "needs-user",
                ["API keys"] = "needs-user",
                ["Gitea"] = "needs-user",
            };
            Assert.Equal(expected, DoctorReport.Statuses(json.RootElement, [.. expected.Keys]));
        }

        CommandResult identity = await SeedPlanter.RunSeedAsync(seed, environment, "identity", "new", "--json");
        Assert.True(identity.ExitCode == 0, identity.Output + identity.Error);
        using (JsonDocument json = JsonDocument.Parse(identity.Output))
        {
            Assert.Equal(agent, json.RootElement.GetProperty("agent").GetString());
            Assert.StartsWith("npub1", json.RootElement.GetProperty("npub").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("U", json.RootElement.GetProperty("nKey").GetString(), StringComparison.Ordinal);
            string directory = json.RootElement.GetProperty("directory").GetString()!;
            Assert.StartsWith(home.Path, directory, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "nats.nk")));
            Assert.DoesNotContain(File.ReadAllText(Path.Combine(directory, "nats.nk")).Trim(), identity.Output + identity.Error, StringComparison.Ordinal);
        }

        CommandResult skills = await SeedPlanter.RunSeedAsync(seed, environment, "skills", "validate", "--json");
        Assert.True(skills.ExitCode == 0, skills.Output + skills.Error);
        using (JsonDocument json = JsonDocument.Parse(skills.Output))
        {
            Assert.True(json.RootElement.GetProperty("valid").GetBoolean());
            Assert.Equal(1, json.RootElement.GetProperty("skills").GetInt32());
        }
    }

    [Fact]
    public async Task The_fleet_template_plants_a_strategist_and_a_wolf_whose_keys_rights_and_registry_come_up_on_the_nats_server_it_configures()
    {
        SeedPlanter planter = packed.Planter;
        string fleet = Path.Combine(planter.SeedsDirectory, "Demo");
        CommandResult planted = await planter.NewAsync("hermes-fleet", ["-n", "Demo", "-o", fleet, "--gitea-url", "http://127.0.0.1:9", "--feed", planter.Feed]);
        Assert.True(planted.ExitCode == 0, planted.Output + planted.Error);
        string strategist = Path.Combine(fleet, "strategist"), wolf = Path.Combine(fleet, "wolf");

        // One folder: the fleet file, a README that starts it in order, and two seeds, each with its own name and token variable.
        Assert.Contains("fleet: demo\n", File.ReadAllText(Path.Combine(fleet, "fleet.yaml")), StringComparison.Ordinal);
        string readme = File.ReadAllText(Path.Combine(fleet, "README.md"));
        Assert.True(readme.IndexOf("fleet init", StringComparison.Ordinal) < readme.IndexOf("nats-server -c nats-server.conf", StringComparison.Ordinal));
        foreach ((string folder, string agent, string role, string token, string schedule) in new[] { (strategist, "demo", "strategist", "GITEA_TOKEN_STRATEGIST", "reaper"), (wolf, "demo-wolf", "wolf", "GITEA_TOKEN_WOLF", "burn-night") })
        {
            string config = File.ReadAllText(Path.Combine(folder, "config.yaml"));
            Assert.Contains($"  name: {agent}\n  role: {role}\n", config, StringComparison.Ordinal);
            Assert.Contains($"token_env: {token} ", config, StringComparison.Ordinal);
            Assert.Contains("nats_url: nats://127.0.0.1:4222", config, StringComparison.Ordinal);
            Assert.Contains($"  - name: {schedule}\n", config, StringComparison.Ordinal);
            Assert.Contains($"  - name: safety-{agent}\n", config, StringComparison.Ordinal);
            Assert.DoesNotContain("#if", config, StringComparison.Ordinal);
            Assert.DoesNotContain("hermes-", config.Replace("hermes/", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Contains($"# SOUL.md — {agent}", File.ReadAllText(Path.Combine(folder, "SOUL.md")), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder, "safety-tests.md")));
            Assert.Contains($"Version=\"{planter.Version}\"", File.ReadAllText(Directory.GetFiles(folder, "*.csproj").Single()), StringComparison.Ordinal);
            await planter.BuildAsync(folder);
        }

        // Started as the README says, on a free port: fleet init, nats-server -c nats-server.conf, fleet registry push.
        int port = LoopbackApp.FreePort();
        foreach (string file in new[] { Path.Combine(fleet, "fleet.yaml"), Path.Combine(strategist, "config.yaml"), Path.Combine(wolf, "config.yaml") })
        {
            File.WriteAllText(file, File.ReadAllText(file).Replace("nats://127.0.0.1:4222", $"nats://127.0.0.1:{port}", StringComparison.Ordinal));
        }

        using var home = new TempDirectory();
        var environment = new Dictionary<string, string> { ["HERMES_HOME"] = home.Path };
        CommandResult init = await SeedPlanter.RunSeedAsync(strategist, environment, "fleet", "init", "--json");
        Assert.True(init.ExitCode == 0, init.Output + init.Error);
        using (JsonDocument json = JsonDocument.Parse(init.Output))
        {
            Assert.Equal(["demo", "demo-wolf", "demo-operator"], json.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("agent").GetString()));
            Assert.Equal(Path.Combine(fleet, "nats-server.conf"), json.RootElement.GetProperty("natsConfig").GetString());
        }

        using Process nats = Process.Start(new ProcessStartInfo("nats-server", ["-c", "nats-server.conf"]) { WorkingDirectory = fleet, RedirectStandardError = true, RedirectStandardOutput = true })!;
        try
        {
            await WaitForPortAsync(port);
            CommandResult push = await SeedPlanter.RunSeedAsync(strategist, environment, "fleet", "registry", "push", "--json");
            Assert.True(push.ExitCode == 0, push.Output + push.Error);
            using (JsonDocument json = JsonDocument.Parse(push.Output))
            {
                Assert.Equal(["demo", "demo-wolf"], json.RootElement.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("agent").GetString()));
                Assert.Equal(["burn-night", "reaper", "safety-demo", "safety-demo-wolf"], json.RootElement.GetProperty("schedules").EnumerateArray().Select(x => x.GetString()).Order(StringComparer.Ordinal));
            }

            // Read by the wolf with its own key: both registered, neither started yet, so the fleet is not healthy.
            CommandResult status = await SeedPlanter.RunSeedAsync(wolf, environment, "fleet", "status", "--wait", "00:00:01", "--json");
            Assert.True(status.ExitCode == 1, status.Output + status.Error);
            using JsonDocument statusJson = JsonDocument.Parse(status.Output);
            Assert.Equal(["down", "down"], statusJson.RootElement.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("health").GetString()));
        }
        finally
        {
            nats.Kill();
            await nats.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("Fleet.Bad", null, null, "A fleet's name is 1 to 64 lower-case letters")]
    [InlineData("Twins", "same", "same", "Each agent needs its own name")]
    [InlineData("BadWolf", null, "Big Bad", "--wolf, default: <fleet>-wolf")]
    public async Task Invalid_fleet_options_are_refused_with_the_rule_and_nothing_planted(string name, string? strategist, string? wolf, string rule)
    {
        string directory = Path.Combine(packed.Planter.SeedsDirectory, "refused-fleets", name);
        List<string> args = ["-n", name, "-o", directory];
        args.AddRange(strategist is null ? [] : ["--strategist", strategist]);
        args.AddRange(wolf is null ? [] : ["--wolf", wolf]);

        CommandResult result = await packed.Planter.NewAsync("hermes-fleet", args);

        Assert.True(result.ExitCode != 0, result.Output + result.Error);
        Assert.Contains(rule, result.Output, StringComparison.Ordinal);
        Assert.Contains("Nothing was planted", result.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(directory) ? Directory.GetFileSystemEntries(directory) : []);
    }

    private static async Task WaitForPortAsync(int port)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (started.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100);
            }
        }
    }

    [Theory]
    [InlineData("Bad.Seed", null, null, null, null, "The agent's name is 1 to 64 lower-case letters")]
    [InlineData("Seed1", "Bad Name!", null, null, null, "The agent's name is 1 to 64 lower-case letters")]
    [InlineData("Seed2", "_leading-underscore", null, null, null, "starting with a letter or digit")]
    [InlineData("Seed3", "ok", "Fleet One", null, null, "A fleet's name follows the agent's rule")]
    [InlineData("Seed4", "ok", null, "ftp://x", null, "--gitea-url takes the fleet's Gitea as an absolute http:// or https:// URL")]
    [InlineData("Seed5", "ok", null, "localhost:3000", null, "--gitea-url takes the fleet's Gitea as an absolute http:// or https:// URL")]
    [InlineData("Seed6", "ok", null, null, "relative/feed", "--feed takes the absolute path of a folder of Hermes.Sdk packages")]
    public async Task Invalid_options_are_refused_at_dotnet_new_time_with_the_rule_and_nothing_planted(string name, string? agent, string? fleet, string? giteaUrl, string? feed, string rule)
    {
        string directory = Path.Combine(packed.Planter.SeedsDirectory, "refused", name);
        List<string> args = ["-n", name, "-o", directory];
        foreach ((string option, string? value) in new[] { ("--agent", agent), ("--fleet", fleet), ("--gitea-url", giteaUrl), ("--feed", feed) })
        {
            if (value is not null)
            {
                args.AddRange([option, value]);
            }
        }

        CommandResult result = await packed.Planter.NewSeedAsync(args);

        Assert.True(result.ExitCode != 0, result.Output + result.Error);
        Assert.Contains(rule, result.Output, StringComparison.Ordinal);
        Assert.Contains("Nothing was planted", result.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(directory) ? Directory.GetFileSystemEntries(directory) : []);
    }

    [Fact]
    public async Task A_seed_planted_with_feed_restores_the_sdk_from_that_folder_with_an_empty_nuget_cache()
    {
        SeedPlanter planter = packed.Planter;
        string seed = await planter.InstantiateAsync(new SeedSpec("FeedSeed", "feed-seed"));

        string config = File.ReadAllText(Path.Combine(seed, "nuget.config"));
        Assert.Contains($"<add key=\"hermes-local\" value=\"{planter.Feed}\" />", config, StringComparison.Ordinal);

        // A newcomer's machine: nothing restored yet. Hermes.Sdk.* can only come from the feed (source mapping), the
        // rest from nuget.org; the packages' own metadata records where each came from.
        using var cache = new TempDirectory();
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = cache.Path };
        CommandResult restore = await SeedPlanter.RunAsync(seed, ["restore", "-nologo"], environment);
        Assert.True(restore.ExitCode == 0, restore.Output + restore.Error);

        string metadata = Path.Combine(cache.Path, "hermes.sdk.seed", planter.Version!.ToLowerInvariant(), ".nupkg.metadata");
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(metadata));
        Assert.Equal(planter.Feed, json.RootElement.GetProperty("source").GetString());
    }
}
