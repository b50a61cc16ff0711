using System.Diagnostics;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Agents.Tests;

/// <summary>MCP tools through the official SDK, against the reference server from npm (@modelcontextprotocol/server-everything).</summary>
public sealed class McpToolTests
{
    private static McpServerOptions Everything(params AgentTier[] tiers)
    {
        var options = new McpServerOptions
        {
            Name = "everything",
            Command = "node",
            WorkingDirectory = RepoPaths.Interop,
        };
        options.Arguments.Add(Path.Combine(RepoPaths.Interop, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js"));
        options.Arguments.Add("stdio");
        options.AllowedTools.Add("echo");
        foreach (AgentTier tier in tiers)
        {
            options.Tiers.Add(tier);
        }

        return options;
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_tool_of_a_real_mcp_server_is_called_through_the_loop_and_audited(string wire)
    {
        await using McpToolSource mcp = await McpToolSource.ConnectAsync(Everything(AgentTier.Worker));
        await using AgentFixture fx = await AgentFixture.StartAsync(wire, request => request.Results.Count == 0
            ? ScriptedReply.Call("echo", new { message = "hello from the worker" })
            : ScriptedReply.Say($"The server said: {request.Results[0].Content}"));

        AgentRun run = await fx.Loop().RunAsync(fx.Task(AgentTier.Worker, "Echo a greeting.", extra: [.. mcp.Tools]));

        Assert.Equal(["echo"], mcp.Tools.Select(t => t.Name)); // only the allowed tool of the server's list
        Assert.Contains("echo", fx.Model.Requests[0].Tools);
        Assert.Contains("Echo: hello from the worker", run.Text, StringComparison.Ordinal);
        ToolCallRecord call = Assert.Single(run.Audit.Calls);
        Assert.Equal(("echo", ToolCallOutcome.Succeeded, "message: \"hello from the worker\""), (call.Tool, call.Outcome, call.Arguments));
    }

    [Fact]
    public async Task A_real_mcp_server_over_streamable_http_serves_its_tools_through_the_loop()
    {
        // The reference server's own streamable HTTP launcher (express and the TypeScript SDK's transport, with
        // sessions), bound to 127.0.0.1 by tests/interop/mcp-http-peer.mjs.
        int port = LoopbackApp.FreePort();
        var start = new ProcessStartInfo("node", [Path.Combine(RepoPaths.Interop, "mcp-http-peer.mjs")])
        {
            WorkingDirectory = RepoPaths.Interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        using Process server = Process.Start(start)!;
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening on port", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        server.OutputDataReceived += (_, _) => { };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var options = new McpServerOptions { Name = "everything-http", Url = new Uri($"http://127.0.0.1:{port}/mcp") };
            options.AllowedTools.Add("echo");
            options.Tiers.Add(AgentTier.Strategist);
            await using McpToolSource mcp = await McpToolSource.ConnectAsync(options);
            await using AgentFixture fx = await AgentFixture.StartAsync("anthropic", request => request.Results.Count == 0
                ? ScriptedReply.Call("echo", new { message = "over http" })
                : ScriptedReply.Say($"The server said: {request.Results[0].Content}"));

            AgentRun run = await fx.Loop().RunAsync(fx.Task(AgentTier.Strategist, "Echo a greeting.", extra: [.. mcp.Tools]));

            Assert.Contains("Echo: over http", run.Text, StringComparison.Ordinal);
            Assert.Equal(ToolCallOutcome.Succeeded, Assert.Single(run.Audit.Calls).Outcome);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task A_tier_the_server_is_not_configured_for_is_not_offered_its_tools()
    {
        await using McpToolSource mcp = await McpToolSource.ConnectAsync(Everything(AgentTier.Strategist));
        await using AgentFixture fx = await AgentFixture.StartAsync("openai", request => request.Results.Count == 0
            ? ScriptedReply.Call("echo", new { message = "x" })
            : ScriptedReply.Say("done"));

        AgentRun run = await fx.Loop().RunAsync(fx.Task(AgentTier.Wolf, "Echo.", extra: [.. mcp.Tools]));

        Assert.DoesNotContain("echo", fx.Model.Requests[0].Tools);
        Assert.Equal(ToolCallOutcome.Refused, Assert.Single(run.Audit.Calls).Outcome);
    }

    [Fact]
    public async Task Bad_server_options_and_unknown_tools_are_refused_with_the_reason()
    {
        Assert.Contains("either a command (stdio) or a url", Assert.Throws<ArgumentException>(() => new McpServerOptions { Name = "x" }.Validate()).Message, StringComparison.Ordinal);
        McpServerOptions wrong = Everything();
        wrong.AllowedTools.Add("format_disk");
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => McpToolSource.ConnectAsync(wrong));
        Assert.Contains("has no tool named 'format_disk'", missing.Message, StringComparison.Ordinal);
    }
}
