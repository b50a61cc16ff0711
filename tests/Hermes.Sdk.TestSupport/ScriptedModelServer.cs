using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hermes.Sdk.TestSupport;

/// <summary>A tool result the model was sent back: which call it answers and what it said.</summary>
/// <param name="CallId">The call's id.</param>
/// <param name="Name">The tool's name (from the call it answers).</param>
/// <param name="Content">The result as the client sent it.</param>
public sealed record ScriptedToolResult(string CallId, string Name, string Content);

/// <summary>What the model was asked: the tools offered, the texts, and the tool results so far.</summary>
/// <param name="Wire"><c>openai</c> or <c>anthropic</c>.</param>
/// <param name="Tools">The names of the tools offered.</param>
/// <param name="Texts">Every text in the request, system first, in order.</param>
/// <param name="Results">The tool results so far, in order.</param>
public sealed record ScriptedRequest(string Wire, IReadOnlyList<string> Tools, IReadOnlyList<string> Texts, IReadOnlyList<ScriptedToolResult> Results)
{
    /// <summary>Everything in the request as one text (for "does the prompt mention …").</summary>
    public string AllText => string.Join("\n", Texts.Concat(Results.Select(r => r.Content)));
}

/// <summary>A model's turn: a text answer, or tool calls (name and JSON arguments).</summary>
/// <param name="Text">The text (null with tool calls).</param>
/// <param name="Calls">The tool calls.</param>
public sealed record ScriptedReply(string? Text, IReadOnlyList<(string Name, string Arguments)> Calls)
{
    /// <summary>A final text answer.</summary>
    public static ScriptedReply Say(string text) => new(text, []);

    /// <summary>One tool call; <paramref name="arguments"/> is serialised as its JSON object.</summary>
    public static ScriptedReply Call(string name, object? arguments = null) => new(null, [(name, JsonSerializer.Serialize(arguments ?? new { }))]);
}

