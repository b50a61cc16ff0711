using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
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
        return new BackgroundLoop(async ct =>
        {
            using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
            do
            {
                (AgentActivity activity, string? task, string? detail) = state();
                var beat = new Heartbeat
                {
                    Agent = Agent,
                    Activity = activity,
                    CurrentTask = task,
                    Detail = detail,
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

    /// <summary>
    /// Dispatches live work: a request to the tier's queue group — exactly one worker of the group gets it — and its
    /// result as the reply.
    /// </summary>
    /// <param name="task">The task.</param>
    /// <param name="timeout">How long to wait; default <see cref="FleetOptions.LiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The result.</returns>
    /// <exception cref="NatsNoRespondersException">No worker of that tier is listening.</exception>
    public async Task<TaskResult> DispatchAsync(FleetTask task, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        using Activity? activity = FleetDiagnostics.ActivitySource.StartActivity("hermes.fleet.dispatch");
        FleetTask stamped = Stamp(task);
        NatsMsg<byte[]> reply = await _connection.RequestAsync<byte[], byte[]>(
            _subjects.LiveWork(stamped.Tier),
            FleetJson.Write(stamped),
            replyOpts: new NatsSubOpts { Timeout = timeout ?? _options.LiveTimeout },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        reply.EnsureSuccess();
        TaskResult result = FleetJson.ReadResult(reply.Data);
        return Believed(reply.Headers, reply.Data, result.Agent) ? result : throw new FleetMessageException($"the reply to task {stamped.Id} is not to be believed: {FleetSignatures.Problem(reply.Headers, reply.Data, result.Agent, _options.TrustedKeys)}");
    }

    /// <summary>Whether a message naming <paramref name="agent"/> is signed by its trusted key (always, without <see cref="FleetOptions.TrustedKeys"/>); a forgery is logged and counted.</summary>
    internal bool Believed(NatsHeaders? headers, ReadOnlySpan<byte> data, string agent)
    {
        if (FleetSignatures.Problem(headers, data, agent, _options.TrustedKeys) is not { } problem)
        {
            return true;
        }

        FleetDiagnostics.Forged.Add(1);
        LogForged(problem);
        return false;
    }

    /// <summary>
    /// Serves live work of a tier in its queue group until disposed: each request goes to one member only. Up to
    /// <paramref name="maxConcurrency"/> tasks run at once on this worker.
    /// </summary>
    /// <param name="tier">The tier.</param>
    /// <param name="handler">Runs a task.</param>
    /// <param name="maxConcurrency">Tasks in flight on this worker; default the processor count.</param>
    /// <returns>Dispose to stop serving.</returns>
    public async Task<IAsyncDisposable> ServeAsync(string tier, FleetTaskHandler handler, int? maxConcurrency = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        int limit = maxConcurrency ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1, nameof(maxConcurrency));
        string subject = _subjects.LiveWork(tier);
        INatsSub<byte[]> sub = await SubscribeReadyAsync<byte[]>(subject, FleetSubjects.WorkerGroup(tier)).ConfigureAwait(false);
        return new BackgroundLoop(async ct =>
        {
            using var slots = new SemaphoreSlim(limit, limit);
            var running = new HashSet<Task>();
            await foreach (NatsMsg<byte[]> msg in sub.Msgs.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await slots.WaitAsync(ct).ConfigureAwait(false);
                Task work = ServeOneAsync(msg, handler, ct);
                lock (running)
                {
                    running.Add(work);
                }

                _ = work.ContinueWith(
                    t =>
                    {
                        slots.Release();
                        lock (running)
                        {
                            running.Remove(t);
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            Task[] pending;
            lock (running)
            {
                pending = [.. running];
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
        }, sub);
    }

    private async Task ServeOneAsync(NatsMsg<byte[]> msg, FleetTaskHandler handler, CancellationToken ct)
    {
        FleetTask? task = await ReadOrDeadLetterAsync(msg.Subject, msg.Data, 1, ct).ConfigureAwait(false);
        TaskResult result = task is null
            ? new TaskResult { TaskId = "(malformed)", Key = "(malformed)", Agent = Agent, Ok = false, Error = "malformed task: dead-lettered", CompletedAt = _time.GetUtcNow() }
            : await ExecuteAsync(task, "live", handler, ct).ConfigureAwait(false);
        if (msg.ReplyTo is not null)
        {
            try
            {
                byte[] reply = FleetJson.Write(result);
                await msg.ReplyAsync(reply, headers: SignatureOf(reply), cancellationToken: ct).ConfigureAwait(false);
            }
            catch (NatsException ex)
            {
                LogResultNotSent(ex, result.TaskId);
            }
        }
    }

    /// <summary>
    /// Enqueues durable work in the JetStream work stream. Sent twice with the same idempotency key within
    /// <see cref="FleetOptions.DuplicateWindow"/>, the server keeps one; later, the done bucket keeps it from running twice.
    /// </summary>
    /// <param name="task">The task.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>The task as sent (with its id, dispatcher, creation time and expiry); a duplicate is not an error.</returns>
    public async Task<FleetTask> EnqueueAsync(FleetTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        await EnsureStreamsAsync(cancellationToken).ConfigureAwait(false);
        FleetTask stamped = Stamp(task);
        stamped = stamped.ExpiresAt is null ? stamped with { ExpiresAt = stamped.CreatedAt + _options.TaskTtl } : stamped;
        PubAckResponse ack = await _js.PublishAsync(
            _subjects.DurableWork(stamped.Tier),
            FleetJson.Write(stamped),
            headers: new NatsHeaders { ["Nats-Msg-Id"] = stamped.Key },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (ack.Duplicate)
        {
            LogAlreadyQueued(stamped.Key);
            return stamped; // idempotent: the same key is already queued
        }

        ack.EnsureSuccess();
        return stamped;
    }

    /// <summary>
    /// Works durable tasks of a tier until disposed. All workers of a tier share one durable consumer, so each task
    /// goes to one of them at a time. A task that throws is redelivered after the next <see cref="FleetOptions.Backoff"/>
    /// delay and dead-lettered as poison on its <see cref="FleetOptions.MaxDeliver"/>th failure; an expired task is
    /// dead-lettered unexecuted; a task whose idempotency key is done is acknowledged without running again.
    /// </summary>
    /// <param name="tier">The tier.</param>
    /// <param name="handler">Runs a task.</param>
    /// <param name="cancellationToken">Cancels the set-up.</param>
    /// <returns>Dispose to stop working.</returns>
    public async Task<IAsyncDisposable> WorkAsync(string tier, FleetTaskHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        await EnsureStreamsAsync(cancellationToken).ConfigureAwait(false);
        string durable = $"workers-{FleetSubjects.Check(tier)}";
        var config = new ConsumerConfig(durable)
        {
            FilterSubject = _subjects.DurableWork(tier),
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = _options.AckWait,
            MaxDeliver = _options.MaxDeliver + 1, // one spare: a worker that dies on the last delivery still gets it dead-lettered
            MaxAckPending = 1000,
        };
        INatsJSConsumer consumer = await _js.CreateOrUpdateConsumerAsync(_subjects.WorkStream, config, cancellationToken).ConfigureAwait(false);
        return new BackgroundLoop(async ct =>
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await foreach (NatsJSMsg<byte[]> msg in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = 16 }, cancellationToken: ct).ConfigureAwait(false))
                    {
                        await HandleDurableAsync(msg, handler, ct).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The server went away or the consumer was reset: wait, then consume again (state lives on the server).
                    LogConsumeInterrupted(ex, tier);
                    await Task.Delay(TimeSpan.FromMilliseconds(250), _time, ct).ConfigureAwait(false);
                }
            }
        });
    }

    /// <summary>Results of the tasks this agent dispatched, as workers finish them.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The results.</returns>
    public IAsyncEnumerable<TaskResult> ResultsAsync(CancellationToken cancellationToken = default) => ReadAsync(_subjects.Results(Agent), FleetJson.ReadResult, r => r.Agent, cancellationToken);

    /// <summary>Every "task done" announcement of the fleet.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The results.</returns>
    public IAsyncEnumerable<TaskResult> CompletionsAsync(CancellationToken cancellationToken = default) => ReadAsync(_subjects.WorkComplete, FleetJson.ReadResult, r => r.Agent, cancellationToken);

    /// <summary>The dead letters kept so far, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The dead letters.</returns>
    public async Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(CancellationToken cancellationToken = default)
    {
        await EnsureStreamsAsync(cancellationToken).ConfigureAwait(false);
        INatsJSStream stream = await _js.GetStreamAsync(_subjects.DeadLetterStream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var letters = new List<DeadLetter>();
        if (stream.Info.State.Messages == 0)
        {
            return letters;
        }

        ulong last = stream.Info.State.LastSeq;
        INatsJSConsumer reader = await _js.CreateOrderedConsumerAsync(_subjects.DeadLetterStream, cancellationToken: cancellationToken).ConfigureAwait(false);
        await foreach (NatsJSMsg<byte[]> msg in reader.ConsumeAsync<byte[]>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            letters.Add(FleetJson.ReadDeadLetter(msg.Data ?? []));
            if (msg.Metadata?.Sequence.Stream >= last)
            {
                break;
            }
        }

        return letters;
    }

    /// <summary>Asks another agent a quick question (request/reply).</summary>
    /// <param name="agent">The agent.</param>
    /// <param name="question">The question.</param>
    /// <param name="timeout">How long to wait; default <see cref="FleetOptions.LiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The answer.</returns>
    public async Task<string> AskAsync(string agent, string question, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        NatsMsg<string> reply = await _connection.RequestAsync<string, string>(_subjects.Ask(agent), question, replyOpts: new NatsSubOpts { Timeout = timeout ?? _options.LiveTimeout }, cancellationToken: cancellationToken).ConfigureAwait(false);
        reply.EnsureSuccess();
        return reply.Data ?? string.Empty;
    }

    /// <summary>Answers quick questions to this agent until disposed.</summary>
    /// <param name="answer">Answers one question.</param>
    /// <returns>Dispose to stop answering.</returns>
    public async Task<IAsyncDisposable> AnswerAsync(Func<string, CancellationToken, Task<string>> answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        INatsSub<string> sub = await SubscribeReadyAsync<string>(_subjects.Ask(Agent)).ConfigureAwait(false);
        return new BackgroundLoop(async ct =>
        {
            await foreach (NatsMsg<string> msg in sub.Msgs.ReadAllAsync(ct).ConfigureAwait(false))
            {
                string text;
                try
                {
                    text = await answer(msg.Data ?? string.Empty, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    text = $"error: {ex.Message}";
                }

                await msg.ReplyAsync(text, cancellationToken: ct).ConfigureAwait(false);
            }
        }, sub);
    }

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
            throw new OptionsValidationException(Options.DefaultName, typeof(FleetOptions), result.Failures);
        }
    }

    private static readonly JsonElement NoPayload = JsonDocument.Parse("null").RootElement.Clone();

    private FleetTask Stamp(FleetTask task) => task with
    {
        Payload = task.Payload.ValueKind == JsonValueKind.Undefined ? NoPayload : task.Payload,
        Dispatcher = task.Dispatcher ?? Agent,
        CreatedAt = task.CreatedAt == default ? _time.GetUtcNow() : task.CreatedAt,
    };

    private async Task HandleDurableAsync(NatsJSMsg<byte[]> msg, FleetTaskHandler handler, CancellationToken ct)
    {
        int delivered = (int)(msg.Metadata?.NumDelivered ?? 1);
        FleetTask? task = await ReadOrDeadLetterAsync(msg.Subject, msg.Data, delivered, ct).ConfigureAwait(false);
        if (task is null)
        {
            await msg.AckTerminateAsync(cancellationToken: ct).ConfigureAwait(false);
            return;
        }

        if (task.ExpiresAt is { } expires && _time.GetUtcNow() > expires)
        {
            await DeadLetterAsync("expired", msg.Subject, $"task {task.Id} expired at {expires:u}", msg.Data, delivered, ct).ConfigureAwait(false);
            await msg.AckTerminateAsync(cancellationToken: ct).ConfigureAwait(false);
            return;
        }

        if (delivered > _options.MaxDeliver)
        {
            // The worker that had the last delivery died before settling it.
            await DeadLetterAsync("poison", msg.Subject, $"task {task.Id} was delivered {delivered} times without being settled", msg.Data, delivered, ct).ConfigureAwait(false);
            await msg.AckTerminateAsync(cancellationToken: ct).ConfigureAwait(false);
            return;
        }

        // Idempotency: claim the key (create, or take over an abandoned claim), or skip it.
        (bool proceed, ulong revision, TimeSpan? retryIn) = await ClaimAsync(task.Key, ct).ConfigureAwait(false);
        if (!proceed)
        {
            if (retryIn is { } delay)
            {
                await msg.NakAsync(new AckOpts { NakDelay = delay }, ct).ConfigureAwait(false);
            }
            else
            {
                FleetDiagnostics.Duplicates.Add(1);
                LogDuplicate(task.Id, task.Key);
                await msg.AckAsync(cancellationToken: ct).ConfigureAwait(false);
            }

            return;
        }

        var lease = new StrongBox<ulong>(revision); // renewals move the revision on; read once the renewing loop has stopped
        TaskResult result;
        await using (new BackgroundLoop(renew => RenewWhileRunningAsync(msg, task.Key, lease, renew)))
        {
            result = await ExecuteAsync(task, "durable", handler, ct).ConfigureAwait(false);
        }

        if (!result.Ok)
        {
            await ReleaseClaimAsync(task.Key, lease.Value, ct).ConfigureAwait(false);
            if (delivered >= _options.MaxDeliver)
            {
                await DeadLetterAsync("poison", msg.Subject, $"task {task.Id} failed {delivered} times; last error: {result.Error}", msg.Data, delivered, ct).ConfigureAwait(false);
                await msg.AckTerminateAsync(cancellationToken: ct).ConfigureAwait(false);
                await PublishResultAsync(task, result, ct).ConfigureAwait(false);
            }
            else
            {
                TimeSpan delay = _options.Backoff.Count == 0 ? TimeSpan.Zero : _options.Backoff[Math.Min(delivered, _options.Backoff.Count) - 1];
                await msg.NakAsync(new AckOpts { NakDelay = delay }, ct).ConfigureAwait(false);
            }

            return;
        }

        await MarkDoneAsync(task.Key, lease.Value, ct).ConfigureAwait(false);
        await PublishResultAsync(task, result, ct).ConfigureAwait(false);
        await msg.AckAsync(cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A claim is a lease of <see cref="FleetOptions.AckWait"/> that its holder renews while the handler runs. Another
    /// worker takes it over only when it has lapsed and this worker has itself been connected for a whole lease plus the
    /// longest reconnect wait: after a server restart, every live holder has reconnected and renewed (or recorded done)
    /// by then, so a claim is never taken from a worker that was merely cut off with the rest of the fleet.
    /// </summary>
    private async Task<(bool Proceed, ulong Revision, TimeSpan? RetryIn)> ClaimAsync(string key, CancellationToken ct)
    {
        string entryKey = DoneKey(key);
        DateTimeOffset now = _time.GetUtcNow();
        NatsResult<NatsKVEntry<byte[]>> existing = await _done!.TryGetEntryAsync<byte[]>(entryKey, cancellationToken: ct).ConfigureAwait(false);
        if (!existing.Success)
        {
            NatsResult<ulong> created = await _done.TryCreateAsync(entryKey, RecordNow(DoneRecord.Running), cancellationToken: ct).ConfigureAwait(false);
            return created.Success ? (true, created.Value, null) : (false, 0, TimeSpan.FromMilliseconds(200));
        }

        DoneRecord? record = existing.Value.Value is { } bytes ? JsonSerializer.Deserialize(bytes, FleetJsonContext.Default.DoneRecord) : null;
        if (record?.State == DoneRecord.Done)
        {
            return (false, 0, null);
        }

        TimeSpan lapse = record is null ? TimeSpan.Zero : _options.AckWait - (now - record.At);
        TimeSpan settling = TakeoverGrace - (now - new DateTimeOffset(Interlocked.Read(ref _connectedSinceTicks), TimeSpan.Zero));
        TimeSpan wait = lapse > settling ? lapse : settling;
        if (wait > TimeSpan.Zero)
        {
            return (false, 0, wait < MinimumRetry ? MinimumRetry : wait); // another worker is on it, or may be about to say so
        }

        NatsResult<ulong> updated = await _done.TryUpdateAsync(entryKey, RecordNow(DoneRecord.Running), existing.Value.Revision, cancellationToken: ct).ConfigureAwait(false);
        if (updated.Success)
        {
            LogClaimTakeover(key, record?.Agent ?? "unknown");
        }

        return updated.Success ? (true, updated.Value, null) : (false, 0, MinimumRetry);
    }

    /// <summary>How long a worker waits after (re)connecting before it takes any claim over.</summary>
    private TimeSpan TakeoverGrace => _options.AckWait + _connection.Opts.ReconnectWaitMax + _connection.Opts.ReconnectJitter;

    private static readonly TimeSpan MinimumRetry = TimeSpan.FromMilliseconds(200);

    /// <summary>Keeps a running task's claim and its JetStream delivery alive until the handler returns.</summary>
    private async Task RenewWhileRunningAsync(NatsJSMsg<byte[]> msg, string key, StrongBox<ulong> lease, CancellationToken ct)
    {
        TimeSpan every = _options.AckWait / 3;
        while (true)
        {
            await Task.Delay(every, _time, ct).ConfigureAwait(false);
            try
            {
                await msg.AckProgressAsync(cancellationToken: ct).ConfigureAwait(false);
                NatsResult<ulong> renewed = await _done!.TryUpdateAsync(DoneKey(key), RecordNow(DoneRecord.Running), lease.Value, cancellationToken: ct).ConfigureAwait(false);
                if (renewed.Success)
                {
                    lease.Value = renewed.Value;
                }
                else if (renewed.Error is NatsKVWrongLastRevisionException)
                {
                    LogClaimTakenOver(key);
                    return;
                }
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException && !ct.IsCancellationRequested)
            {
                // Cut off: the next tick tries again; the takeover grace covers the gap.
            }
        }
    }

    private ValueTask OnConnectionOpenedAsync(object? sender, NatsEventArgs args)
    {
        Interlocked.Exchange(ref _connectedSinceTicks, _time.GetUtcNow().UtcTicks);
        return ValueTask.CompletedTask;
    }


    /// <summary>Records the key as done, retrying through a lost connection: the work was done, the record must land.</summary>
    private async Task MarkDoneAsync(string key, ulong revision, CancellationToken ct)
    {
        byte[] done = RecordNow(DoneRecord.Done);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                NatsResult<ulong> updated = await _done!.TryUpdateAsync(DoneKey(key), done, revision, cancellationToken: ct).ConfigureAwait(false);
                if (!updated.Success)
                {
                    // Our claim was taken over (we were slower than AckWait): record done anyway.
                    await _done.PutAsync(DoneKey(key), done, cancellationToken: ct).ConfigureAwait(false);
                    LogClaimTakenOver(key);
                }

                return;
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException && !ct.IsCancellationRequested)
            {
                LogDoneRetry(ex, key, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(500, 100 * attempt)), _time, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task ReleaseClaimAsync(string key, ulong revision, CancellationToken ct)
    {
        try
        {
            await _done!.DeleteAsync(DoneKey(key), new NatsKVDeleteOpts { Revision = revision }, ct).ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            LogReleaseFailed(ex, key);
        }
    }

    private async Task<TaskResult> ExecuteAsync(FleetTask task, string mode, FleetTaskHandler handler, CancellationToken ct)
    {
        using Activity? activity = FleetDiagnostics.ActivitySource.StartActivity("hermes.fleet.execute");
        activity?.SetTag("hermes.task.kind", task.Kind);
        activity?.SetTag("hermes.mode", mode);
        try
        {
            JsonElement? output = await handler(task, ct).ConfigureAwait(false);
            FleetDiagnostics.Executed.Add(1, new("hermes.mode", mode), new("hermes.outcome", "ok"));
            return new TaskResult { TaskId = task.Id, Key = task.Key, Kind = task.Kind, Agent = Agent, Ok = true, Output = output, CompletedAt = _time.GetUtcNow(), TaskCreatedAt = task.CreatedAt == default ? null : task.CreatedAt };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            FleetDiagnostics.Executed.Add(1, new("hermes.mode", mode), new("hermes.outcome", "failed"));
            LogTaskFailed(ex, task.Id, task.Kind);
            return new TaskResult { TaskId = task.Id, Key = task.Key, Kind = task.Kind, Agent = Agent, Ok = false, Error = $"{ex.GetType().Name}: {ex.Message}", CompletedAt = _time.GetUtcNow(), TaskCreatedAt = task.CreatedAt == default ? null : task.CreatedAt };
        }
    }

    private async Task PublishResultAsync(FleetTask task, TaskResult result, CancellationToken ct)
    {
        byte[] data = FleetJson.Write(result);
        NatsHeaders? signature = SignatureOf(data);
        try
        {
            if (task.Dispatcher is { } dispatcher)
            {
                await _connection.PublishAsync(_subjects.Results(dispatcher), data, headers: signature, cancellationToken: ct).ConfigureAwait(false);
            }

            await _connection.PublishAsync(_subjects.WorkComplete, data, headers: signature, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A result that cannot be sent must not keep the message unsettled: it is logged, and the task acknowledged.
            LogResultNotSent(ex, task.Id);
        }
    }

    /// <summary>Reads a task; a malformed one is logged and dead-lettered, and null is returned.</summary>
    private async Task<FleetTask?> ReadOrDeadLetterAsync(string subject, byte[]? data, int delivered, CancellationToken ct)
    {
        try
        {
            return FleetJson.ReadTask(data ?? []);
        }
        catch (FleetMessageException ex)
        {
            LogMalformed(subject, ex.Message);
            await DeadLetterAsync("malformed", subject, ex.Message, data ?? [], delivered, ct).ConfigureAwait(false);
            return null;
        }
    }

    private async Task DeadLetterAsync(string reason, string subject, string error, byte[]? original, int delivered, CancellationToken ct)
    {
        FleetDiagnostics.DeadLettered.Add(1, new KeyValuePair<string, object?>("hermes.reason", reason));
        var letter = new DeadLetter { Reason = reason, Subject = subject, Error = error, Original = Encoding.UTF8.GetString(original ?? []), Deliveries = delivered, Agent = Agent, At = _time.GetUtcNow() };
        try
        {
            await EnsureStreamsAsync(ct).ConfigureAwait(false);
            PubAckResponse ack = await _js.PublishAsync(_subjects.DeadLetter(reason), FleetJson.Write(letter), cancellationToken: ct).ConfigureAwait(false);
            ack.EnsureSuccess();
        }
        catch (NatsException ex)
        {
            LogDeadLetterFailed(ex, reason, subject);
        }
    }

    private async IAsyncEnumerable<T> ReadAsync<T>(string subject, Func<ReadOnlySpan<byte>, T> read, Func<T, string> sender, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (NatsMsg<byte[]> msg in _connection.SubscribeAsync<byte[]>(subject, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            T? value = default;
            try
            {
                value = read(msg.Data ?? []);
            }
            catch (FleetMessageException ex)
            {
                LogMalformed(msg.Subject, ex.Message);
                await DeadLetterAsync("malformed", msg.Subject, ex.Message, msg.Data ?? [], 1, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (Believed(msg.Headers, msg.Data ?? [], sender(value)))
            {
                yield return value;
            }
        }
    }

    private static string DoneKey(string key) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>This agent's record of a key in the done bucket, stamped now.</summary>
    private byte[] RecordNow(string state) => JsonSerializer.SerializeToUtf8Bytes(new DoneRecord(state, Agent, _time.GetUtcNow()), FleetJsonContext.Default.DoneRecord);

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

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "A {Reason} message from {Subject} could not be dead-lettered.")]
    private partial void LogDeadLetterFailed(Exception exception, string reason, string subject);
}
