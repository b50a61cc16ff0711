using System.Text.Json;
using Hermes.Sdk.Identity.NKeys;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Hermes.Sdk.Fleet;

/// <summary>Runs one task: its output, or an exception (the task failed; durable work is retried, then dead-lettered).</summary>
/// <param name="task">The task.</param>
/// <param name="cancellationToken">Cancelled when the worker stops.</param>
/// <returns>The output, or null.</returns>
public delegate Task<JsonElement?> FleetTaskHandler(FleetTask task, CancellationToken cancellationToken);

/// <summary>
/// One agent on its fleet's bus (docs/fleet.md): heartbeats, live dispatch through queue groups (request/reply),
/// durable work on a JetStream work-queue stream (ack, backoff redelivery, poison tasks dead-lettered after
/// <see cref="FleetOptions.MaxDeliver"/>, TTL, idempotency keys executed once), results streamed back, and quick
/// questions. Malformed messages are logged and dead-lettered; a consumer never crashes on one.
/// </summary>
public sealed partial class FleetBus : IAsyncDisposable
{
    private readonly INatsConnection _connection;
    private readonly NatsConnection? _owned;
    private readonly FleetOptions _options;
    private readonly FleetSubjects _subjects;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly NatsJSContext _js;
    private readonly SemaphoreSlim _setupLock = new(1, 1);
    private INatsKVStore? _done;
    private long _connectedSinceTicks;
    private NKeyPair? _signer;

    /// <summary>Creates the bus over a connection someone else owns (DI).</summary>
    /// <param name="connection">The NATS connection (authenticated as this agent).</param>
    /// <param name="options">The fleet options; validated here.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock of heartbeats, TTLs and claims.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public FleetBus(INatsConnection connection, IOptions<FleetOptions> options, ILogger<FleetBus>? logger = null, TimeProvider? timeProvider = null)
        : this(connection, null, options?.Value ?? throw new ArgumentNullException(nameof(options)), logger, timeProvider)
    {
    }

    private FleetBus(INatsConnection connection, NatsConnection? owned, FleetOptions options, ILogger? logger, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Validate(options);
        _connection = connection;
        _owned = owned;
        _options = options;
        _subjects = options.Subjects;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _js = new NatsJSContext((NatsConnection)connection);
        _connectedSinceTicks = _time.GetUtcNow().UtcTicks;
        _connection.ConnectionOpened += OnConnectionOpenedAsync;
    }

    /// <summary>The subject scheme.</summary>
    public FleetSubjects Subjects => _subjects;

    /// <summary>The JetStream context of this bus's connection (the registry's bucket lives there).</summary>
    internal NatsJSContext JetStream => _js;

    /// <summary>The options the bus runs with (read them, do not change them: the bus has already started on them).</summary>
    public FleetOptions Options => _options;

    /// <summary>The clock the bus stamps messages with.</summary>
    internal TimeProvider Time => _time;

    /// <summary>This agent's name.</summary>
    public string Agent => _options.Agent;

    /// <summary>The NATS connection.</summary>
    public INatsConnection Connection => _connection;

    /// <summary>
    /// Connects as an agent: NKey authentication with the agent's own key (from <c>Hermes.Sdk.Identity</c>), TLS when
    /// asked or implied by <c>tls://</c>, and a refusal to speak plaintext to another machine unless
    /// <see cref="FleetOptions.AllowPlaintextRemote"/> is set.
    /// </summary>
    /// <param name="options">The fleet options.</param>
    /// <param name="key">The agent's NATS user NKey.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <returns>The bus, owning its connection.</returns>
    /// <exception cref="OptionsValidationException">The options are invalid, or would send plaintext to another machine.</exception>
    public static async Task<FleetBus> ConnectAsync(FleetOptions options, NKeyPair key, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(key);
        Validate(options);
        var connection = new NatsConnection(CreateNatsOptions(options, key, loggerFactory));
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // The bus signs heartbeats and results with its own copy of the key: the caller's may be disposed before the bus.
        Span<char> seed = stackalloc char[58];
        int length = key.ExportSeed(seed);
        NKeyPair signer = NKeyPair.FromSeed(seed[..length]);
        seed.Clear();
        return new FleetBus(connection, connection, options, loggerFactory?.CreateLogger<FleetBus>(), timeProvider) { _signer = signer };
    }

