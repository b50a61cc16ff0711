using System.Text.RegularExpressions;
using Hermes.Sdk.Agents;
using Hermes.Sdk.Core.Yaml;
using Hermes.Sdk.Gitea.Webhooks;
using YamlDotNet.RepresentationModel;

namespace Hermes.Sdk.Seed;

/// <summary>The parts of config.yaml that say what the agent loop may do: token scopes, merge and default-branch writes, MCP servers, what a task may spend.</summary>
public sealed partial record SeedConfig
{
    /// <summary>What a task may spend and how far a burn night looks (<c>work</c>); left out, the role's own limits.</summary>
    public SeedWorkLimits Work { get; init; } = new();

    private static readonly string[] McpFields = ["name", "command", "args", "url", "tiers", "tools"];

    /// <summary>What a role's token needs when config.yaml does not list its scopes.</summary>
    /// <param name="role">The role.</param>
    /// <returns>The scopes.</returns>
    public static IReadOnlyList<string> DefaultScopes(SeedRole role) => role == SeedRole.Wolf
        ? ["write:issue", "read:repository", "read:user"]
        : ["write:issue", "write:repository", "read:user"];

    /// <summary>Gitea's token scopes (models/auth/access_token_scope.go): all, public-only, or read:/write: of a category.</summary>
    [GeneratedRegex("^(all|public-only|(read|write):(activitypub|admin|issue|misc|notification|organization|package|repository|user))$")]
    private static partial Regex ScopePattern();

    private static List<string>? ReadTokenScopes(YamlSourceReader reader, YamlMappingNode? gitea)
    {
        if (YamlSourceReader.Get(gitea, "token_scopes") is not { } node)
        {
            return null;
        }

        List<string>? scopes = TextList(reader, node, "gitea.token_scopes", "a list of Gitea token scopes, for example [write:issue, write:repository, read:user]");
        foreach (string scope in scopes ?? [])
        {
            if (!ScopePattern().IsMatch(scope))
            {
                reader.Add(node, "gitea.token_scopes", $"'{scope}' is not a Gitea token scope (all, public-only, or read:/write: followed by issue, repository, user, organization, package, notification, misc, admin or activitypub)");
            }
        }

        return scopes;
    }

    private static Uri? WebhookListen(YamlSourceReader reader, YamlMappingNode? gitea)
    {
        Uri? listen = reader.Url(gitea, "gitea", "webhook_listen", "http");
        if (listen is null)
        {
            return null;
        }

        try
        {
            new GiteaWebhookOptions { Listen = listen }.Validate();
            return listen;
        }
        catch (ArgumentException ex)
        {
            reader.Add(YamlSourceReader.Get(gitea, "webhook_listen")!, "gitea.webhook_listen", ex.Message.Replace("Listen: ", string.Empty, StringComparison.Ordinal).Split(" (Parameter", 2)[0]);
            return null;
        }
    }

    private static SeedWorkLimits ReadWork(YamlSourceReader reader, YamlMappingNode root)
    {
        var limits = new SeedWorkLimits();
        if (reader.Mapping(root, "work", Sections["work"], required: false) is not { } work)
        {
            return limits;
        }

        int? Number(string key, int min) => YamlSourceReader.Get(work, key) is { } node ? reader.WholeNumber(node, $"work.{key}", min, int.MaxValue) : null;
        TimeSpan? Time(string key) => YamlSourceReader.Get(work, key) is { } node ? reader.Duration(node, $"work.{key}") : null;
        return new SeedWorkLimits
        {
            MaxToolCalls = Number("max_tool_calls", 1),
            MaxTokens = Number("max_tokens", 1),
            MaxWallTime = Time("max_wall_time"),
            BurnMaxIssues = Number("burn_max_issues", 1) ?? limits.BurnMaxIssues,
            BurnStaleAfter = Time("burn_stale_after") ?? limits.BurnStaleAfter,
        };
    }

    private static bool Flag(YamlSourceReader reader, YamlMappingNode? map, string path, string key)
    {
        if (YamlSourceReader.Get(map, key) is not { } node)
        {
            return false;
        }

        string? text = reader.Scalar(node, $"{path}.{key}");
        if (text is "true" or "yes")
        {
            return true;
        }

        if (text is not (null or "false" or "no"))
        {
            reader.Add(node, $"{path}.{key}", $"expected true or false, got '{text}'");
        }

        return false;
    }

    private static List<McpServerOptions> ReadMcpServers(YamlSourceReader reader, YamlMappingNode root)
    {
        if (YamlSourceReader.Get(root, "mcp_servers") is not { } node || YamlSourceReader.IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode list)
        {
            reader.Add(node, "mcp_servers", "a list of servers, each with a name and either a command (stdio) or a url (streamable HTTP)");
            return [];
        }

        var servers = new List<McpServerOptions>();
        for (int i = 0; i < list.Children.Count; i++)
        {
            string path = $"mcp_servers[{i}]";
            if (list.Children[i] is not YamlMappingNode map)
            {
                reader.Add(list.Children[i], path, "a mapping with name and command or url");
                continue;
            }

            if (!reader.RejectUnknownFields(map, path, McpFields))
            {
                continue;
            }

            var server = new McpServerOptions { Name = reader.Text(map, path, "name", required: true) ?? string.Empty, Command = reader.Text(map, path, "command"), Url = reader.Url(map, path, "url", "http", "https") };
            foreach (string argument in YamlSourceReader.Get(map, "args") is { } args ? TextList(reader, args, $"{path}.args", "a list of arguments") ?? [] : [])
            {
                server.Arguments.Add(argument);
            }

            foreach (string tool in YamlSourceReader.Get(map, "tools") is { } tools ? TextList(reader, tools, $"{path}.tools", "a list of the server's tool names") ?? [] : [])
            {
                server.AllowedTools.Add(tool);
            }

            foreach (string tier in YamlSourceReader.Get(map, "tiers") is { } tiers ? TextList(reader, tiers, $"{path}.tiers", "a list of tiers: strategist, worker, wolf") ?? [] : [])
            {
                if (Enum.TryParse(tier, ignoreCase: true, out AgentTier parsed))
                {
                    server.Tiers.Add(parsed);
                }
                else
                {
                    reader.Add(YamlSourceReader.Get(map, "tiers")!, $"{path}.tiers", $"unknown tier '{tier}' (expected strategist, worker or wolf)");
                }
            }

            if (server.Name.Length > 0 && servers.Exists(s => s.Name == server.Name))
            {
                reader.Add(YamlSourceReader.Get(map, "name")!, $"{path}.name", $"another server is already named '{server.Name}'");
            }
            else if ((YamlSourceReader.Get(map, "command") is null) == (YamlSourceReader.Get(map, "url") is null))
            {
                reader.Add(map, path, "set either command (a program started over stdio) or url (a streamable HTTP endpoint), not both or neither");
            }

            servers.Add(server);
        }

        return servers;
    }

    /// <summary>A list of non-empty texts, or null with the problem recorded at the node.</summary>
    private static List<string>? TextList(YamlSourceReader reader, YamlNode node, string path, string expected)
    {
        if (node is YamlSequenceNode list && list.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }))
        {
            return [.. list.Children.Select(c => ((YamlScalarNode)c).Value!)];
        }

        reader.Add(node, path, expected);
        return null;
    }
}
