using System.Text;
using System.Text.Json;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Fleet.Tests;

/// <summary>
/// The fleet's wire format, as documented in docs/fleet-wire/*.schema.json, checked by Ajv (the npm JSON Schema
/// validator) — not by our own code — against every message type the bus writes.
/// </summary>
public sealed class WireFormatTests
{
    private static readonly string[] Names = ["heartbeat", "task", "result", "deadletter"];

    [Fact]
    public async Task Every_message_the_bus_writes_validates_against_its_documented_schema()
    {
        DateTimeOffset at = new(2026, 12, 1, 14, 0, 0, TimeSpan.Zero);
        (string Schema, byte[] Bytes)[] messages =
        [
            ("heartbeat", FleetJson.Write(new Heartbeat { Agent = "wolf-1", Activity = AgentActivity.Busy, CurrentTask = "fleet/work#7", Interval = TimeSpan.FromSeconds(5), SentAt = at })),
            ("heartbeat", FleetJson.Write(new Heartbeat { Agent = "wolf-1", Activity = AgentActivity.Unhealthy, Detail = "no model answers", Interval = TimeSpan.FromMilliseconds(250), SentAt = at })),
            ("task", FleetJson.Write(new FleetTask { Kind = "triage", Tier = "deep", IdempotencyKey = "triage-7", Payload = JsonSerializer.SerializeToElement(new { issue = 7 }), Dispatcher = "timmy", CreatedAt = at, ExpiresAt = at.AddHours(1) })),
            ("result", FleetJson.Write(new TaskResult { TaskId = "t1", Key = "k1", Kind = "triage", Agent = "wolf-1", Ok = true, Output = JsonSerializer.SerializeToElement("done"), CompletedAt = at })),
            ("result", FleetJson.Write(new TaskResult { TaskId = "t2", Key = "k2", Agent = "wolf-1", Ok = false, Error = "TimeoutException: no model answered", CompletedAt = at })),
            ("deadletter", FleetJson.Write(new DeadLetter { Reason = "malformed", Subject = "hermes.timmy.work.durable.deep", Error = "not JSON", Original = "{", Deliveries = 1, Agent = "wolf-1", At = at })),
        ];

        JsonElement answer = await ValidateAsync(messages.Select(m => (m.Schema, JsonDocument.Parse(m.Bytes).RootElement)));

        Assert.All(answer.GetProperty("results").EnumerateArray().Select((r, i) => (r, i)), x =>
            Assert.True(x.r.GetProperty("valid").GetBoolean(), $"{messages[x.i].Schema}: {Encoding.UTF8.GetString(messages[x.i].Bytes)} — {x.r.GetProperty("errors")}"));
        using JsonDocument beat = JsonDocument.Parse(messages[0].Bytes);
        Assert.Equal(("hermes.heartbeat/2", "busy", "PT5S"), (beat.RootElement.GetProperty("schema").GetString(), beat.RootElement.GetProperty("activity").GetString(), beat.RootElement.GetProperty("interval").GetString()));
    }

    [Fact]
    public async Task A_version_1_heartbeat_is_outside_the_documented_schema_but_is_still_read()
    {
        const string v1 = """{"schema":"hermes.heartbeat/1","agent":"wolf-1","activity":"Idle","interval":"00:00:05","sent_at":"2026-12-01T14:00:00+00:00"}""";

        JsonElement answer = await ValidateAsync([("heartbeat", JsonDocument.Parse(v1).RootElement)]);
        Heartbeat beat = FleetJson.ReadHeartbeat(Encoding.UTF8.GetBytes(v1));

        Assert.False(answer.GetProperty("results")[0].GetProperty("valid").GetBoolean()); // the schema is not a rubber stamp
        Assert.Equal((AgentActivity.Idle, TimeSpan.FromSeconds(5)), (beat.Activity, beat.Interval));
        Assert.Throws<FleetMessageException>(() => FleetJson.ReadHeartbeat("""{"schema":"hermes.heartbeat/3","agent":"a","activity":"idle","interval":"PT1S"}"""u8));
    }

    private static Task<JsonElement> ValidateAsync(IEnumerable<(string Schema, JsonElement Document)> documents) =>
        NodePeer.RunAsync("schema-peer.mjs", new
        {
            schemas = Names.ToDictionary(n => n, n => JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "fleet-wire", $"{n}.schema.json"))).RootElement),
            documents = documents.Select(d => new { schema = d.Schema, document = d.Document }),
        });
}
