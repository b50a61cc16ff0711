using Hermes.Sdk.Skills;

namespace Hermes.Sdk.Agents;

/// <summary>
/// The blueprint's skill layout lets a skill ship an MCP server as <c>scripts/mcp_server.*</c>; this finds them and says
/// how to start each over stdio, in the skill's folder: <c>.js</c>, <c>.mjs</c> and <c>.cjs</c> with <c>node</c>,
/// <c>.py</c> with <c>python3</c>, <c>.sh</c> with <c>sh</c>, <c>.dll</c> with <c>dotnet</c>. A skill's server is
/// named <c>skill-&lt;name&gt;</c> and offered to every tier, under the same policy and budget as every other tool.
/// </summary>
public static class SkillMcpServers
{
    private static readonly (string Extension, string Command)[] Runners =
    [
        (".mjs", "node"), (".js", "node"), (".cjs", "node"), (".py", "python3"), (".sh", "sh"), (".dll", "dotnet"),
    ];

    /// <summary>The MCP servers the library's skills ship, one per skill at most, in the catalog's order.</summary>
    /// <param name="library">The agent's skill library.</param>
    /// <param name="cancellationToken">Cancels the discovery.</param>
    /// <returns>The servers' options (not yet started).</returns>
    public static async Task<IReadOnlyList<McpServerOptions>> DiscoverAsync(SkillLibrary library, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(library);
        SkillCatalog catalog = await library.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        var servers = new List<McpServerOptions>();
        foreach (SkillSummary skill in catalog.Skills)
        {
            string folder = Path.GetDirectoryName(skill.Path) ?? ".";
            foreach ((string extension, string command) in Runners)
            {
                string script = Path.Combine(folder, "scripts", "mcp_server" + extension);
                if (File.Exists(script))
                {
                    var server = new McpServerOptions { Name = $"skill-{skill.Name}", Command = command, WorkingDirectory = folder };
                    server.Arguments.Add(script);
                    servers.Add(server);
                    break;
                }
            }
        }

        return servers;
    }
}
