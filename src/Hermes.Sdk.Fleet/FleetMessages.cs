using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hermes.Sdk.Fleet;

/// <summary>What an agent is doing, as its heartbeat says; on the wire <c>idle</c>, <c>busy</c> or <c>unhealthy</c>.</summary>
public enum AgentActivity
{
    /// <summary>Ready for work.</summary>
    Idle,

    /// <summary>Working on a task.</summary>
    Busy,

    /// <summary>Alive but not well (its own checks fail: no model answers, disk full…).</summary>
    Unhealthy,
}

/// <summary>
/// An agent's heartbeat (<c>hermes.heartbeat/2</c>, docs/fleet-wire/heartbeat.schema.json): snake_case names, the
/// activity in snake_case, the interval an ISO 8601 duration (<c>PT5S</c>). Version 1 (<c>"interval": "00:00:05"</c>,
/// <c>"activity": "Idle"</c>) is still read.
/// </summary>
public sealed record Heartbeat
{
    /// <summary>The schema and major version of this message.</summary>
    public const string SchemaName = "hermes.heartbeat/2";

    /// <summary>The schema (<see cref="SchemaName"/>).</summary>
    public string Schema { get; init; } = SchemaName;

    /// <summary>The agent.</summary>
    public required string Agent { get; init; }

    /// <summary>What it is doing.</summary>
    [JsonConverter(typeof(ActivityConverter))]
    public AgentActivity Activity { get; init; }

    /// <summary>The task it is on, when busy.</summary>
    public string? CurrentTask { get; init; }

    /// <summary>Why it is unhealthy, when it is.</summary>
    public string? Detail { get; init; }

    /// <summary>How often it beats; the deadman view counts missed beats in this unit.</summary>
    [JsonConverter(typeof(Iso8601DurationConverter))]
    public TimeSpan Interval { get; init; }

    /// <summary>When it was sent.</summary>
    public DateTimeOffset SentAt { get; init; }

    /// <summary>The digests of what it runs (<c>chain</c>, <c>soul</c>, <c>config</c>), when it says.</summary>
    public IReadOnlyDictionary<string, string>? Digests { get; init; }

    /// <summary>The model it uses now (provider/model), for the operator's agent health view; optional.</summary>
    public string? Model { get; init; }
}

/// <summary>What an agent says about itself in each heartbeat.</summary>
/// <param name="Activity">Idle, busy or unhealthy.</param>
/// <param name="CurrentTask">What it works on.</param>
/// <param name="Detail">What is wrong, when something is (a rate limit, a refused change…).</param>
public sealed record AgentStatus(AgentActivity Activity, string? CurrentTask = null, string? Detail = null)
{
    /// <summary>The model it uses now (provider/model).</summary>
    public string? Model { get; init; }
}

/// <summary>A unit of work (<c>hermes.task/1</c>).</summary>
public sealed record FleetTask
{
    /// <summary>The schema and major version of this message.</summary>
    public const string SchemaName = "hermes.task/1";

    /// <summary>The schema (<see cref="SchemaName"/>).</summary>
    public string Schema { get; init; } = SchemaName;

