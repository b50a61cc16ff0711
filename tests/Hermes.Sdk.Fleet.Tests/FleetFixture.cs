using Hermes.Sdk.Fleet.Testing;
using Hermes.Sdk.Identity.NKeys;

namespace Hermes.Sdk.Fleet.Tests;

/// <summary>A real nats-server on loopback with JetStream in a temporary store, admitting the fleet's agents by NKey.</summary>
internal sealed class FleetFixture : IAsyncDisposable
{
    private readonly List<FleetBus> _buses = [];

    private FleetFixture(NatsTestServer server, Dictionary<string, NKeyPair> keys)
    {
        Server = server;
        Keys = keys;
    }

    public NatsTestServer Server { get; }

    public Dictionary<string, NKeyPair> Keys { get; }

    public static async Task<FleetFixture> StartAsync(params string[] agents)
    {
        Dictionary<string, NKeyPair> keys = agents.ToDictionary(a => a, _ => NKeyPair.Create(NKeyRole.User));
        NatsTestServer server = await NatsTestServer.StartAsync(NatsTestServer.NKeyAuthorization(keys.Values.Select(k => k.PublicKey.Value)), jetStream: true);
        return new FleetFixture(server, keys);
    }

    public FleetOptions Options(string agent, Action<FleetOptions>? configure = null)
    {
        var options = new FleetOptions { Fleet = "timmy", Agent = agent, Url = Server.Url, AckWait = TimeSpan.FromSeconds(2) };
        options.Backoff.Clear();
        options.Backoff.Add(TimeSpan.FromMilliseconds(50));
        configure?.Invoke(options);
        return options;
    }

    public async Task<FleetBus> ConnectAsync(string agent, Action<FleetOptions>? configure = null, TimeProvider? time = null)
    {
        FleetBus bus = await FleetBus.ConnectAsync(Options(agent, configure), Keys[agent], timeProvider: time);
        _buses.Add(bus);
        return bus;
    }

    /// <summary>Connects each agent and has it work the tier with the same handler; dispose the result to stop them all.</summary>
    public async Task<IAsyncDisposable> WorkAllAsync(IEnumerable<string> agents, string tier, FleetTaskHandler handler, Action<FleetOptions>? configure = null)
    {
        var working = new Workers();
        foreach (string agent in agents)
        {
            FleetBus bus = await ConnectAsync(agent, configure);
            working.Add(await bus.WorkAsync(tier, handler));
        }

        return working;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (FleetBus bus in _buses)
        {
            await bus.DisposeAsync();
        }

        foreach (NKeyPair key in Keys.Values)
        {
            key.Dispose();
        }

        await Server.DisposeAsync();
    }
}

/// <summary>Several workers stopped together.</summary>
internal sealed class Workers : List<IAsyncDisposable>, IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        foreach (IAsyncDisposable worker in this)
        {
            await worker.DisposeAsync();
        }
    }
}
