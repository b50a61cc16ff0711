using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace Hermes.Sdk.Agents;

/// <summary>
/// An MCP server's tools as agent tools, through the official ModelContextProtocol SDK: each <see cref="McpClientTool"/>
/// is an <c>AIFunction</c>, offered under the same tier policy, budget and audit as every other tool. Dispose it to
/// close the session (and stop a stdio server).
/// </summary>
public sealed class McpToolSource : IAsyncDisposable
{
    private readonly McpClient _client;

    private McpToolSource(McpServerOptions options, McpClient client, IReadOnlyList<AgentTool> tools)
    {
        Options = options;
        _client = client;
        Tools = tools;
    }

    /// <summary>The server.</summary>
    public McpServerOptions Options { get; }

    /// <summary>The server's tools, as agent tools.</summary>
    public IReadOnlyList<AgentTool> Tools { get; }

    /// <summary>Connects to the server and lists its tools.</summary>
    /// <param name="options">The server; validated here.</param>
    /// <param name="loggerFactory">The SDK's logging.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The tool source.</returns>
    /// <exception cref="ArgumentException">The options are unusable.</exception>
    /// <exception cref="InvalidOperationException">The server lists none of <see cref="McpServerOptions.AllowedTools"/> it was asked for.</exception>
    public static async Task<McpToolSource> ConnectAsync(McpServerOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        IClientTransport transport = options.Url is { } url
            ? new HttpClientTransport(new HttpClientTransportOptions { Endpoint = url, Name = options.Name, TransportMode = HttpTransportMode.StreamableHttp }, loggerFactory)
            : new StdioClientTransport(new StdioClientTransportOptions { Name = options.Name, Command = options.Command!, Arguments = [.. options.Arguments], WorkingDirectory = options.WorkingDirectory }, loggerFactory);
        McpClient client = await McpClient.CreateAsync(transport, new McpClientOptions { ClientInfo = new() { Name = "hermes-agent", Version = "1.0" } }, loggerFactory, cancellationToken).ConfigureAwait(false);
        try
        {
            IList<McpClientTool> listed = await client.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            string[] missing = [.. options.AllowedTools.Where(a => !listed.Any(t => t.Name == a))];
            if (missing.Length > 0)
            {
                throw new InvalidOperationException($"MCP server '{options.Name}' has no tool named {string.Join(", ", missing.Select(m => $"'{m}'"))} (it lists: {string.Join(", ", listed.Select(t => t.Name))}).");
            }

            AgentTier[] tiers = options.Tiers.Count > 0 ? [.. options.Tiers] : [AgentTier.Strategist, AgentTier.Worker, AgentTier.Wolf];
            AgentTool[] tools = [.. listed.Where(t => options.AllowedTools.Count == 0 || options.AllowedTools.Contains(t.Name)).Select(t => new AgentTool(t, tiers))];
            return new McpToolSource(options, client, tools);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
