namespace Hermes.Sdk.Agents;

/// <summary>
/// An MCP server whose tools an agent may use: started over stdio (<see cref="Command"/>) or reached over streamable
/// HTTP (<see cref="Url"/>), offered to the tiers listed.
/// </summary>
public sealed class McpServerOptions
{
    /// <summary>The server's name (logs, refusals, the audit trail).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The program to start (stdio transport), e.g. <c>node</c>.</summary>
    public string? Command { get; set; }

    /// <summary>Its arguments.</summary>
    public IList<string> Arguments { get; } = [];

    /// <summary>The working directory for <see cref="Command"/>; default the current one.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>The streamable HTTP endpoint (instead of <see cref="Command"/>).</summary>
    public Uri? Url { get; set; }

    /// <summary>The tiers offered this server's tools (default: every tier).</summary>
    public IList<AgentTier> Tiers { get; } = [];

    /// <summary>Only these tools of the server, by name (default: all it lists).</summary>
    public IList<string> AllowedTools { get; } = [];

    /// <summary>Throws unless exactly one of <see cref="Command"/> and <see cref="Url"/> is set, with a name.</summary>
    /// <exception cref="ArgumentException">The options are unusable; the message says which field.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("An MCP server needs a name.", nameof(Name));
        }

        if (string.IsNullOrWhiteSpace(Command) == (Url is null))
        {
            throw new ArgumentException($"MCP server '{Name}': set either a command (stdio) or a url (streamable HTTP), not both or neither.", nameof(Command));
        }

        if (Url is { IsAbsoluteUri: false } or { Scheme: not ("http" or "https") })
        {
            throw new ArgumentException($"MCP server '{Name}': url must be an absolute http(s) address.", nameof(Url));
        }
    }
}
