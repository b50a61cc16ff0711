using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.Models.Tests;

/// <summary>
/// Loopback model servers ("primary", "second", "third", …) behind a real <see cref="ModelChain"/> whose providers use
/// the official OpenAI and Anthropic SDKs; logs are collected to prove prompts and keys never reach them.
/// </summary>
internal sealed class ChainFixture : IAsyncDisposable
{
    /// <summary>A prompt with a marker that must never appear in logs or error messages.</summary>
    public const string Prompt = "PROMPT-MARKER-7f3c: what is the capital of Peru?";

    /// <summary>The API key every provider gets; it must never appear in logs or error messages.</summary>
    public const string Key = "sk-test-SECRET-KEY-4e1d9a";

    private static readonly string[] Names = ["primary", "second", "third", "fourth", "fifth"];
    private ModelChain? _chain;
    private ILoggerFactory? _loggerFactory;

    /// <summary>The words are Safety's (CrisisFallback); these tests check the mechanism that says them.</summary>
    public const string CrisisMessage = "Test crisis answer: you matter; call the crisis line now.";

    private ChainFixture(FakeModelServer[] servers, ModelProviderKind[] kinds)
    {
        Servers = servers;
        Options = new ModelChainOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(10),
            MaxRetryDelay = TimeSpan.FromSeconds(3),
            CrisisMessage = CrisisMessage,
        };
        for (int i = 0; i < servers.Length; i++)
        {
            var provider = new ModelProviderOptions
            {
                Name = servers[i].Name,
                Provider = kinds[i],
                Model = kinds[i] == ModelProviderKind.Anthropic ? "claude-test" : "gpt-test",
                BaseUrl = kinds[i] == ModelProviderKind.Anthropic ? servers[i].BaseUrl : servers[i].OpenAIBaseUrl,
                ApiKeyEnvironmentVariable = $"HERMES_TEST_KEY_{i}",
            };
            if (i == 0)
            {
                Options.Primary = provider;
            }
            else
            {
                Options.Fallbacks.Add(provider);
            }
        }
    }

    public FakeModelServer[] Servers { get; }

    public FakeModelServer Primary => Servers[0];

    public FakeModelServer Second => Servers[1];

    public FakeModelServer Third => Servers[2];

    public ModelChainOptions Options { get; }

    public CollectingLoggerProvider Logs { get; } = new();

    public ShiftableTimeProvider Time { get; } = new();

    /// <summary>Reads API key variables: every variable holds <see cref="Key"/> unless listed in <see cref="UnsetVariables"/>.</summary>
    public HashSet<string> UnsetVariables { get; } = [];

    /// <summary>The chain (built on first use, after the test adjusted <see cref="Options"/>).</summary>
    public ModelChain Chain => _chain ??= new ModelChain(Options, null, _loggerFactory ??= Logs.CreateFactory(), Time, v => UnsetVariables.Contains(v) ? null : Key);

    public static Task<ChainFixture> StartAsync(params ModelFault[] faults) =>
        StartAsync(faults.Select(_ => ModelProviderKind.OpenAICompatible).ToArray(), faults);

    public static async Task<ChainFixture> StartAsync(ModelProviderKind[] kinds, ModelFault[] faults)
    {
        var servers = new FakeModelServer[faults.Length];
        for (int i = 0; i < faults.Length; i++)
        {
            servers[i] = await FakeModelServer.StartAsync(Names[i], faults[i]);
        }

        return new ChainFixture(servers, kinds);
    }

    public static List<ChatMessage> Conversation() =>
    [
        new(ChatRole.System, "You are a careful agent."),
        new(ChatRole.User, Prompt),
    ];

    public Task<ChatResponse> AskAsync(ChatOptions? options = null) => Chain.GetResponseAsync(Conversation(), options);

    /// <summary>Streams an answer; returns the text and the provider stamped on every update.</summary>
    public async Task<(string Text, string? Provider)> StreamAsync(ChatOptions? options = null)
    {
        var text = new System.Text.StringBuilder();
        HashSet<string?> providers = [];
        await foreach (ChatResponseUpdate update in Chain.GetStreamingResponseAsync(Conversation(), options))
        {
            text.Append(update.Text);
            providers.Add(update.GetAnsweringProvider());
        }

        Assert.Single(providers);
        return (text.ToString(), providers.Single());
    }

    public int[] Calls => Servers.Select(s => s.Calls).ToArray();

    /// <summary>No log entry, structured value or logged exception carries the prompt or the key.</summary>
    public void AssertNoSecretsLogged(params string[] alsoCheck)
    {
        foreach (string text in Logs.Everything.Concat(alsoCheck))
        {
            Assert.DoesNotContain("PROMPT-MARKER", text, StringComparison.Ordinal);
            Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
            Assert.DoesNotContain("SECRET-KEY", text, StringComparison.Ordinal);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _chain?.Dispose();
        _loggerFactory?.Dispose();
        foreach (FakeModelServer server in Servers)
        {
            await server.DisposeAsync();
        }
    }
}