    /// <summary>The signature headers of this agent's message, or null when the bus has no key (built over a connection from DI).</summary>
    private NatsHeaders? SignatureOf(byte[] data) => _signer is null ? null : FleetSignatures.Sign(_signer, data);

    /// <summary>The NATS.Net options for an agent: NKey auth, TLS per the options, a connection name of <c>hermes:&lt;fleet&gt;:&lt;agent&gt;</c>.</summary>
    /// <param name="options">The fleet options.</param>
    /// <param name="key">The agent's NKey.</param>
    /// <param name="loggerFactory">Logging for NATS.Net itself.</param>
    /// <returns>The options.</returns>
    public static NatsOpts CreateNatsOptions(FleetOptions options, NKeyPair key, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(key);
        Span<char> seed = stackalloc char[58];
        int length = key.ExportSeed(seed);
        return new NatsOpts
        {
            Url = options.Url,
            Name = $"hermes:{options.Fleet}:{options.Agent}",
            AuthOpts = new NatsAuthOpts { NKey = key.PublicKey.Value, Seed = new string(seed[..length]) },
            TlsOpts = new NatsTlsOpts { Mode = options.UsesTls ? TlsMode.Require : TlsMode.Auto, CaFile = options.TlsCaFile },
            LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance,
            MaxReconnectRetry = -1,
        };
    }

    /// <summary>Creates the work and dead-letter streams and the done bucket if missing (idempotent; workers and dispatchers call it).</summary>
    /// <param name="cancellationToken">Cancels the set-up.</param>
    public async Task EnsureStreamsAsync(CancellationToken cancellationToken = default)
    {
        if (_done is not null)
        {
            return;
        }

        await _setupLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_done is not null)
            {
                return;
            }

