using System.Net;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Fleet;

/// <summary>How an agent joins its fleet's bus. Validated at start-up.</summary>
public sealed class FleetOptions
{
    /// <summary>The fleet's name (a subject token): every subject is <c>hermes.&lt;fleet&gt;.…</c>.</summary>
    public string Fleet { get; set; } = string.Empty;

    /// <summary>This agent's name (a subject token), as in its identity.</summary>
    public string Agent { get; set; } = string.Empty;

    /// <summary>The server(s), comma-separated. Default <c>nats://127.0.0.1:4222</c> — bind NATS to localhost.</summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// Allow a plaintext (non-TLS) connection to a server that is not on this machine. Off: NATS without TLS sends
    /// every task and result, and the NKey handshake, in the clear to anyone on the path.
    /// </summary>
    public bool AllowPlaintextRemote { get; set; }

    /// <summary>Require TLS (also implied by <c>tls://</c> URLs).</summary>
    public bool RequireTls { get; set; }

    /// <summary>A CA bundle (PEM) to trust for the server's certificate; default the system's.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>How often heartbeats are sent. Default 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Missed intervals after which the deadman view reports an agent down. Default 3.</summary>
    public int MissedHeartbeatsForDown { get; set; } = 3;

    /// <summary>How long live dispatch waits for a worker's reply. Default 30 s.</summary>
    public TimeSpan LiveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Durable work: how long a worker may hold a task before it is redelivered. Default 30 s.</summary>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Durable work: deliveries before a failing task is dead-lettered as poison. Default 5.</summary>
    public int MaxDeliver { get; set; } = 5;

    /// <summary>Durable work: the delay before each redelivery of a failed task (the last one repeats). Default 1 s, 5 s, 30 s.</summary>
    public IList<TimeSpan> Backoff { get; } = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    /// <summary>Durable work: how long an unclaimed task lives in the stream (its TTL). Default 24 h.</summary>
    public TimeSpan TaskTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Durable work: the window in which a task re-sent with the same idempotency key is dropped by the server. Default 2 min (the done bucket covers longer).</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the operations record (<see cref="FleetOpsLog"/>) keeps uptime changes, incidents and task results. Default 400 days: a year of monthly reports.</summary>
    public TimeSpan OpsRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>How long completed idempotency keys are remembered. Default 7 days.</summary>
    public TimeSpan DoneRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How many servers keep each of the fleet's streams and buckets (JetStream replicas; default 1). On a cluster, 3:
    /// losing one server loses no work.
    /// </summary>
    public int Replicas { get; set; } = 1;

    /// <summary>Agents the deadman view expects even before their first heartbeat.</summary>
    public IList<string> ExpectedAgents { get; } = [];

    /// <summary>
    /// The digests of what this agent runs — <c>chain</c>, <c>soul</c>, <c>config</c> (SHA-256, hex) — sent in every
    /// heartbeat, so the registry's expected digests can be checked against them (<see cref="FleetDriftMonitor"/>).
    /// </summary>
    public IDictionary<string, string> Digests { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The fleet's agents and their NATS user NKeys (public, <c>U…</c>). When any are listed, heartbeats and results are
    /// believed only when signed by the key listed for the agent they name; anything else is dropped, logged and counted
    /// (<c>hermes.fleet.forged</c>). Empty: signatures are not checked.
    /// </summary>
    public IDictionary<string, string> TrustedKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The subject scheme.</summary>
    public FleetSubjects Subjects => new(Fleet);

    /// <summary>The server URLs, one per comma-separated entry.</summary>
    internal IEnumerable<string> Urls => Url.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Whether the connection must use TLS: asked for, or implied by a <c>tls://</c> or <c>wss://</c> URL.</summary>
    internal bool UsesTls => RequireTls || Urls.Any(u => Uri.TryCreate(u, UriKind.Absolute, out Uri? uri) && IsTlsScheme(uri));

    /// <summary>Whether a URL's scheme is TLS.</summary>
    internal static bool IsTlsScheme(Uri url) => url.Scheme is "tls" or "wss";

    /// <summary>Whether a URL's host is this machine.</summary>
    internal static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));
}

/// <summary>Validates <see cref="FleetOptions"/>, including the plaintext rule.</summary>
internal sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        var problems = new List<string>();
        foreach ((string field, string value) in new[] { ("Fleet", options.Fleet), ("Agent", options.Agent) })
        {
            try
            {
                FleetSubjects.Check(value);
            }
            catch (ArgumentException)
            {
                problems.Add($"{field}: '{value}' must be lower-case letters, digits, '-' and '_' (it becomes a subject token)");
            }
        }

        foreach (string url in options.Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss"))
            {
                problems.Add($"Url: '{url}' is not a nats://, tls://, ws:// or wss:// address");
                continue;
            }

            bool tls = options.RequireTls || FleetOptions.IsTlsScheme(uri);
            if (!tls && !FleetOptions.IsLoopback(uri) && !options.AllowPlaintextRemote)
            {
                problems.Add($"Url: '{url}' is another machine reached without TLS. NATS in plaintext sends every task, result and handshake readable to anyone on the network path. Use tls:// (or RequireTls) with per-agent NKeys, or set AllowPlaintextRemote only on a network you trust.");
            }
        }

        if (options.Replicas is < 1 or > 5)
        {
            problems.Add("Replicas: JetStream keeps 1 to 5 replicas");
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero || options.MissedHeartbeatsForDown < 1)
        {
            problems.Add("HeartbeatInterval/MissedHeartbeatsForDown: must be positive");
        }

        if (options.MaxDeliver < 1 || options.Backoff.Any(b => b < TimeSpan.Zero) || options.AckWait <= TimeSpan.Zero || options.TaskTtl <= TimeSpan.Zero)
        {
            problems.Add("MaxDeliver/Backoff/AckWait/TaskTtl: must be positive");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
