using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hermes.Sdk.TestSupport;

/// <summary>What a <see cref="FakeModelServer"/> does with a request.</summary>
public enum ModelFault
{
    /// <summary>Answers normally.</summary>
    None,

    /// <summary>429 (with Retry-After when <see cref="FakeModelServer.RetryAfter"/> is set).</summary>
    RateLimited,

    /// <summary>500.</summary>
    ServerError,

    /// <summary>503 (with Retry-After when set); Anthropic's overloaded error is 529.</summary>
    Unavailable,

    /// <summary>401.</summary>
    Unauthorized,

    /// <summary>400: the request is malformed.</summary>
    BadRequest,

    /// <summary>404 / unknown model.</summary>
    ModelNotFound,

    /// <summary>Never answers (until the client gives up).</summary>
    Hang,

    /// <summary>200 with a body that is not JSON.</summary>
    GarbageJson,

    /// <summary>200 with empty content (and a normal finish reason).</summary>
    EmptyContent,

    /// <summary>Streams content, then ends the stream cleanly without a finish reason.</summary>
    CutBeforeFinish,

    /// <summary>Streams the preamble (role, message start), then ends cleanly before any content or finish reason.</summary>
    CutBeforeContent,

    /// <summary>Streams content, then drops the connection.</summary>
    DropMidStream,

    /// <summary>Drops the connection before any content (after the headers when streaming).</summary>
    DropBeforeOutput,

    /// <summary>400: the prompt exceeds the model's context.</summary>
    ContextLength,

    /// <summary>400: the provider's content policy rejected the request.</summary>
    PolicyRejection,

    /// <summary>200 whose finish reason is a content-filter or refusal verdict, with no content.</summary>
    Refusal,

    /// <summary>
    /// OpenRouter's error after generation began: HTTP 200 with <c>{"error": {"code": 502, "message": …}}</c> and no
    /// choices (openrouter.ai/docs/api/reference/errors-and-debugging); when streaming, keep-alive comments, some content,
    /// then a data event carrying an <c>error</c> object and <c>finish_reason: "error"</c>, then <c>[DONE]</c>.
    /// </summary>
    ProviderErrorIn200,
}

/// <summary>A request the server received.</summary>
/// <param name="Path">The request path.</param>
/// <param name="Streaming">Whether the request asked to stream.</param>
/// <param name="Body">The raw JSON body.</param>
public sealed record ReceivedModelRequest(string Path, bool Streaming, string Body);

