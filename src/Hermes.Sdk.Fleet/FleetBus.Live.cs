using System.Diagnostics;
using NATS.Client.Core;

namespace Hermes.Sdk.Fleet;

// Live work: dispatch as request/reply to a tier's queue group, and serving it.
public sealed partial class FleetBus
{
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
            // Each task in flight holds a slot; taking every slot back at the end waits for the last of them.
            using var slots = new SemaphoreSlim(limit, limit);
            async Task ServeInSlotAsync(NatsMsg<byte[]> msg)
            {
                try
                {
                    await ServeOneAsync(msg, handler, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Stopping: the request goes unanswered, and the dispatcher's timeout tells it so.
                }
                finally
                {
                    slots.Release();
                }
            }

            try
            {
                await foreach (NatsMsg<byte[]> msg in sub.Msgs.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    await slots.WaitAsync(ct).ConfigureAwait(false);
                    _ = ServeInSlotAsync(msg);
                }
            }
            finally
            {
                for (int i = 0; i < limit; i++)
                {
                    await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
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
}