    /// <summary>A unique id.</summary>
    public string Id { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>Two tasks with the same key are one task: it is executed once, however often it is sent or redelivered. Default the id.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>What to do (the handler's switch).</summary>
    public required string Kind { get; init; }

    /// <summary>Which tier of workers takes it (e.g. <c>fast</c>, <c>deep</c>).</summary>
    public string Tier { get; init; } = "default";

    /// <summary>The task's data.</summary>
    public JsonElement Payload { get; init; }

    /// <summary>The agent that dispatched it (results go back to it).</summary>
    public string? Dispatcher { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>After this it is not executed but dead-lettered as expired.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The key that makes it idempotent.</summary>
    [JsonIgnore]
    public string Key => string.IsNullOrEmpty(IdempotencyKey) ? Id : IdempotencyKey;

    /// <summary>A task whose payload is <paramref name="payload"/> serialized with web defaults.</summary>
    /// <typeparam name="T">The payload's type.</typeparam>
    /// <param name="kind">What to do.</param>
    /// <param name="payload">The data.</param>
    /// <param name="tier">The tier.</param>
    /// <param name="idempotencyKey">The idempotency key; default the task id.</param>
    /// <returns>The task.</returns>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode("Serializes the payload with reflection; use the JsonElement overload for trimmed apps.")]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode("Serializes the payload with reflection.")]
    public static FleetTask Create<T>(string kind, T payload, string tier = "default", string? idempotencyKey = null) =>
        new() { Kind = kind, Tier = tier, Payload = JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web), IdempotencyKey = idempotencyKey };
}

/// <summary>What came of a task (<c>hermes.result/1</c>).</summary>
public sealed record TaskResult
{
    /// <summary>The schema and major version of this message.</summary>
    public const string SchemaName = "hermes.result/1";

    /// <summary>The schema (<see cref="SchemaName"/>).</summary>
    public string Schema { get; init; } = SchemaName;

    /// <summary>The task's id.</summary>
    public required string TaskId { get; init; }

    /// <summary>The task's idempotency key.</summary>
    public required string Key { get; init; }

    /// <summary>The task's kind.</summary>
    public string? Kind { get; init; }

    /// <summary>The agent that executed it.</summary>
    public required string Agent { get; init; }

    /// <summary>Whether it succeeded.</summary>
    public bool Ok { get; init; }

    /// <summary>Its output.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>What went wrong.</summary>
    public string? Error { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>When the task was created (its latency is <see cref="CompletedAt"/> minus this), when known.</summary>
    public DateTimeOffset? TaskCreatedAt { get; init; }
}

/// <summary>A message the fleet set aside (<c>hermes.deadletter/1</c>): malformed, poison (failed every delivery) or expired.</summary>
public sealed record DeadLetter
{
    /// <summary>The schema and major version of this message.</summary>
    public const string SchemaName = "hermes.deadletter/1";

    /// <summary>The schema (<see cref="SchemaName"/>).</summary>
    public string Schema { get; init; } = SchemaName;

    /// <summary><c>malformed</c>, <c>poison</c> or <c>expired</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>Where it was received.</summary>
    public required string Subject { get; init; }

    /// <summary>What was wrong.</summary>
    public required string Error { get; init; }

    /// <summary>The original message, as text (UTF-8; invalid bytes replaced).</summary>
    public required string Original { get; init; }

    /// <summary>How many times it was delivered.</summary>
    public int Deliveries { get; init; }

    /// <summary>Who set it aside.</summary>
    public string? Agent { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset At { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Heartbeat))]
[JsonSerializable(typeof(FleetTask))]
[JsonSerializable(typeof(TaskResult))]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(DoneRecord))]
[JsonSerializable(typeof(RegistryEntry))]
[JsonSerializable(typeof(FleetSchedule))]
[JsonSerializable(typeof(ScheduleState))]
[JsonSerializable(typeof(UptimeSample))]
[JsonSerializable(typeof(FleetIncident))]
[JsonSerializable(typeof(RolloutStep))]
internal sealed partial class FleetJsonContext : JsonSerializerContext;

/// <summary>
/// A <see cref="TimeSpan"/> as an ISO 8601 duration (<c>PT5S</c>, <c>PT0.25S</c>, <c>P1DT2H</c>, XML Schema's
/// <c>xs:duration</c> without years or months); reads .NET's constant form (<c>00:00:05</c>) too.
/// </summary>
internal sealed class Iso8601DurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string text = reader.GetString() ?? throw new JsonException("a duration is required");
        try
        {
            return text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal)
                ? System.Xml.XmlConvert.ToTimeSpan(text)
                : TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw new JsonException($"'{text}' is not an ISO 8601 duration such as PT5S");
        }
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(System.Xml.XmlConvert.ToString(value));
}

/// <summary>An <see cref="AgentActivity"/> written in snake_case (<c>idle</c>); read in any case (version 1 wrote <c>Idle</c>).</summary>
internal sealed class ActivityConverter : JsonConverter<AgentActivity>
{
    public override AgentActivity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Enum.TryParse(reader.GetString(), ignoreCase: true, out AgentActivity activity) && Enum.IsDefined(activity)
            ? activity
            : throw new JsonException($"'{reader.GetString()}' is not an activity (idle, busy or unhealthy)");

    public override void Write(Utf8JsonWriter writer, AgentActivity value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString().ToLowerInvariant());
}

/// <summary>Who holds or finished an idempotency key (the value in the done bucket).</summary>
internal sealed record DoneRecord(string State, string Agent, DateTimeOffset At)
{
    public const string Running = "running";
    public const string Done = "done";
}

