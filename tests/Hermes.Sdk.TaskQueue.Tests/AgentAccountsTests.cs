using Hermes.Sdk.Gitea;
using Hermes.Sdk.Gitea.Tests;

namespace Hermes.Sdk.TaskQueue.Tests;

/// <summary>The blueprint's "spawn wolf-1" against the loopback forge's account and token rules.</summary>
public sealed class AgentAccountsTests
{
    [Fact]
    public async Task Spawning_a_wolf_creates_a_usable_account_and_a_scoped_token()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        string adminVariable = "HERMES_TEST_GITEA_ADMIN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(adminVariable, fx.Server.AddToken("root", "write:admin"));
        using GiteaClient admin = fx.NewClient(adminVariable);

        GiteaAccessToken token = await admin.SpawnAgentAccountAsync("wolf-2", "wolf-2@forge.test", "wolf-2-password", ["write:issue", "read:user"]);

        Assert.NotNull(token.Sha1);
        Assert.DoesNotContain(token.Sha1!, token.ToString(), StringComparison.Ordinal);
        string wolfVariable = "HERMES_TEST_GITEA_WOLF_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(wolfVariable, token.Sha1);
        using GiteaClient wolf = fx.NewClient(wolfVariable);
        Assert.Equal("wolf-2", (await wolf.Api.GetCurrentUserAsync()).Login); // must_change_password was false

        // Not an admin: 403. A duplicate user: 422. Token creation with a token instead of Basic auth: 401.
        await Assert.ThrowsAsync<GiteaUnauthorizedException>(() => wolf.Api.AdminCreateUserAsync(new CreateUserOption { Username = "x", Email = "x@forge.test", Password = "long-enough" }));
        await Assert.ThrowsAsync<GiteaValidationException>(() => admin.Api.AdminCreateUserAsync(new CreateUserOption { Username = "wolf-2", Email = "w@forge.test", Password = "long-enough" }));
        await Assert.ThrowsAsync<GiteaUnauthorizedException>(() => wolf.Api.CreateAccessTokenAsync("wolf-2", new CreateAccessTokenOption { Name = "t" }, string.Empty));
    }
}
