using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Hermes.Sdk.Fleet;

// Durable work: the JetStream work stream, idempotency claims with leases in the done bucket, and their renewal.
public sealed partial class FleetBus
{
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

    private static string DoneKey(string key) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>This agent's record of a key in the done bucket, stamped now.</summary>
    private byte[] RecordNow(string state) => JsonSerializer.SerializeToUtf8Bytes(new DoneRecord(state, Agent, _time.GetUtcNow()), FleetJsonContext.Default.DoneRecord);
}
