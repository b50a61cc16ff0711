using Hermes.Sdk.Gitea.Testing;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.Gitea.Tests;

/// <summary>A loopback forge with an agent account ("wolf-1", token in a private environment variable) and a repository.</summary>
internal sealed class ForgeFixture : IAsyncDisposable
{
    public const string Owner = "fleet";
    public const string Repo = "work";

    private ForgeFixture(GiteaTestServer server, string tokenVariable, string token)
    {
        Server = server;
        TokenVariable = tokenVariable;
        Token = token;
        Client = NewClient(tokenVariable);
    }

    public GiteaTestServer Server { get; }

    public string TokenVariable { get; }

    public string Token { get; }

    public GiteaClient Client { get; }

    public IGiteaApi Api => Client.Api;

    public CollectingLoggerProvider Logs { get; } = new();

    public static async Task<ForgeFixture> StartAsync()
    {
        GiteaTestServer server = await GiteaTestServer.StartAsync();
        server.AddUser("wolf-1", "wolf-1-password");
        server.AddRepo(Owner, Repo);
        string token = server.AddToken("wolf-1", "write:issue", "write:repository", "read:user");
        string variable = "HERMES_TEST_GITEA_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, token);
        return new ForgeFixture(server, variable, token);
    }

    public GiteaClient NewClient(string tokenVariable, ILoggerFactory? loggerFactory = null) => GiteaClient.Create(
        new GiteaClientOptions { BaseUrl = Server.BaseUrl, TokenEnvironmentVariable = tokenVariable, RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetries = 3 },
        loggerFactory);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Environment.SetEnvironmentVariable(TokenVariable, null);
        await Server.DisposeAsync();
    }
}