            await _js.CreateOrUpdateStreamAsync(
                new StreamConfig(_subjects.WorkStream, [_subjects.AllDurableWork])
                {
                    Retention = StreamConfigRetention.Workqueue,
                    Storage = StreamConfigStorage.File,
                    MaxAge = _options.TaskTtl,
                    DuplicateWindow = _options.DuplicateWindow,
                    NumReplicas = _options.Replicas,
                    Description = $"Durable work of fleet {_options.Fleet}",
                },
                cancellationToken).ConfigureAwait(false);
            await _js.CreateOrUpdateStreamAsync(
                new StreamConfig(_subjects.DeadLetterStream, [_subjects.AllDeadLetters])
                {
                    Storage = StreamConfigStorage.File,
                    NumReplicas = _options.Replicas,
                    Description = $"Dead letters of fleet {_options.Fleet}",
                },
                cancellationToken).ConfigureAwait(false);
            var kv = new NatsKVContext(_js);
            _done = await kv.CreateStoreAsync(new NatsKVConfig(_subjects.DoneBucket) { MaxAge = _options.DoneRetention, Storage = NatsKVStorageType.File, NumberOfReplicas = _options.Replicas }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _setupLock.Release();
        }
    }

    /// <summary>Sends heartbeats every <see cref="FleetOptions.HeartbeatInterval"/> until disposed.</summary>
    /// <param name="state">Reads the agent's activity, current task and detail at each beat.</param>
    /// <returns>Dispose to stop (no more beats: the deadman view will report the agent down).</returns>
    public IAsyncDisposable StartHeartbeats(Func<(AgentActivity Activity, string? CurrentTask, string? Detail)> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return StartHeartbeats(() =>
        {
            (AgentActivity activity, string? task, string? detail) = state();
            return new AgentStatus(activity, task, detail);
        });
    }

    /// <summary>Sends heartbeats every <see cref="FleetOptions.HeartbeatInterval"/> until disposed, with the model in use.</summary>
    /// <param name="status">Reads the agent's status at each beat.</param>
    /// <returns>Dispose to stop (no more beats: the deadman view will report the agent down).</returns>
    public IAsyncDisposable StartHeartbeats(Func<AgentStatus> status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new BackgroundLoop(async ct =>
        {
            using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
            do
            {
                AgentStatus now = status();
                var beat = new Heartbeat
                {
                    Agent = Agent,
                    Activity = now.Activity,
                    CurrentTask = now.CurrentTask,
                    Detail = now.Detail,
                    Model = now.Model,
                    Interval = _options.HeartbeatInterval,
                    SentAt = _time.GetUtcNow(),
                    Digests = _options.Digests.Count == 0 ? null : new Dictionary<string, string>(_options.Digests, StringComparer.Ordinal),
                };
                try
                {
                    byte[] data = FleetJson.Write(beat);
                    await _connection.PublishAsync(_subjects.Heartbeat(Agent), data, headers: SignatureOf(data), cancellationToken: ct).ConfigureAwait(false);
                }
                catch (NatsException ex)
                {
                    LogHeartbeatFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        });
    }

    /// <summary>Watches every heartbeat of the fleet: the deadman view.</summary>
    /// <returns>The roster; dispose it to stop watching.</returns>
    public Task<FleetRoster> WatchRosterAsync(CancellationToken cancellationToken = default) => FleetRoster.StartAsync(this, _options, _time, _logger, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _connection.ConnectionOpened -= OnConnectionOpenedAsync;
        _setupLock.Dispose();
        _signer?.Dispose();
        if (_owned is not null)
        {
            await _owned.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Subscribes, then waits for a PING round trip so the server has the subscription: a request another connection
    /// sends right after this returns reaches it (instead of "no responders").
    /// </summary>
    internal async Task<INatsSub<T>> SubscribeReadyAsync<T>(string subject, string? queueGroup = null, CancellationToken cancellationToken = default)
    {
        INatsSub<T> sub = await _connection.SubscribeCoreAsync<T>(subject, queueGroup, cancellationToken: cancellationToken).ConfigureAwait(false);
        await _connection.PingAsync(cancellationToken).ConfigureAwait(false);
        return sub;
    }

    private static void Validate(FleetOptions options)
    {
        ValidateOptionsResult result = new FleetOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(FleetOptions), result.Failures);
        }
    }

    private static readonly JsonElement NoPayload = JsonDocument.Parse("null").RootElement.Clone();

    private FleetTask Stamp(FleetTask task) => task with
    {
        Payload = task.Payload.ValueKind == JsonValueKind.Undefined ? NoPayload : task.Payload,
        Dispatcher = task.Dispatcher ?? Agent,
        CreatedAt = task.CreatedAt == default ? _time.GetUtcNow() : task.CreatedAt,
    };

    private ValueTask OnConnectionOpenedAsync(object? sender, NatsEventArgs args)
    {
        Interlocked.Exchange(ref _connectedSinceTicks, _time.GetUtcNow().UtcTicks);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Heartbeat not sent.")]
    private partial void LogHeartbeatFailed(Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Malformed message on {Subject} dead-lettered: {Problem}")]
    private partial void LogMalformed(string subject, string problem);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Task {TaskId} ({Kind}) failed.")]
    private partial void LogTaskFailed(Exception exception, string taskId, string kind);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Task {TaskId} (key {Key}) is already done; the redelivery is acknowledged without running it again.")]
    private partial void LogDuplicate(string taskId, string key);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Consuming {Tier} work was interrupted; resuming.")]
    private partial void LogConsumeInterrupted(Exception exception, string tier);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Recording key {Key} as done failed (attempt {Attempt}); retrying.")]
    private partial void LogDoneRetry(Exception exception, string key, int attempt);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "The claim on key {Key} was taken over while this worker ran it; it may have run twice.")]
    private partial void LogClaimTakenOver(string key);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Took over the claim on key {Key} from {Agent}, whose lease lapsed.")]
    private partial void LogClaimTakeover(string key, string agent);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Releasing the claim on key {Key} failed; it will be taken over after AckWait.")]
    private partial void LogReleaseFailed(Exception exception, string key);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "The result of task {TaskId} was not sent.")]
    private partial void LogResultNotSent(Exception exception, string taskId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "A task with key {Key} is already queued; not queued again.")]
    private partial void LogAlreadyQueued(string key);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Dropped a message that speaks for another agent: {Problem}.")]
    private partial void LogForged(string problem);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "A record of the operations log could not be written.")]
    internal partial void LogOpsRecordFailed(Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "A {Reason} message from {Subject} could not be dead-lettered.")]
    private partial void LogDeadLetterFailed(Exception exception, string reason, string subject);
}
