using System.Runtime.CompilerServices;
using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Models.Providers;

/// <summary>
/// One model of the chain as an <see cref="IChatClient"/>: the provider SDK's client plus the checks the chain relies
/// on — a per-attempt timeout, classified failures, "a 200 with empty content is a failure", "a stream without a
/// finish reason is a truncation" — and the answering provider stamped on every response.
/// </summary>
internal sealed class ProviderEndpoint : DelegatingChatClient
{
    private readonly string? _missingKeyVariable;

    public ProviderEndpoint(ModelProviderOptions options, IChatClient inner, TimeSpan timeout, string? missingKeyVariable)
        : base(inner)
    {
        Options = options;
        Timeout = timeout;
        _missingKeyVariable = missingKeyVariable;
    }

    public ModelProviderOptions Options { get; }

    public TimeSpan Timeout { get; }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfKeyMissing();
        var observation = new HttpObservation();
        ProviderHttpObserver.Current = observation;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not ModelProviderException && !cancellationToken.IsCancellationRequested)
        {
            throw Fail(ex, observation, timeout.IsCancellationRequested);
        }
        finally
        {
            ProviderHttpObserver.Current = null;
        }

        if (observation.EmbeddedError is { } reported)
        {
            throw new ModelProviderException(FailureClassifier.Reported(Options.DisplayName, Options.Model, reported), observation.RetryAfter, null);
        }

        if (response.FinishReason is { } finishReason && !IsKnown(finishReason))
        {
            throw UnknownFinish(finishReason, observation);
        }

        if (!HasContent(response.Messages.SelectMany(m => m.Contents)))
        {
            throw NoContent(response.FinishReason, observation, streamed: false);
        }

        Stamp(response.AdditionalProperties ??= []);
        response.ModelId ??= Options.Model;
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfKeyMissing();
        var observation = new HttpObservation();
        ProviderHttpObserver.Current = observation;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        IAsyncEnumerator<ChatResponseUpdate> enumerator = base.GetStreamingResponseAsync(messages, options, timeout.Token).GetAsyncEnumerator(timeout.Token);
        ChatFinishReason? finish = null;
        bool content = false;

        // Updates without content (a role-only preamble, usage) are held back until content arrives, so a provider
        // that fails before saying anything has not yet committed the stream and the chain can still fail over.
        List<ChatResponseUpdate>? held = null;
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = enumerator.Current;
                }
                catch (Exception ex) when (ex is not ModelProviderException && !cancellationToken.IsCancellationRequested)
                {
                    throw Fail(ex, observation, timeout.IsCancellationRequested);
                }

                // The timeout is an idle timeout while streaming: each update restarts it.
                timeout.CancelAfter(Timeout);
                finish = update.FinishReason ?? finish;
                Stamp(update.AdditionalProperties ??= []);
                update.ModelId ??= Options.Model;
                if (!content && !HasContent(update.Contents))
                {
                    (held ??= []).Add(update);
                    continue;
                }

                content = true;
                if (held is not null)
                {
                    foreach (ChatResponseUpdate early in held)
                    {
                        yield return early;
                    }

                    held = null;
                }

                yield return update;
            }
        }
        finally
        {
            ProviderHttpObserver.Current = null;
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }

        // A stream is complete only when it ends with a finish reason we know; an error event, or a finish reason such as
        // "error", means the provider failed part-way, whatever the SDK made of it.
        if (observation.EmbeddedError is { } reported)
        {
            throw new ModelProviderException(FailureClassifier.Reported(Options.DisplayName, Options.Model, reported), observation.RetryAfter, null);
        }

        if (finish is null)
        {
            throw new ModelProviderException(new ProviderFailure(Options.DisplayName, Options.Model, ProviderFailureKind.Truncated, observation.StatusCode, "the stream ended without a finish reason (truncated)"), null, null);
        }

        if (!IsKnown(finish.Value))
        {
            throw UnknownFinish(finish.Value, observation);
        }

        if (!content)
        {
            throw NoContent(finish, observation, streamed: true);
        }
    }

    private ModelProviderException NoContent(ChatFinishReason? finish, HttpObservation observation, bool streamed) =>
        new(finish == ChatFinishReason.ContentFilter
                ? new ProviderFailure(Options.DisplayName, Options.Model, ProviderFailureKind.Refused, observation.StatusCode, "the provider's content filter or the model refused to answer")
                : new ProviderFailure(Options.DisplayName, Options.Model, ProviderFailureKind.EmptyResponse, observation.StatusCode, streamed ? "the provider streamed no content" : "the provider answered with no content"),
            null,
            null);

    private static bool IsKnown(ChatFinishReason finish) =>
        finish == ChatFinishReason.Stop || finish == ChatFinishReason.Length || finish == ChatFinishReason.ToolCalls || finish == ChatFinishReason.ContentFilter;

    private ModelProviderException UnknownFinish(ChatFinishReason finish, HttpObservation observation) =>
        new(new ProviderFailure(Options.DisplayName, Options.Model, ProviderFailureKind.ServerError, observation.StatusCode, $"the answer ended with finish reason '{finish.Value}', which is not a complete answer"), null, null);

    private void ThrowIfKeyMissing()
    {
        if (_missingKeyVariable is not null)
        {
            throw new ModelProviderException(new ProviderFailure(Options.DisplayName, Options.Model, ProviderFailureKind.MissingApiKey, null, $"the environment variable {_missingKeyVariable} is not set"), null, null);
        }
    }

    private ModelProviderException Fail(Exception ex, HttpObservation observation, bool timedOut) =>
        new(FailureClassifier.Classify(Options, ex, observation, timedOut), observation.RetryAfter, ex);

    private void Stamp(AdditionalPropertiesDictionary properties)
    {
        properties[ModelChainChatExtensions.ProviderKey] = Options.DisplayName;
        properties[ModelChainChatExtensions.ProviderModelKey] = Options.Model;
    }

    private static bool HasContent(IEnumerable<AIContent> contents)
    {
        foreach (AIContent c in contents)
        {
            if (c is TextContent t ? !string.IsNullOrWhiteSpace(t.Text) : c is not UsageContent)
            {
                return true;
            }
        }

        return false;
    }
}