/// <summary>
/// A loopback model provider that answers with tool calls, in OpenAI's chat-completions wire format
/// (<c>POST /v1/chat/completions</c>: <c>tool_calls</c>, <c>finish_reason: "tool_calls"</c>, results as <c>role: "tool"</c>
/// messages) and Anthropic's messages format (<c>POST /v1/messages</c>: <c>tool_use</c> blocks, <c>stop_reason:
/// "tool_use"</c>, results as <c>tool_result</c> blocks), as their APIs document them. A script decides each turn from
/// what it was sent.
/// </summary>
public sealed class ScriptedModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedRequest> _requests = new();
    private int _calls;

    private ScriptedModelServer(WebApplication app, Func<ScriptedRequest, ScriptedReply> script)
    {
        _app = app;
        Script = script;
    }

    /// <summary>Decides each turn.</summary>
    public Func<ScriptedRequest, ScriptedReply> Script { get; set; }

    /// <summary>The base address (the OpenAI endpoint is under <c>/v1</c>; Anthropic's client takes the base).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The OpenAI-compatible endpoint.</summary>
    public Uri OpenAIBaseUrl => new(BaseUrl, "/v1");

    /// <summary>Every request received.</summary>
    public IReadOnlyList<ScriptedRequest> Requests => [.. _requests];

    /// <summary>Starts the server on 127.0.0.1 with a free port.</summary>
    public static async Task<ScriptedModelServer> StartAsync(Func<ScriptedRequest, ScriptedReply> script)
    {
        WebApplication app = LoopbackApp.Create();
        var server = new ScriptedModelServer(app, script);
        app.MapPost("/v1/chat/completions", server.OpenAIAsync);
        app.MapPost("/v1/messages", server.AnthropicAsync);
        server.BaseUrl = await LoopbackApp.StartAsync(app);
        return server;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task OpenAIAsync(HttpContext context)
    {
        JsonNode request = (await JsonNode.ParseAsync(context.Request.Body))!;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var texts = new List<string>();
        var results = new List<ScriptedToolResult>();
        foreach (JsonNode? message in request["messages"]!.AsArray())
        {
            foreach (JsonNode? call in message!["tool_calls"]?.AsArray() ?? [])
            {
                names[call!["id"]!.GetValue<string>()] = call["function"]!["name"]!.GetValue<string>();
            }

            string content = Text(message["content"]);
            if (message["role"]!.GetValue<string>() == "tool")
            {
                string id = message["tool_call_id"]!.GetValue<string>();
                results.Add(new ScriptedToolResult(id, names.GetValueOrDefault(id, "?"), content));
            }
            else if (content.Length > 0)
            {
                texts.Add(content);
            }
        }

        string[] tools = [.. (request["tools"]?.AsArray() ?? []).Select(t => t!["function"]!["name"]!.GetValue<string>())];
        ScriptedReply reply = Decide(new ScriptedRequest("openai", tools, texts, results));
        int turn = Interlocked.Increment(ref _calls);
        object message2 = reply.Calls.Count == 0
            ? new { role = "assistant", content = reply.Text ?? string.Empty }
            : new
            {
                role = "assistant",
                content = (string?)null,
                tool_calls = reply.Calls.Select((c, i) => new { id = $"call_{turn}_{i}", type = "function", function = new { name = c.Name, arguments = c.Arguments } }).ToArray(),
            };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            id = $"chatcmpl-{turn}",
            @object = "chat.completion",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model = request["model"]?.GetValue<string>() ?? "scripted",
            choices = new[] { new { index = 0, message = message2, finish_reason = reply.Calls.Count == 0 ? "stop" : "tool_calls" } },
            usage = new { prompt_tokens = 100, completion_tokens = 20, total_tokens = 120 },
        }));
    }

    private async Task AnthropicAsync(HttpContext context)
    {
        JsonNode request = (await JsonNode.ParseAsync(context.Request.Body))!;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var texts = new List<string>();
        var results = new List<ScriptedToolResult>();
        if (Text(request["system"]) is { Length: > 0 } system)
        {
            texts.Add(system);
        }

        foreach (JsonNode? message in request["messages"]!.AsArray())
        {
            if (message!["content"] is JsonValue)
            {
                texts.Add(message["content"]!.GetValue<string>());
                continue;
            }

            foreach (JsonNode? block in message["content"]!.AsArray())
            {
                switch (block!["type"]!.GetValue<string>())
                {
                    case "text":
                        texts.Add(block["text"]!.GetValue<string>());
                        break;
                    case "tool_use":
                        names[block["id"]!.GetValue<string>()] = block["name"]!.GetValue<string>();
                        break;
                    case "tool_result":
                        string id = block["tool_use_id"]!.GetValue<string>();
                        results.Add(new ScriptedToolResult(id, names.GetValueOrDefault(id, "?"), Text(block["content"])));
                        break;
                }
            }
        }

        string[] tools = [.. (request["tools"]?.AsArray() ?? []).Select(t => t!["name"]!.GetValue<string>())];
        ScriptedReply reply = Decide(new ScriptedRequest("anthropic", tools, texts, results));
        int turn = Interlocked.Increment(ref _calls);
        object[] content = reply.Calls.Count == 0
            ? [new { type = "text", text = reply.Text ?? string.Empty }]
            : [.. reply.Calls.Select((c, i) => (object)new { type = "tool_use", id = $"toolu_{turn}_{i}", name = c.Name, input = JsonNode.Parse(c.Arguments) })];
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            id = $"msg_{turn.ToString(CultureInfo.InvariantCulture)}",
            type = "message",
            role = "assistant",
            model = request["model"]?.GetValue<string>() ?? "scripted",
            content,
            stop_reason = reply.Calls.Count == 0 ? "end_turn" : "tool_use",
            stop_sequence = (string?)null,
            usage = new { input_tokens = 100, output_tokens = 20 },
        }));
    }

    private ScriptedReply Decide(ScriptedRequest request)
    {
        _requests.Enqueue(request);
        return Script(request);
    }

    /// <summary>A content that is a string, or an array of text parts (both wires allow either).</summary>
    private static string Text(JsonNode? content) => content switch
    {
        null => string.Empty,
        JsonValue value => value.TryGetValue(out string? s) ? s : value.ToJsonString(),
        JsonArray parts => string.Join("\n", parts.Select(p => p?["text"]?.GetValue<string>() ?? string.Empty)),
        _ => content.ToJsonString(),
    };
}
