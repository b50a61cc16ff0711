using Hermes.Sdk.Agents;
using Hermes.Sdk.Core;

namespace Hermes.Sdk.Seed.Tests;

/// <summary>config.yaml's agent policy: token scopes, merge and default-branch writes, the webhook, MCP servers.</summary>
public sealed class SeedConfigAgentTests
{
    [Fact]
    public async Task The_agent_policy_reads_with_role_defaults_and_every_field_it_can_set()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        File.WriteAllText(seed.ConfigPath, seed.Config("wolf"));
        SeedConfig wolf = SeedConfig.Load(seed.ConfigPath);
        Assert.Equal(["write:issue", "read:repository", "read:user"], wolf.Gitea.TokenScopes);
        Assert.False(wolf.Gitea.AllowMerge || wolf.Gitea.AllowDefaultBranchWrites);
        Assert.Null(wolf.Gitea.WebhookListen);
        Assert.Empty(wolf.McpServers);
        Assert.Equal(new SeedWorkLimits(), wolf.Work);
        Assert.Equal(WolfTriage.DefaultBudget, wolf.Work.Apply(WolfTriage.DefaultBudget)); // nothing set: the role's own

        File.WriteAllText(seed.ConfigPath, seed.Config("strategist").Replace("  admin_token_env:", """
              token_scopes: [all]
              allow_merge: true
              allow_default_branch_writes: false
              webhook_listen: http://100.100.1.2:8765/hooks/gitea
              webhook_secret_env: MY_HOOK_SECRET
              admin_token_env:
            """, StringComparison.Ordinal) + """

            mcp_servers:
              - name: files
                command: npx
                args: [-y, "@modelcontextprotocol/server-filesystem", "."]
                tiers: [worker, strategist]
                tools: [read_file]
              - name: search
                url: http://127.0.0.1:9000/mcp

            work:
              max_tool_calls: 12
              max_wall_time: 90s
              burn_max_issues: 20
              burn_stale_after: 30d
            """);
        SeedConfig strategist = SeedConfig.Load(seed.ConfigPath);

        Assert.Equal(["all"], strategist.Gitea.TokenScopes);
        Assert.True(strategist.Gitea.AllowMerge);
        Assert.Equal(new Uri("http://100.100.1.2:8765/hooks/gitea"), strategist.Gitea.WebhookListen);
        Assert.Equal("MY_HOOK_SECRET", strategist.Gitea.WebhookSecretEnvironmentVariable);
        McpServerOptions files = strategist.McpServers[0];
        Assert.Equal(("files", "npx"), (files.Name, files.Command));
        Assert.Equal(["-y", "@modelcontextprotocol/server-filesystem", "."], files.Arguments);
        Assert.Equal([AgentTier.Worker, AgentTier.Strategist], files.Tiers);
        Assert.Equal(["read_file"], files.AllowedTools);
        Assert.Equal(new Uri("http://127.0.0.1:9000/mcp"), strategist.McpServers[1].Url);
        Assert.Equal(["write:issue", "write:repository", "read:user"], SeedConfig.DefaultScopes(SeedRole.Worker));
        Assert.Equal((20, TimeSpan.FromDays(30)), (strategist.Work.BurnMaxIssues, strategist.Work.BurnStaleAfter));
        AgentBudget review = strategist.Work.Apply(ReviewQueue.DefaultBudget);
        Assert.Equal((12, ReviewQueue.DefaultBudget.MaxTokens, TimeSpan.FromSeconds(90)), (review.MaxToolCalls, review.MaxTokens, review.MaxWallTime));
    }

    [Fact]
    public async Task Each_mistake_in_the_agent_policy_is_named_with_its_line_and_field()
    {
        await using SeedFixture seed = await SeedFixture.PlantAsync();
        File.WriteAllText(seed.ConfigPath, seed.Config("worker").Replace("  admin_token_env:", "  token_scopes: [write:issues]\n  allow_merge: maybe\n  webhook_listen: http://0.0.0.0:8765/hooks\n  admin_token_env:", StringComparison.Ordinal) + """

            mcp_servers:
              - name: both
                command: node
                url: http://127.0.0.1:9000/mcp
              - name: both
                url: http://127.0.0.1:9001/mcp
                tiers: [janitor]
              - command: node
                colour: blue

            work:
              max_tool_calls: 0
              max_wall_time: soon
              burn_stale_after: a fortnight
              patience: endless
            """);

        var ex = Assert.Throws<SeedConfigException>(() => SeedConfig.Load(seed.ConfigPath));
        string[] problems = [.. ex.Problems.Select(p => p.ToString())];

        Assert.Contains(problems, p => p.Contains("gitea.token_scopes: 'write:issues' is not a Gitea token scope", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("gitea.allow_merge: expected true or false, got 'maybe'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("gitea.webhook_listen: 0.0.0.0 is not a loopback or Tailscale address", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("mcp_servers[0]: set either command", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("mcp_servers[1].name: another server is already named 'both'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("mcp_servers[1].tiers: unknown tier 'janitor'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("mcp_servers[2]", StringComparison.Ordinal) && p.Contains("colour", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("work.max_tool_calls: expected a whole number of at least 1, got '0'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("work.max_wall_time: expected a duration", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("work.burn_stale_after: expected a duration", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("work.patience", StringComparison.Ordinal));
        Assert.All(ex.Problems, p => Assert.Equal(seed.ConfigPath, p.File));
        SourceProblem scopes = ex.Problems.First(p => p.Field == "gitea.token_scopes");
        Assert.Equal(File.ReadAllLines(seed.ConfigPath).ToList().FindIndex(l => l.Contains("token_scopes", StringComparison.Ordinal)) + 1, scopes.Line);
    }
}
