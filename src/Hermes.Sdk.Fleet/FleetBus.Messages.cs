using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Hermes.Sdk.Fleet;

// Results, completions, dead letters and quick questions: reading, checking, publishing.
public sealed partial class FleetBus
{
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
    private ValueTask<FleetTask?> ReadOrDeadLetterAsync(string subject, byte[]? data, int delivered, CancellationToken ct)
    {
        try
        {
            return ValueTask.FromResult<FleetTask?>(FleetJson.ReadTask(data ?? [])); // the usual path: no allocation, no state machine
        }
        catch (FleetMessageException ex)
        {
            LogMalformed(subject, ex.Message);
            return DeadLetterMalformedAsync(subject, ex.Message, data, delivered, ct);
        }
    }

    private async ValueTask<FleetTask?> DeadLetterMalformedAsync(string subject, string error, byte[]? data, int delivered, CancellationToken ct)
    {
        await DeadLetterAsync("malformed", subject, error, data ?? [], delivered, ct).ConfigureAwait(false);
        return null;
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
}
