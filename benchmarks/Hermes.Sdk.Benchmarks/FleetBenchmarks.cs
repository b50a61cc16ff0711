using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Hermes.Sdk.Fleet;
using Hermes.Sdk.Fleet.Testing;
using Hermes.Sdk.Identity.NKeys;
using NATS.Client.Core;

namespace Hermes.Sdk.Benchmarks;

/// <summary>
/// Live dispatch round trips through the fleet API (typed, versioned task and result messages, a queue-group worker, the
/// result signed by the worker's NKey and checked by the dispatcher) against raw NATS.Net request/reply of a same-sized
/// payload to a raw responder that signs its reply with the same key, checked by the raw client — so the ratio measures
/// the API's overhead, not the signature's — and, to show what signing costs on its own, raw request/reply unsigned.
/// All on the same loopback nats-server; one round trip in flight, and 64 in flight.
/// </summary>
[MemoryDiagnoser]
public class FleetBenchmarks
{
    private NatsTestServer _server = null!;
    private NKeyPair _bossKey = null!;
    private NKeyPair _workerKey = null!;
    private FleetBus _boss = null!;
    private FleetBus _worker = null!;
    private IAsyncDisposable _serving = null!;
    private NatsConnection _rawClient = null!;
    private NatsConnection _rawServer = null!;
    private INatsSub<byte[]> _rawSub = null!;
    private Task _rawLoop = null!;
    private byte[] _rawPayload = [];
    private readonly Dictionary<string, string> _trusted = new(StringComparer.Ordinal);
    private readonly FleetTask _task = new() { Kind = "echo", Tier = "fast", Payload = JsonSerializer.SerializeToElement(new { text = "status of the forge?", n = 42 }) };

    [Params(1, 64)]
    public int InFlight { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _bossKey = NKeyPair.Create(NKeyRole.User);
        _workerKey = NKeyPair.Create(NKeyRole.User);
        _server = await NatsTestServer.StartAsync(NatsTestServer.NKeyAuthorization(_bossKey.PublicKey.Value, _workerKey.PublicKey.Value));
        var bossOptions = new FleetOptions { Fleet = "bench", Agent = "boss", Url = _server.Url };
        bossOptions.TrustedKeys["boss"] = _bossKey.PublicKey.Value;
        bossOptions.TrustedKeys["worker"] = _workerKey.PublicKey.Value;
        _boss = await FleetBus.ConnectAsync(bossOptions, _bossKey);
        _worker = await FleetBus.ConnectAsync(new FleetOptions { Fleet = "bench", Agent = "worker", Url = _server.Url }, _workerKey);
        _serving = await _worker.ServeAsync("fast", (task, _) => Task.FromResult<JsonElement?>(task.Payload));

        _rawClient = new NatsConnection(FleetBus.CreateNatsOptions(new FleetOptions { Fleet = "bench", Agent = "raw-client", Url = _server.Url }, _bossKey));
        _rawServer = new NatsConnection(FleetBus.CreateNatsOptions(new FleetOptions { Fleet = "bench", Agent = "raw-server", Url = _server.Url }, _workerKey));
        _rawSub = await _rawServer.SubscribeCoreAsync<byte[]>("raw.*", queueGroup: "raw");
        await _rawServer.PingAsync();
        _rawLoop = Task.Run(async () =>
        {
            await foreach (NatsMsg<byte[]> msg in _rawSub.Msgs.ReadAllAsync())
            {
                // Signed like the fleet's reply: the same key, the same bytes, the same headers.
                await msg.ReplyAsync(msg.Data, headers: msg.Subject == "raw.echo" ? FleetSignatures.Sign(_workerKey, msg.Data) : null);
            }
        });

        _trusted["worker"] = _workerKey.PublicKey.Value;

        // The raw payload is the size of the fleet's task message, so the comparison is of the API, not the bytes.
        _rawPayload = FleetJson.Write(_task with { Dispatcher = "boss", CreatedAt = DateTimeOffset.UtcNow });
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _serving.DisposeAsync();
        await _rawSub.DisposeAsync();
        await _rawLoop;
        await _rawClient.DisposeAsync();
        await _rawServer.DisposeAsync();
        await _boss.DisposeAsync();
        await _worker.DisposeAsync();
        await _server.DisposeAsync();
        _bossKey.Dispose();
        _workerKey.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 64, Description = "raw NATS.Net request/reply, signed and checked")]
    public Task Raw() => RunAsync(async () =>
    {
        NatsMsg<byte[]> reply = await _rawClient.RequestAsync<byte[], byte[]>("raw.echo", _rawPayload);
        return FleetSignatures.Problem(reply.Headers, reply.Data, "worker", _trusted) is null ? reply.Data!.Length : throw new InvalidOperationException("bad signature");
    });

    [Benchmark(OperationsPerInvoke = 64, Description = "raw NATS.Net request/reply, unsigned")]
    public Task RawUnsigned() => RunAsync(async () =>
    {
        NatsMsg<byte[]> reply = await _rawClient.RequestAsync<byte[], byte[]>("raw.unsigned", _rawPayload);
        return reply.Data!.Length;
    });

    [Benchmark(OperationsPerInvoke = 64, Description = "FleetBus.DispatchAsync (live)")]
    public Task Fleet() => RunAsync(async () =>
    {
        TaskResult result = await _boss.DispatchAsync(_task);
        return result.Ok ? 1 : throw new InvalidOperationException(result.Error);
    });

    /// <summary>64 round trips per invocation, <see cref="InFlight"/> at a time.</summary>
    private async Task RunAsync(Func<Task<int>> roundTrip)
    {
        for (int done = 0; done < 64; done += InFlight)
        {
            if (InFlight == 1)
            {
                await roundTrip();
            }
            else
            {
                await Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => roundTrip()));
            }
        }
    }
}
