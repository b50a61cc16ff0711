using Hermes.Sdk.Agents;
using Hermes.Sdk.Skills;

namespace Hermes.Sdk.Seed;

/// <summary>
/// The agent's tools besides Gitea's, for one <c>run</c>: its skills (list, read, follow, propose) and the tools of its
/// MCP servers — those config.yaml lists and those its skills ship as <c>scripts/mcp_server.*</c>. A server that cannot
/// be started is a warning: the agent works without it. Disposing it closes the MCP sessions.
/// </summary>
internal sealed class SeedToolbox : IAsyncDisposable
{
    private readonly SkillLibrary _library;
    private readonly List<McpToolSource> _servers;

    private SeedToolbox(SkillLibrary library, List<McpToolSource> servers, IReadOnlyList<AgentTool> tools)
    {
        _library = library;
        _servers = servers;
        Tools = tools;
    }

    /// <summary>The tools.</summary>
    public IReadOnlyList<AgentTool> Tools { get; }

    /// <summary>The MCP servers that started, by name.</summary>
    public IReadOnlyList<string> Servers => [.. _servers.Select(s => s.Options.Name)];

    public static async Task<SeedToolbox> OpenAsync(SeedSession s, CancellationToken ct)
    {
        SkillLibrary library = SeedApp.Library(s);
        var servers = new List<McpToolSource>();
        try
        {
            IEnumerable<McpServerOptions> wanted = [.. s.Config.McpServers, .. await SkillMcpServers.DiscoverAsync(library, ct).ConfigureAwait(false)];
            foreach (McpServerOptions options in wanted)
            {
                try
                {
                    servers.Add(await McpToolSource.ConnectAsync(options, s.Logging, ct).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    s.Warn($"MCP server '{options.Name}' could not be started ({ex.Message}); working without its tools.");
                }
            }

            // A model sees tools by name: the first of a name wins (skills, then servers in order), and a shadowed one is said.
            var tools = new List<AgentTool>(SkillAgentTools.All(library));
            foreach (McpToolSource server in servers)
            {
                foreach (AgentTool tool in server.Tools)
                {
                    if (tools.Exists(t => t.Name == tool.Name))
                    {
                        s.Warn($"MCP server '{server.Options.Name}': its tool '{tool.Name}' has the name of a tool already offered; skipped.");
                        continue;
                    }

                    tools.Add(tool);
                }
            }

            return new SeedToolbox(library, servers, tools);
        }
        catch
        {
            foreach (McpToolSource server in servers)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }

            library.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (McpToolSource server in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        _library.Dispose();
    }
}
