using System.ClientModel;
using BenchmarkDotNet.Attributes;
using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Hermes.Sdk.Benchmarks;

/// <summary>
/// The chain's cost on loopback: the time to an answer from the second provider when the primary answers 503 at once,
/// and when the primary's circuit is open, as ratios of calling the second provider directly with the OpenAI SDK.
/// The second provider takes <see cref="ModelLatencyMs"/> to answer, like a fast model's time to first token; the
/// absolute difference from the baseline is the chain's overhead.
/// </summary>
[MemoryDiagnoser]
public class FailoverBenchmarks
{
    private const int ModelLatencyMs = 20;
    private FakeModelServer _primary = null!;
    private FakeModelServer _second = null!;
    private FakeModelServer _third = null!;
    private IChatClient _direct = null!;
    private ModelChain _failingPrimary = null!;
    private ModelChain _openCircuit = null!;
    private readonly List<ChatMessage> _conversation = [new(ChatRole.User, "hello")];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _primary = await FakeModelServer.StartAsync("primary", ModelFault.Unavailable);
        _second = await FakeModelServer.StartAsync("second");
        _third = await FakeModelServer.StartAsync("third");
        _second.Latency = TimeSpan.FromMilliseconds(ModelLatencyMs);

        _direct = new OpenAIClient(new ApiKeyCredential("no-key"), new OpenAIClientOptions { Endpoint = _second.OpenAIBaseUrl })
            .GetChatClient("m").AsIChatClient();

        // The primary is called (and answers 503) on every request: its breaker never opens.
        _failingPrimary = new ModelChain(Options(o => o.FailureThreshold = int.MaxValue));

        // The primary's circuit opens on its first failure and stays open for the whole run.
        _openCircuit = new ModelChain(Options(o => o.CooldownInitial = o.CooldownMax = TimeSpan.FromHours(1)));
        await _openCircuit.GetResponseAsync(_conversation);
        if (_openCircuit.GetCircuitState(0) != CircuitState.Open)
        {
            throw new InvalidOperationException("the primary's circuit did not open");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _failingPrimary.Dispose();
        _openCircuit.Dispose();
        _direct.Dispose();
        await _primary.DisposeAsync();
        await _second.DisposeAsync();
        await _third.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "second provider, called directly")]
    public async Task<string> Direct() => (await _direct.GetResponseAsync(_conversation)).Text;

    [Benchmark(Description = "chain: primary answers 503 at once")]
    public async Task<string> PrimaryAnswers503() => Answered(await _failingPrimary.GetResponseAsync(_conversation));

    [Benchmark(Description = "chain: primary's circuit open")]
    public async Task<string> PrimaryCircuitOpen() => Answered(await _openCircuit.GetResponseAsync(_conversation));

    private static string Answered(ChatResponse response) =>
        response.GetAnsweringProvider() == "second" ? response.Text : throw new InvalidOperationException($"answered by {response.GetAnsweringProvider()}");

    private ModelChainOptions Options(Action<ModelChainOptions> configure)
    {
        var options = new ModelChainOptions
        {
            Primary = new() { Name = "primary", Provider = ModelProviderKind.Vllm, Model = "m", BaseUrl = _primary.OpenAIBaseUrl },
            MaxTransientRetries = 0,
            CrisisMessage = "Benchmark crisis answer.",
        };
        options.Fallbacks.Add(new() { Name = "second", Provider = ModelProviderKind.Vllm, Model = "m", BaseUrl = _second.OpenAIBaseUrl });
        options.Fallbacks.Add(new() { Name = "third", Provider = ModelProviderKind.Vllm, Model = "m", BaseUrl = _third.OpenAIBaseUrl });
        configure(options);
        return options;
    }
}
