using System.Net;
using System.Net.Sockets;

namespace Hermes.Sdk.Fleet.Testing;

/// <summary>
/// A cluster of real <c>nats-server</c>s with JetStream on loopback (each with its own store, routes to the others), for
/// testing that the fleet's replicated streams and buckets survive losing a server.
/// </summary>
public sealed class NatsTestCluster : IAsyncDisposable
{
    private NatsTestCluster(IReadOnlyList<NatsTestServer> servers) => Servers = servers;

    /// <summary>The servers, in order.</summary>
    public IReadOnlyList<NatsTestServer> Servers { get; }

    /// <summary>Every server's client URL, comma-separated (NATS clients fail over between them).</summary>
    public string Url => string.Join(",", Servers.Select(s => s.Url));

    /// <summary>Starts <paramref name="size"/> servers routed to each other.</summary>
    /// <param name="size">How many (3 for a JetStream cluster that survives losing one).</param>
    /// <param name="configBody">Extra configuration for every server (for example an authorization block).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running cluster.</returns>
    public static async Task<NatsTestCluster> StartAsync(int size = 3, string configBody = "", CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        int[] routePorts = [.. Enumerable.Range(0, size).Select(_ => FreePort())];
        string routes = string.Join(", ", routePorts.Select(p => $"\"nats-route://127.0.0.1:{p}\""));
        var starting = Enumerable.Range(0, size).Select(i => NatsTestServer.StartAsync($$"""
            server_name: "hermes-n{{i + 1}}"
            cluster { name: "hermes-test", listen: "127.0.0.1:{{routePorts[i]}}", routes: [{{routes}}] }
            {{configBody}}
            """, jetStream: true, cancellationToken)).ToList();
        NatsTestServer[] servers;
        try
        {
            servers = await Task.WhenAll(starting);
        }
        catch
        {
            foreach (Task<NatsTestServer> started in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }

        return new NatsTestCluster(servers);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (NatsTestServer server in Servers)
        {
            await server.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
