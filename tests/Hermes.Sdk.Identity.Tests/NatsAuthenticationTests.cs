using Hermes.Sdk.Fleet.Testing;
using Hermes.Sdk.Identity.NKeys;
using Hermes.Sdk.Identity.Storage;
using Hermes.Sdk.TestSupport;
using NATS.Client.Core;

namespace Hermes.Sdk.Identity.Tests;

/// <summary>NATS.Net, through the NATS.NKeys compat package, authenticates to a real nats-server with our NKeys.</summary>
public class NatsAuthenticationTests
{
    [Fact]
    public async Task A_user_NKey_from_the_identity_store_authenticates_and_another_key_is_refused()
    {
        using var temp = new TempDirectory();
        var store = new IdentityStore(new IdentityStoreOptions { RootDirectory = temp.Combine("ids"), PassphraseEnvironmentVariable = "HERMES_TEST_UNSET" });
        using AgentIdentity agent = await store.CreateAsync("timmy");
        await using NatsTestServer server = await NatsTestServer.StartAsync($$"""
            authorization {
              users = [ { nkey: "{{agent.NKey.PublicKey.Value}}" } ]
            }
            """);

        // The fleet's own key: accepted, and the connection really works.
        await using (var connection = new NatsConnection(Options(server, agent.NKey)))
        {
            await connection.ConnectAsync();
            Assert.Equal(NatsConnectionState.Open, connection.ConnectionState);
            await using var sub = await connection.SubscribeCoreAsync<string>("hermes.test");
            await connection.PublishAsync("hermes.test", "hello");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            NatsMsg<string> msg = await sub.Msgs.ReadAsync(cts.Token);
            Assert.Equal("hello", msg.Data);
        }

        // Another key: refused with NATS's authorization error.
        using NKeyPair stranger = NKeyPair.Create(NKeyRole.User);
        await using (var connection = new NatsConnection(Options(server, stranger)))
        {
            var ex = await Assert.ThrowsAnyAsync<NatsException>(async () => await connection.ConnectAsync());
            Assert.Contains("Authorization Violation", ex.AllMessages(), StringComparison.OrdinalIgnoreCase);
        }

        // No credentials at all: refused.
        await using (var anonymous = new NatsConnection(new NatsOpts { Url = server.Url, MaxReconnectRetry = 0 }))
        {
            var ex = await Assert.ThrowsAnyAsync<NatsException>(async () => await anonymous.ConnectAsync());
            Assert.Contains("Authorization Violation", ex.AllMessages(), StringComparison.OrdinalIgnoreCase);
        }
    }

    private static NatsOpts Options(NatsTestServer server, NKeyPair key)
    {
        var seed = new char[58];
        key.ExportSeed(seed);
        return new NatsOpts
        {
            Url = server.Url,
            MaxReconnectRetry = 0,
            AuthOpts = new NatsAuthOpts { NKey = key.PublicKey.Value, Seed = new string(seed) },
        };
    }
}