/// <summary>
/// A model provider on a loopback port (Kestrel) that speaks OpenAI's chat-completions wire format
/// (<c>/v1/chat/completions</c>) and Anthropic's messages format (<c>/v1/messages</c>), each with and without SSE
/// streaming, and injects faults on demand. The real provider SDKs are pointed at it.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedModelRequest> _requests = new();
    private int _calls;
    private int _disposed;

    private FakeModelServer(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    /// <summary>The server's name; it answers "answer from {name}".</summary>
    public string Name { get; }

    /// <summary>The loopback port.</summary>
    public int Port { get; private set; }

    /// <summary>The root URL (Anthropic's base URL).</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The OpenAI-compatible base URL (<c>…/v1</c>).</summary>
    public Uri OpenAIBaseUrl => new(BaseUrl, "/v1");

    /// <summary>The fault applied to every request (unless <see cref="Script"/> says otherwise).</summary>
    public ModelFault Fault { get; set; }

    /// <summary>Chooses the fault per call (0-based call index); overrides <see cref="Fault"/>.</summary>
    public Func<int, ModelFault>? Script { get; set; }

    /// <summary>The Retry-After sent with 429 and 503 (whole seconds), if any.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>How long the server "thinks" before a successful answer (a model's time to first token); zero by default.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>When set, requests must carry this key (as <c>Authorization: Bearer</c> or <c>x-api-key</c>); others get 401.</summary>
    public string? ExpectedApiKey { get; set; }

    /// <summary>The answer text.</summary>
    public string Answer => $"answer from {Name}";

    /// <summary>When set, computes each answer's text from the request (a model that answers by what it is asked).</summary>
    public Func<ReceivedModelRequest, string>? Responder { get; set; }

    /// <summary>How many model requests arrived.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<ReceivedModelRequest> Requests => [.. _requests];

    /// <summary>Starts a server on 127.0.0.1 and an ephemeral port.</summary>
    /// <param name="name">The server's name.</param>
    /// <param name="fault">The initial fault.</param>
    /// <returns>The running server.</returns>
    public static async Task<FakeModelServer> StartAsync(string name, ModelFault fault = ModelFault.None)
    {
        WebApplication app = LoopbackApp.Create();
        var server = new FakeModelServer(name, app) { Fault = fault };
        app.MapPost("/v1/chat/completions", server.HandleOpenAIAsync);
        app.MapPost("/v1/messages", server.HandleAnthropicAsync);
        server.Port = (await LoopbackApp.StartAsync(app)).Port;
        return server;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<(ModelFault Fault, bool Stream, string Model, string Answer)> AdmitAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync(context.RequestAborted);
        bool stream = false;
        string model = "unknown";
        try
        {
            using var json = JsonDocument.Parse(body);
            stream = json.RootElement.TryGetProperty("stream", out JsonElement s) && s.ValueKind == JsonValueKind.True;
            model = json.RootElement.TryGetProperty("model", out JsonElement m) ? m.GetString() ?? model : model;
        }
        catch (JsonException)
        {
        }

        var received = new ReceivedModelRequest(context.Request.Path, stream, body);
        _requests.Enqueue(received);
        int call = Interlocked.Increment(ref _calls) - 1;
        ModelFault fault = Script?.Invoke(call) ?? Fault;
        if (ExpectedApiKey is { } expected)
        {
            string? presented = context.Request.Headers["x-api-key"].FirstOrDefault()
                ?? context.Request.Headers.Authorization.FirstOrDefault()?.Replace("Bearer ", string.Empty, StringComparison.Ordinal);
            if (presented != expected)
            {
                fault = ModelFault.Unauthorized;
            }
        }

        if (fault == ModelFault.None && Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, context.RequestAborted);
        }

        return (fault, stream, model, Responder?.Invoke(received) ?? Answer);
    }

    private async Task HandleOpenAIAsync(HttpContext context)
    {
        (ModelFault fault, bool stream, string model, string answer) = await AdmitAsync(context);
        if (await WriteHttpErrorAsync(context, fault, anthropic: false, model, stream))
        {
            return;
        }

        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Completion(string content, string? finish) => JsonSerializer.Serialize(new
        {
            id = "chatcmpl-hermes",
            @object = "chat.completion",
            created,
            model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = finish } },
            usage = new { prompt_tokens = 9, completion_tokens = 3, total_tokens = 12 },
        });
        string Chunk(string? content, string? finish) => JsonSerializer.Serialize(new
        {
            id = "chatcmpl-hermes",
            @object = "chat.completion.chunk",
            created,
            model,
            choices = new[] { new { index = 0, delta = new { role = "assistant", content }, finish_reason = finish } },
        });

        string ProviderError() => JsonSerializer.Serialize(new { error = new { code = 502, message = "Provider returned error", metadata = new { provider_name = "upstream", raw = "upstream connection reset" } } });
        if (!stream)
        {
            context.Response.ContentType = "application/json";
            string body = fault switch
            {
                ModelFault.ProviderErrorIn200 => ProviderError(),
                ModelFault.GarbageJson => "{\"id\": \"chatcmpl-hermes\", \"choices\": [ this is not json",
                ModelFault.EmptyContent => Completion(string.Empty, "stop"),
                ModelFault.Refusal => Completion(string.Empty, "content_filter"),
                ModelFault.CutBeforeFinish => Completion(answer, "stop")[..40],
                _ => Completion(answer, "stop"),
            };
            await context.Response.WriteAsync(body, context.RequestAborted);
            return;
        }

        await StartStreamAsync(context);
        switch (fault)
        {
            case ModelFault.GarbageJson:
                await SendAsync(context, null, "{\"choices\": [ this is not json");
                return;
            case ModelFault.EmptyContent or ModelFault.Refusal:
                await SendAsync(context, null, Chunk(string.Empty, null));
                await SendAsync(context, null, Chunk(null, fault == ModelFault.Refusal ? "content_filter" : "stop"));
                await SendAsync(context, null, "[DONE]");
                return;
            case ModelFault.DropBeforeOutput:
                await SendAsync(context, null, Chunk(string.Empty, null));
                context.Abort();
                return;
            case ModelFault.CutBeforeContent:
                await SendAsync(context, null, Chunk(string.Empty, null));
                return;
            case ModelFault.ProviderErrorIn200:
                await context.Response.WriteAsync(": OPENROUTER PROCESSING\n\n", context.RequestAborted);
                await SendAsync(context, null, Chunk(string.Empty, null));
                await SendAsync(context, null, Chunk("Partial answer that", null));
                await context.Response.WriteAsync(": OPENROUTER PROCESSING\n\n", context.RequestAborted);
                await SendAsync(context, null, JsonSerializer.Serialize(new
                {
                    id = "chatcmpl-hermes",
                    @object = "chat.completion.chunk",
                    created,
                    model,
                    provider = "upstream",
                    error = new { code = "server_error", message = "Provider disconnected unexpectedly" },
                    choices = new[] { new { index = 0, delta = new { content = string.Empty }, finish_reason = "error" } },
                }));
                await SendAsync(context, null, "[DONE]");
                return;
        }

        await SendAsync(context, null, Chunk(string.Empty, null));
        foreach (string piece in Pieces(answer))
        {
            await SendAsync(context, null, Chunk(piece, null));
        }

        if (await EndFaultyStreamAsync(context, fault))
        {
            return;
        }

        await SendAsync(context, null, Chunk(null, "stop"));
        await SendAsync(context, null, "[DONE]");
    }

    private async Task HandleAnthropicAsync(HttpContext context)
    {
        (ModelFault fault, bool stream, string model, string answer) = await AdmitAsync(context);
        if (await WriteHttpErrorAsync(context, fault, anthropic: true, model, stream))
        {
            return;
        }

        string text = fault is ModelFault.EmptyContent or ModelFault.Refusal ? string.Empty : answer;
        string stopReason = fault == ModelFault.Refusal ? "refusal" : "end_turn";
        if (!stream)
        {
            context.Response.ContentType = "application/json";
            string message = JsonSerializer.Serialize(new
            {
                id = "msg_hermes",
                type = "message",
                role = "assistant",
                model,
                content = text.Length == 0 ? Array.Empty<object>() : new object[] { new { type = "text", text } },
                stop_reason = stopReason,
                stop_sequence = (string?)null,
                usage = new { input_tokens = 9, output_tokens = 3 },
            });
            string body = fault switch
            {
                ModelFault.GarbageJson => "{\"id\": \"msg_hermes\", \"content\": [ this is not json",
                ModelFault.CutBeforeFinish => message[..40],
                _ => message,
            };
            await context.Response.WriteAsync(body, context.RequestAborted);
            return;
        }

        await StartStreamAsync(context);
        if (fault == ModelFault.GarbageJson)
        {
            await SendAsync(context, "message_start", "{\"type\": \"message_start\", \"message\": [ this is not json");
            return;
        }

        await SendAsync(context, "message_start", JsonSerializer.Serialize(new
        {
            type = "message_start",
            message = new { id = "msg_hermes", type = "message", role = "assistant", model, content = Array.Empty<object>(), stop_reason = (string?)null, stop_sequence = (string?)null, usage = new { input_tokens = 9, output_tokens = 0 } },
        }));
        if (fault == ModelFault.DropBeforeOutput)
        {
            context.Abort();
            return;
        }

        if (fault == ModelFault.CutBeforeContent)
        {
            return;
        }

        if (text.Length > 0)
        {
            await SendAsync(context, "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
            foreach (string piece in Pieces(answer))
            {
                await SendAsync(context, "content_block_delta", JsonSerializer.Serialize(new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = piece } }));
            }

            if (await EndFaultyStreamAsync(context, fault))
            {
                return;
            }

            await SendAsync(context, "content_block_stop", """{"type":"content_block_stop","index":0}""");
        }

        await SendAsync(context, "message_delta", JsonSerializer.Serialize(new { type = "message_delta", delta = new { stop_reason = stopReason, stop_sequence = (string?)null }, usage = new { output_tokens = 3 } }));
        await SendAsync(context, "message_stop", """{"type":"message_stop"}""");
    }

    private async Task<bool> WriteHttpErrorAsync(HttpContext context, ModelFault fault, bool anthropic, string model, bool stream)
    {
        (int status, string type, string? code, string message) error;
        switch (fault)
        {
            case ModelFault.RateLimited:
                error = (429, "rate_limit_error", "rate_limit_exceeded", "Rate limit reached for requests");
                break;
            case ModelFault.ServerError:
                error = (500, "api_error", null, "The server had an error while processing your request");
                break;
            case ModelFault.Unavailable:
                error = (anthropic ? 529 : 503, anthropic ? "overloaded_error" : "server_error", null, "The engine is currently overloaded, please try again later");
                break;
            case ModelFault.Unauthorized:
                error = (401, anthropic ? "authentication_error" : "invalid_request_error", "invalid_api_key", "Incorrect API key provided");
                break;
            case ModelFault.BadRequest:
                error = (400, "invalid_request_error", null, "messages: at least one message is required; 'rol' is not a valid field");
                break;
            case ModelFault.ModelNotFound:
                error = (404, anthropic ? "not_found_error" : "invalid_request_error", "model_not_found", $"The model `{model}` does not exist or you do not have access to it.");
                break;
            case ModelFault.ContextLength:
                error = (400, "invalid_request_error", "context_length_exceeded", anthropic
                    ? "prompt is too long: 250000 tokens > 200000 maximum"
                    : "This model's maximum context length is 8192 tokens. However, your messages resulted in 250000 tokens. Please reduce the length of the messages.");
                break;
            case ModelFault.PolicyRejection:
                error = (400, "invalid_request_error", "content_policy_violation", "Your request was rejected as a result of our safety system.");
                break;
            case ModelFault.Hang:
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }

                return true;
            case ModelFault.DropBeforeOutput when !stream:
                context.Abort();
                return true;
            default:
                return false;
        }

        context.Response.StatusCode = error.status;
        if (RetryAfter is { } retryAfter && error.status is 429 or 503 or 529)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        string body = anthropic
            ? JsonSerializer.Serialize(new { type = "error", error = new { error.type, error.message } })
            : JsonSerializer.Serialize(new { error = new { error.message, error.type, param = (string?)null, error.code } });
        await context.Response.WriteAsync(body, context.RequestAborted);
        return true;
    }

    private static IEnumerable<string> Pieces(string answer)
    {
        int third = Math.Max(1, answer.Length / 3);
        yield return answer[..third];
        yield return answer[third..(2 * third)];
        yield return answer[(2 * third)..];
    }

    /// <summary>Applies a mid-stream fault after the content; true when the stream was ended.</summary>
    private static async Task<bool> EndFaultyStreamAsync(HttpContext context, ModelFault fault)
    {
        switch (fault)
        {
            case ModelFault.CutBeforeFinish:
                await context.Response.CompleteAsync();
                return true;
            case ModelFault.DropMidStream:
                await context.Response.Body.FlushAsync(context.RequestAborted);
                // Give the client time to read what was sent: an abort can reset the connection, and a reset may
                // discard data the client has not read yet.
                await Task.Delay(250, context.RequestAborted);
                context.Abort();
                return true;
            default:
                return false;
        }
    }

    private static async Task StartStreamAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(context.RequestAborted);
    }

    private static async Task SendAsync(HttpContext context, string? eventName, string data)
    {
        string frame = (eventName is null ? string.Empty : $"event: {eventName}\n") + $"data: {data}\n\n";
        await context.Response.WriteAsync(frame, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
