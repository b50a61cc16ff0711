using System.Text.Json;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.Gitea.Testing;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Seed.Tests;

/// <summary>
/// A planted seed in a temporary folder — the template's own SOUL.md, safety tests and skill, with the names filled
/// in — wired to a loopback Gitea and three loopback model servers. Commands run in-process through
/// <see cref="SeedApp.RunAsync"/>, exactly as the planted program calls it.
/// </summary>
internal sealed class SeedFixture : IAsyncDisposable
{
    public const string Agent = "timmy";
    public const string Owner = "timmy";
    public const string Repo = "timmy-workspace";

    private static int _next;

    private SeedFixture(TempDirectory dir, GiteaTestServer gitea, FakeModelServer[] models, string tokenVariable)
    {
        Dir = dir;
        Gitea = gitea;
        Models = models;
        TokenVariable = tokenVariable;
    }

    public TempDirectory Dir { get; }

    public GiteaTestServer Gitea { get; }

    public FakeModelServer[] Models { get; }

    /// <summary>The (process-unique) variable holding the agent's Gitea token.</summary>
    public string TokenVariable { get; }

    public string AdminTokenVariable => TokenVariable + "_ADMIN";

    public string ConfigPath => Dir.Combine("config.yaml");

    public static string TemplateContent => Path.Combine(RepoPaths.Root, "templates", "Hermes.Sdk.Templates", "content", "hermes-seed");

    /// <summary>Plants the seed; the model servers answer issues with "plan from NAME" and crisis prompts safely.</summary>
    public static async Task<SeedFixture> PlantAsync()
    {
        var dir = new TempDirectory();
        GiteaTestServer gitea = await GiteaTestServer.StartAsync();
        var models = new FakeModelServer[3];
        string[] names = ["primary", "second", "third"];
        for (int i = 0; i < models.Length; i++)
        {
            FakeModelServer server = await FakeModelServer.StartAsync(names[i]);
            server.Responder = request => request.Body.Contains("Issue #", StringComparison.Ordinal)
                ? $"Plan from {server.Name}: split the work into two steps, then review."
                : "I'm really sorry you're hurting. I can't help with that, but please call or text 988 right now — the Suicide & Crisis Lifeline is free and open all night. I'm here with you.";
            models[i] = server;
        }

        string variable = $"HERMES_SEED_TEST_TOKEN_{Interlocked.Increment(ref _next)}_{Environment.ProcessId}";
        var fixture = new SeedFixture(dir, gitea, models, variable);
        foreach (string file in new[] { "SOUL.md", "README.md", Path.Combine("skills", "workspace", "gitea-first-task", "SKILL.md") })
        {
            string target = dir.Combine(file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, File.ReadAllText(Path.Combine(TemplateContent, file)).Replace("hermes-agent-name", Agent, StringComparison.Ordinal).Replace("hermes-fleet-name", Owner, StringComparison.Ordinal).Replace("hermes-agent-role", "strategist", StringComparison.Ordinal));
        }

        File.Copy(Path.Combine(RepoPaths.Root, "src", "Hermes.Sdk.Safety", "Defaults", "safety-tests.md"), dir.Combine("safety-tests.md"));
        File.WriteAllText(fixture.ConfigPath, fixture.Config());

        gitea.AddUser(Agent, "timmy-password");
        gitea.AddRepo(Owner, Repo);
        Environment.SetEnvironmentVariable(variable, gitea.AddToken(Agent, "write:issue", "write:repository", "read:user"));
        Environment.SetEnvironmentVariable(fixture.AdminTokenVariable, gitea.AddToken("root", "write:admin"));
        return fixture;
    }

    /// <summary>The seed's config.yaml, pointing at the loopback servers (keyless local providers).</summary>
    public string Config(string role = "strategist") => $"""
        agent:
          name: {Agent}
          role: {role}
        gitea:
          url: {Gitea.BaseUrl}
          owner: {Owner}
          repo: {Repo}
          token_env: {TokenVariable}
          admin_token_env: {AdminTokenVariable}
        fleet:
          name: {Owner}
        safety:
          locale: en-US
        model:
          name: primary
          provider: vllm
          model: m
          base_url: {Models[0].OpenAIBaseUrl}
          timeout: 5s
        fallback_providers:
          - name: second
            provider: vllm
            model: m
            base_url: {Models[1].OpenAIBaseUrl}
          - name: third
            provider: vllm
            model: m
            base_url: {Models[2].OpenAIBaseUrl}
        chain:
          max_retries: 0
        """;

    /// <summary>Runs a seed command in-process.</summary>
    public Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunAsync(null, args);

    /// <summary>Runs a seed command in-process with a work handler of the test's.</summary>
    public Task<(int Code, string Output, string Error)> RunAsync(SeedWorkHandler? work, params string[] args) => RunAsync(work, args, CancellationToken.None);

    /// <summary>Runs a long-lived seed command in-process (run, fleet watch, command-center) until <paramref name="stop"/> (Ctrl+C).</summary>
    public Task<(int Code, string Output, string Error)> RunAsync(CancellationToken stop, params string[] args) => RunAsync(null, args, stop);

    private async Task<(int Code, string Output, string Error)> RunAsync(SeedWorkHandler? work, string[] args, CancellationToken stop)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var options = new SeedAppOptions { Directory = Dir.Path, Out = output, Error = error, IdentityRoot = Dir.Combine(".identities") };
        if (work is not null)
        {
            options.Work = work;
        }

        int code = await SeedApp.RunAsync(args, options, stop);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs a seed command with <c>--json</c> and parses its output.</summary>
    public async Task<(int Code, JsonElement Json, string Error)> RunJsonAsync(params string[] args)
    {
        (int code, string output, string error) = await RunAsync([.. args, "--json"]);
        using JsonDocument json = JsonDocument.Parse(output);
        return (code, json.RootElement.Clone(), error);
    }

    /// <summary>A client of the loopback Gitea as the agent.</summary>
    public GiteaClient Client() => GiteaClient.Create(new GiteaClientOptions { BaseUrl = Gitea.BaseUrl, TokenEnvironmentVariable = TokenVariable });

    public async ValueTask DisposeAsync()
    {
        Environment.SetEnvironmentVariable(TokenVariable, null);
        Environment.SetEnvironmentVariable(AdminTokenVariable, null);
        foreach (FakeModelServer server in Models)
        {
            await server.DisposeAsync();
        }

        await Gitea.DisposeAsync();
        Dir.Dispose();
    }
}
