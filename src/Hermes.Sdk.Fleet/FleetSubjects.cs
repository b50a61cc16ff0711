using System.Text.RegularExpressions;

namespace Hermes.Sdk.Fleet;

/// <summary>
/// The subject scheme of one fleet (docs/fleet.md). Every subject starts with <c>hermes.&lt;fleet&gt;.</c>, so one
/// NATS account can carry several fleets and permissions can be granted per fleet.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>hermes.&lt;fleet&gt;.heartbeat.&lt;agent&gt;</c></term><description>heartbeats (<see cref="Heartbeat"/>)</description></item>
/// <item><term><c>hermes.&lt;fleet&gt;.work.live.&lt;tier&gt;</c></term><description>live work, request/reply to the queue group <c>workers.&lt;tier&gt;</c></description></item>
/// <item><term><c>hermes.&lt;fleet&gt;.work.durable.&lt;tier&gt;</c></term><description>durable work in the JetStream stream <see cref="WorkStream"/></description></item>
/// <item><term><c>hermes.&lt;fleet&gt;.work.complete</c></term><description>"task done" announcements any agent may hear (<see cref="TaskResult"/>)</description></item>
/// <item><term><c>hermes.&lt;fleet&gt;.results.&lt;agent&gt;</c></term><description>results streamed back to the agent that dispatched</description></item>
/// <item><term><c>hermes.&lt;fleet&gt;.ask.&lt;agent&gt;</c></term><description>quick questions, request/reply</description></item>
/// <item><term><c>hermes.&lt;fleet&gt;.deadletter.&lt;reason&gt;</c></term><description>malformed, poison and expired messages, kept in <see cref="DeadLetterStream"/></description></item>
/// </list>
/// </remarks>
public sealed partial class FleetSubjects
{
    /// <summary>Creates the scheme for a fleet.</summary>
    /// <param name="fleet">The fleet's name: lower-case letters, digits, '-' and '_'.</param>
    public FleetSubjects(string fleet)
    {
        if (!Token().IsMatch(fleet ?? string.Empty))
        {
            throw new ArgumentException($"'{fleet}' is not a fleet name: use lower-case letters, digits, '-' and '_' (it becomes a subject token).", nameof(fleet));
        }

        Fleet = fleet!;
        Prefix = $"hermes.{Fleet}";
        string upper = Fleet.ToUpperInvariant().Replace('-', '_');
        WorkStream = $"HERMES_{upper}_WORK";
        DeadLetterStream = $"HERMES_{upper}_DEADLETTER";
        DoneBucket = $"hermes_{Fleet.Replace('-', '_')}_done";
        RegistryBucket = $"hermes_{Fleet.Replace('-', '_')}_registry";
        SchedulesBucket = $"hermes_{Fleet.Replace('-', '_')}_schedules";
        OpsStream = $"HERMES_{upper}_OPS";
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _live = new(StringComparer.Ordinal);

    /// <summary>The fleet's name.</summary>
    public string Fleet { get; }

    /// <summary><c>hermes.&lt;fleet&gt;</c>.</summary>
    public string Prefix { get; }

    /// <summary>The JetStream stream of durable work (work-queue retention).</summary>
    public string WorkStream { get; }

    /// <summary>The JetStream stream that keeps dead letters.</summary>
    public string DeadLetterStream { get; }

    /// <summary>The key-value bucket of completed idempotency keys.</summary>
    public string DoneBucket { get; }

    /// <summary>The key-value bucket of the fleet's registry (only the operator's key may write it).</summary>
    public string RegistryBucket { get; }

    /// <summary>The key-value bucket of the fleet's schedules (the operator writes them; runners write their <c>.state</c>).</summary>
    public string SchedulesBucket { get; }

    /// <summary>The JetStream stream of the fleet's operations record: uptime changes, incidents and task results (the operator writes it).</summary>
    public string OpsStream { get; }

    /// <summary>A subject of the operations record: <c>hermes.&lt;fleet&gt;.ops.&lt;kind&gt;.&lt;agent&gt;</c>.</summary>
    /// <param name="kind"><c>uptime</c>, <c>incident</c> or <c>task</c>.</param>
    /// <param name="agent">The agent (or <c>fleet</c>).</param>
    /// <returns>The subject.</returns>
    public string Ops(string kind, string agent) => $"{Prefix}.ops.{Check(kind)}.{Check(agent)}";

    /// <summary>Every subject of the operations record.</summary>
    public string AllOps => $"{Prefix}.ops.>";

    /// <summary>An agent's heartbeat subject.</summary>
    public string Heartbeat(string agent) => $"{Prefix}.heartbeat.{Check(agent)}";

    /// <summary>Every heartbeat.</summary>
    public string AllHeartbeats => $"{Prefix}.heartbeat.*";

    /// <summary>Live work of a tier.</summary>
    public string LiveWork(string tier) => _live.GetOrAdd(tier, t => $"{Prefix}.work.live.{Check(t)}");

    /// <summary>Durable work of a tier.</summary>
    public string DurableWork(string tier) => $"{Prefix}.work.durable.{Check(tier)}";

    /// <summary>Every durable work subject (the work stream's subjects).</summary>
    public string AllDurableWork => $"{Prefix}.work.durable.*";

    /// <summary>The queue group of a tier's workers.</summary>
    public static string WorkerGroup(string tier) => $"workers.{tier}";

    /// <summary>"Task done" announcements.</summary>
    public string WorkComplete => $"{Prefix}.work.complete";

    /// <summary>Results for the agent that dispatched.</summary>
    public string Results(string agent) => $"{Prefix}.results.{Check(agent)}";

    /// <summary>Quick questions to an agent.</summary>
    public string Ask(string agent) => $"{Prefix}.ask.{Check(agent)}";

    /// <summary>Dead letters of a reason (<c>malformed</c>, <c>poison</c>, <c>expired</c>).</summary>
    public string DeadLetter(string reason) => $"{Prefix}.deadletter.{Check(reason)}";

    /// <summary>Every dead letter.</summary>
    public string AllDeadLetters => $"{Prefix}.deadletter.*";

    /// <summary>Whether <paramref name="token"/> can be a subject token here: lower-case letters, digits, '-' and '_', at most 64.</summary>
    internal static bool IsToken(string? token) => Token().IsMatch(token ?? string.Empty);

    internal static string Check(string token) =>
        Token().IsMatch(token ?? string.Empty) ? token! : throw new ArgumentException($"'{token}' is not a subject token: use lower-case letters, digits, '-' and '_'.", nameof(token));

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex Token();
}
