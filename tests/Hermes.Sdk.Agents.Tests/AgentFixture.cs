using Hermes.Sdk.Gitea;
using Hermes.Sdk.Gitea.Testing;
using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Safety;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Hermes.Sdk.Agents.Tests;

/// <summary>
/// A scripted model (OpenAI or Anthropic wire) behind a real model chain, and the loopback forge with an agent account
/// ("wolf-1") and a repository.
/// </summary>
internal sealed class AgentFixture : IAsyncDisposable
{
    public const string Owner = "fleet";
    public const string Repo = "work";

    private readonly List<(string Variable, GiteaClient Client)> _accounts = [];
    private string _variable = string.Empty;

    private AgentFixture(ScriptedModelServer model, GiteaTestServer forge, ModelChain chain, GiteaClient client)
    {
        Model = model;
        Forge = forge;
        Chain = chain;

        // The agent as a seed builds it: the chain behind its conscience (the template's soul), so every request of the
        // loop goes through the conscience first.
        Conscience conscience = Conscience.Load(new SafetyOptions { SoulPath = Path.Combine(RepoPaths.Root, "templates", "Hermes.Sdk.Templates", "content", "hermes-seed", "SOUL.md"), RequirePinnedSoul = false });
        Agent = new ChatClientBuilder(chain).UseConscience(conscience).Build();
        Client = client;
        Tools = new GiteaAgentTools(client, new GiteaToolOptions { Owner = Owner, Repo = Repo, Agent = "wolf-1" });
    }

    public ScriptedModelServer Model { get; }

    public GiteaTestServer Forge { get; }

    public ModelChain Chain { get; }

    public IChatClient Agent { get; }

    public GiteaClient Client { get; }

    public GiteaAgentTools Tools { get; }

    public CollectingLoggerProvider Logs { get; } = new();

    /// <summary>Starts both; <paramref name="wire"/> is <c>openai</c> or <c>anthropic</c>.</summary>
    public static async Task<AgentFixture> StartAsync(string wire, Func<ScriptedRequest, ScriptedReply> script)
    {
        ScriptedModelServer model = await ScriptedModelServer.StartAsync(script);
        GiteaTestServer forge = await GiteaTestServer.StartAsync();
        forge.AddUser("wolf-1", "wolf-1-password");
        forge.AddRepo(Owner, Repo);
        forge.AddCollaborator(Owner, Repo, "wolf-1");
        var options = new ModelChainOptions();
        for (int i = 0; i < ModelChainOptions.MinimumDepth; i++)
        {
            var provider = new ModelProviderOptions
            {
                Name = $"scripted-{i}",
                Provider = wire == "anthropic" ? ModelProviderKind.Anthropic : ModelProviderKind.OpenAI,
                Model = wire == "anthropic" ? "claude-test" : "gpt-test",
                BaseUrl = wire == "anthropic" ? model.BaseUrl : model.OpenAIBaseUrl,
                ApiKeyEnvironmentVariable = "HERMES_TEST_MODEL_KEY",
            };
            if (i == 0)
            {
                options.Primary = provider;
            }
            else
            {
                options.Fallbacks.Add(provider);
            }
        }

        options.UseCrisisLines("en-GB");
        var chain = new ModelChain(options, environment: _ => "test-key");
        string variable = "HERMES_TEST_AGENT_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, forge.AddToken("wolf-1", "write:issue", "read:user"));
        GiteaClient client = GiteaClient.Create(new GiteaClientOptions { BaseUrl = forge.BaseUrl, TokenEnvironmentVariable = variable });
        return new AgentFixture(model, forge, chain, client) { _variable = variable };
    }

    /// <summary>Another agent account, a writer on the repository, with a token of <paramref name="scopes"/>.</summary>
    public GiteaClient Account(string login, params string[] scopes)
    {
        Forge.AddUser(login, login + "-password");
        Forge.AddCollaborator(Owner, Repo, login);
        string variable = "HERMES_TEST_AGENT_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, Forge.AddToken(login, scopes));
        GiteaClient client = GiteaClient.Create(new GiteaClientOptions { BaseUrl = Forge.BaseUrl, TokenEnvironmentVariable = variable });
        _accounts.Add((variable, client));
        return client;
    }

    /// <summary>The loop over the chain, logging into <see cref="Logs"/>.</summary>
    public AgentLoop Loop() => new(Agent, Logs.CreateFactory());

    /// <summary>A task for <paramref name="tier"/> asking <paramref name="prompt"/>, with the repository's tools and <paramref name="extra"/>.</summary>
    public AgentTask Task(AgentTier tier, string prompt, IReadOnlyCollection<string>? scopes = null, params AgentTool[] extra) =>
        new(tier, [new ChatMessage(ChatRole.User, prompt)], [.. Tools.All(), .. extra], scopes ?? ["write:issue", "read:user"]);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        foreach ((string variable, GiteaClient client) in _accounts)
        {
            client.Dispose();
            Environment.SetEnvironmentVariable(variable, null);
        }

        Agent.Dispose();
        Environment.SetEnvironmentVariable(_variable, null);
        await Forge.DisposeAsync();
        await Model.DisposeAsync();
    }
}
