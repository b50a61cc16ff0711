using Hermes.Sdk.Fleet.Testing;
using Hermes.Sdk.Identity.Storage;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Hermes.Sdk.Fleet.Tests;

/// <summary>The DI entry point: the agent's identity supplies the NKey the bus authenticates with.</summary>
public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task The_bus_connects_with_the_agents_own_identity_and_bad_options_stop_start_up()
    {
        using var dir = new TempDirectory();
        var store = new IdentityStore(new IdentityStoreOptions { RootDirectory = dir.Combine("ids"), PassphraseEnvironmentVariable = "HERMES_TEST_UNSET" });
        string publicKey;
        using (AgentIdentity created = await store.CreateAsync("wolf-1"))
        {
            publicKey = created.NKey.PublicKey.Value;
        }

        await using NatsTestServer server = await NatsTestServer.StartAsync(NatsTestServer.NKeyAuthorization(publicKey));
        var services = new ServiceCollection();
        services.AddHermesIdentity(o => { o.RootDirectory = dir.Combine("ids"); o.AgentName = "wolf-1"; o.PassphraseEnvironmentVariable = "HERMES_TEST_UNSET"; });
        services.AddHermesFleet(o => { o.Fleet = "timmy"; o.Agent = "wolf-1"; o.Url = server.Url; });
        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            FleetBus bus = await provider.GetRequiredService<Task<FleetBus>>();
            Assert.Same(bus, await provider.GetRequiredService<Task<FleetBus>>());
            Assert.Equal(NatsConnectionState.Open, bus.Connection.ConnectionState);
            await bus.DisposeAsync();
        }

        var remote = new ServiceCollection();
        remote.AddHermesFleet(o => { o.Fleet = "timmy"; o.Agent = "wolf-1"; o.Url = "nats://192.0.2.10:4222"; });
        await using ServiceProvider refused = remote.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => refused.GetRequiredService<IOptions<FleetOptions>>().Value);
        Assert.Contains("Use tls://", ex.Message, StringComparison.Ordinal);
    }
}