/// <summary>A message that does not follow its schema.</summary>
public sealed class FleetMessageException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public FleetMessageException(string message)
        : base(message)
    {
    }
}

/// <summary>Reads and writes the fleet's messages; every read checks the schema's name and major version.</summary>
internal static class FleetJson
{
    public static byte[] Write(Heartbeat value) => JsonSerializer.SerializeToUtf8Bytes(value, FleetJsonContext.Default.Heartbeat);

    public static byte[] Write(FleetTask value) => JsonSerializer.SerializeToUtf8Bytes(value, FleetJsonContext.Default.FleetTask);

    public static byte[] Write(TaskResult value) => JsonSerializer.SerializeToUtf8Bytes(value, FleetJsonContext.Default.TaskResult);

    public static byte[] Write(DeadLetter value) => JsonSerializer.SerializeToUtf8Bytes(value, FleetJsonContext.Default.DeadLetter);

    /// <summary>A heartbeat of version 2, or of version 1 (same fields; its interval and activity are read in either form).</summary>
    public static Heartbeat ReadHeartbeat(ReadOnlySpan<byte> data)
    {
        Heartbeat beat = Read(data, FleetJsonContext.Default.Heartbeat);
        return Check(beat, beat.Schema?.StartsWith("hermes.heartbeat/1", StringComparison.Ordinal) == true ? "hermes.heartbeat/1" : Heartbeat.SchemaName, h => h.Schema, h => h.Agent);
    }

    /// <summary>
    /// A task, with the defaults a sender may leave out restored: source-generated deserialization sets every
    /// init-only property, so a missing field arrives as null rather than as its initializer's value. A task without an
    /// id gets one derived from its bytes — the same on every redelivery, so it stays idempotent. A tier or dispatcher
    /// that is not a subject token is refused: its work or its result could not be routed.
    /// </summary>
    public static FleetTask ReadTask(ReadOnlySpan<byte> data)
    {
        FleetTask task = Check(Read(data, FleetJsonContext.Default.FleetTask), FleetTask.SchemaName, t => t.Schema, t => t.Kind);
        task = task with
        {
            Id = string.IsNullOrEmpty(task.Id) ? "sha256-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data))[..32] : task.Id,
            Tier = string.IsNullOrEmpty(task.Tier) ? "default" : task.Tier,
        };
        if (!FleetSubjects.IsToken(task.Tier))
        {
            throw new FleetMessageException($"tier '{task.Tier}' is not a subject token (lower-case letters, digits, '-' and '_')");
        }

        if (task.Dispatcher is { } dispatcher && !FleetSubjects.IsToken(dispatcher))
        {
            throw new FleetMessageException($"dispatcher '{dispatcher}' is not an agent name (a subject token: lower-case letters, digits, '-' and '_'); its result could not be routed");
        }

        return task;
    }

    public static TaskResult ReadResult(ReadOnlySpan<byte> data) => Check(Read(data, FleetJsonContext.Default.TaskResult), TaskResult.SchemaName, r => r.Schema, r => r.TaskId);

    public static DeadLetter ReadDeadLetter(ReadOnlySpan<byte> data) => Check(Read(data, FleetJsonContext.Default.DeadLetter), DeadLetter.SchemaName, d => d.Schema, d => d.Reason);

    private static T Read<T>(ReadOnlySpan<byte> data, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        if (data.IsEmpty)
        {
            throw new FleetMessageException("empty message");
        }

        try
        {
            return JsonSerializer.Deserialize(data, type) ?? throw new FleetMessageException("the message is JSON null");
        }
        catch (JsonException ex)
        {
            throw new FleetMessageException($"not a valid {typeof(T).Name}: {ex.Message}");
        }
    }

    /// <summary>The schema must be <c>name/major</c> or <c>name/major.minor</c> with the same name and major; required fields present.</summary>
    private static T Check<T>(T value, string expected, Func<T, string?> schema, Func<T, string?> required)
    {
        string? actual = schema(value);
        int slash = expected.IndexOf('/', StringComparison.Ordinal);
        if (actual is null || !(actual == expected || actual.StartsWith(expected + ".", StringComparison.Ordinal)))
        {
            throw new FleetMessageException($"schema '{actual ?? "(none)"}' is not {expected[..slash]} version {expected[(slash + 1)..]}.x");
        }

        return string.IsNullOrEmpty(required(value)) ? throw new FleetMessageException($"{typeof(T).Name} is missing a required field") : value;
    }
}
