using System.Diagnostics;
using System.Runtime.CompilerServices;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.Models.Providers;
using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Models.Chain;

/// <summary>
/// The failover policy, on Microsoft.Extensions.AI's experimental <see cref="FailoverChatClient"/> (which owns
/// invocation, the streaming "nothing exposed yet" rule and attempt bookkeeping). This class only chooses the next
/// provider and reacts to each attempt; it never appears in the public API.
/// </summary>
internal sealed class ChainRouter(ModelChain chain) : FailoverChatClient
{
    private readonly ConditionalWeakTable<RoutingContext, ChainRequest> _requests = [];

    protected override async ValueTask<IChatClient> SelectClientAsync(RoutingContext context, CancellationToken cancellationToken)
    {
        ChainRequest request = _requests.GetValue(context, c => new ChainRequest(chain, c.ChatOptions));
        ProviderEndpoint? next;
        try
        {
            next = await request.NextAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Cancelled while waiting to retry: the base reports no update for a failed selection.
            End(context, request, ex);
            throw;
        }

        if (next is null)
        {
            var exhausted = new ModelChainExhaustedException(request.Failures);
            End(context, request, exhausted);
            throw exhausted;
        }

        return next;
    }

    protected override ValueTask OnRoutingUpdateAsync(RoutingContext context, FailoverChatClientAttempt attempt, bool isTerminal, CancellationToken cancellationToken)
    {
        if (!_requests.TryGetValue(context, out ChainRequest? request))
        {
            return ValueTask.CompletedTask;
        }

        var endpoint = (ProviderEndpoint)attempt.Client;
        if (attempt.Exception is null)
        {
            if (attempt.ResponseCompleted)
            {
                request.Succeeded(endpoint);
            }

            End(context, request, null);
            return ValueTask.CompletedTask;
        }

        if (attempt.Exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            End(context, request, attempt.Exception);
            return ValueTask.CompletedTask;
        }

        ModelProviderException failure = attempt.Exception as ModelProviderException
            ?? new ModelProviderException(new ProviderFailure(endpoint.Options.DisplayName, endpoint.Options.Model, ProviderFailureKind.MalformedResponse, null, $"unexpected {attempt.Exception.GetType().Name}"), null, attempt.Exception);
        request.Failed(endpoint, failure, attempt.OutputCommitted);

        ModelChainException? stop = attempt.OutputCommitted
            ? new ModelStreamInterruptedException(failure.Failure, failure.InnerException ?? failure)
            : failure.Failure.Kind switch
            {
                ProviderFailureKind.BadRequest => new ModelRequestRejectedException(failure.Failure, failure.InnerException),
                ProviderFailureKind.Refused => new ModelRefusalException(failure.Failure, failure.InnerException),
                _ when isTerminal => new ModelChainExhaustedException(request.Failures),
                _ => null,
            };
        if (stop is not null)
        {
            End(context, request, stop);
            throw stop;
        }

        return ValueTask.CompletedTask;
    }

    private void End(RoutingContext context, ChainRequest request, Exception? error)
    {
        _requests.Remove(context);
        request.End(error);
    }

    /// <summary>The per-request walk over the chain.</summary>
    private sealed class ChainRequest
    {
        private readonly ModelChain _chain;
        private readonly bool _sensitive;
        private readonly List<ProviderEndpoint> _order;
        private readonly Dictionary<ProviderEndpoint, int> _retries = [];
        private readonly List<(ProviderEndpoint Endpoint, TimeSpan? RetryAfter)> _transient = [];
        private readonly List<ProviderEndpoint> _skippedOpen = [];
        private int _position;
        private int _attempts;
        private int _minimumContext = -1;
        private (ProviderEndpoint Endpoint, TimeSpan Delay)? _retryNow;

        private readonly Activity? _activity;
        private ProviderEndpoint? _answered;

        public ChainRequest(ModelChain chain, ChatOptions? options)
        {
            _chain = chain;
            _sensitive = options.IsSensitive();
            _order = chain.OrderForNewRequest();
            _activity = ModelsDiagnostics.ActivitySource.StartActivity("hermes.models.chat", ActivityKind.Internal);
            _activity?.SetTag("hermes.sensitive", _sensitive);
            _activity?.SetTag("hermes.crisis", options.IsCrisis());
        }

        public List<ProviderFailure> Failures { get; } = [];

        public async ValueTask<ProviderEndpoint?> NextAsync(CancellationToken cancellationToken)
        {
            // Retry-before-failover: the provider that just failed transiently is tried again first.
            if (_retryNow is { } retry)
            {
                _retryNow = null;
                await Task.Delay(retry.Delay, _chain.Time, cancellationToken).ConfigureAwait(false);
                return Attempt(retry.Endpoint);
            }

            // Phase 1: walk the chain in order.
            while (_position < _order.Count)
            {
                ProviderEndpoint candidate = _order[_position++];
                if (Skip(candidate) is { } reason)
                {
                    if (reason == ProviderFailureKind.SkippedCircuitOpen)
                    {
                        _skippedOpen.Add(candidate);
                    }

                    Failures.Add(new ProviderFailure(candidate.Options.DisplayName, candidate.Options.Model, reason, null, Describe(reason, candidate)));
                    continue;
                }

                return Attempt(candidate);
            }

            // Phase 2: retry providers that failed transiently, honouring Retry-After (bounded) with jittered backoff.
            while (_transient.Count > 0)
            {
                (ProviderEndpoint endpoint, TimeSpan? retryAfter) = _transient[0];
                _transient.RemoveAt(0);
                if (RetryDelay(endpoint, retryAfter) is { } delay)
                {
                    await Task.Delay(delay, _chain.Time, cancellationToken).ConfigureAwait(false);
                    return Attempt(endpoint);
                }
            }

            // Last resort: nothing was tried because every eligible circuit was open. An agent must not go deaf
            // because of its own breakers, so try them anyway, in order.
            if (_attempts == 0 && _skippedOpen.Count > 0)
            {
                ProviderEndpoint endpoint = _skippedOpen[0];
                _skippedOpen.RemoveAt(0);
                return Attempt(endpoint);
            }

            return null;
        }

        public void Succeeded(ProviderEndpoint endpoint)
        {
            _answered = endpoint;
            _chain.OnSuccess(endpoint, Failures.Count);
        }

        public void Failed(ProviderEndpoint endpoint, ModelProviderException failure, bool outputCommitted)
        {
            Failures.Add(failure.Failure);
            ProviderFailureKind kind = failure.Failure.Kind;
            bool moveOn = !outputCommitted && kind is not (ProviderFailureKind.BadRequest or ProviderFailureKind.Refused);
            ProviderEndpoint? next = moveOn ? PeekNext() : null;
            _chain.OnFailure(endpoint, failure, next, outputCommitted);
            _activity?.AddEvent(new ActivityEvent("failover", tags: new ActivityTagsCollection
            {
                ["hermes.provider"] = endpoint.Options.DisplayName,
                ["hermes.failure"] = kind.ToString(),
                ["http.response.status_code"] = (int?)failure.Failure.StatusCode,
                ["hermes.next"] = next?.Options.DisplayName,
            }));

            if (kind == ProviderFailureKind.ContextLengthExceeded)
            {
                _minimumContext = Math.Max(_minimumContext, endpoint.Options.ContextWindow ?? 0);
            }
            else if (failure.Failure.IsTransient)
            {
                if (_chain.Options.RetryBeforeFailover && RetryDelay(endpoint, failure.RetryAfter) is { } delay)
                {
                    _retryNow = (endpoint, delay);
                }
                else if (!_chain.Options.RetryBeforeFailover)
                {
                    _transient.Add((endpoint, failure.RetryAfter));
                }
            }
        }

        public void End(Exception? error)
        {
            if (_activity is null)
            {
                return;
            }

            _activity.SetTag("hermes.attempts", _attempts);
            if (_answered is not null)
            {
                _activity.SetTag("hermes.provider", _answered.Options.DisplayName);
                _activity.SetTag("gen_ai.response.model", _answered.Options.Model);
            }

            if (error is not null)
            {
                _activity.SetStatus(ActivityStatusCode.Error, error is OperationCanceledException ? "cancelled" : error.GetType().Name);
                _activity.SetTag("error.type", error.GetType().FullName);
            }

            _activity.Dispose();
        }

        private ProviderEndpoint Attempt(ProviderEndpoint endpoint)
        {
            _attempts++;
            return endpoint;
        }

        private ProviderEndpoint? PeekNext()
        {
            for (int i = _position; i < _order.Count; i++)
            {
                if (Skip(_order[i]) is null)
                {
                    return _order[i];
                }
            }

            return null;
        }

        private ProviderFailureKind? Skip(ProviderEndpoint candidate)
        {
            if (_sensitive && candidate.Options.EffectivePrivacy != PrivacyClass.Private)
            {
                return ProviderFailureKind.SkippedNotPrivate;
            }

            if (_minimumContext >= 0 && (candidate.Options.ContextWindow ?? 0) <= _minimumContext)
            {
                return ProviderFailureKind.SkippedContextTooSmall;
            }

            if (_chain.Health(candidate).State == CircuitState.Open)
            {
                return ProviderFailureKind.SkippedCircuitOpen;
            }

            return null;
        }

        private TimeSpan? RetryDelay(ProviderEndpoint endpoint, TimeSpan? retryAfter)
        {
            int done = _retries.GetValueOrDefault(endpoint);
            if (done >= _chain.Options.MaxTransientRetries)
            {
                return null;
            }

            // Exponential backoff from 250 ms with full jitter in [50%, 100%]; Retry-After wins when it is longer.
            double backoff = 250 * Math.Pow(2, done) * (0.5 + (Random.Shared.NextDouble() / 2));
            TimeSpan delay = TimeSpan.FromMilliseconds(backoff);
            if (retryAfter is { } ra && ra > delay)
            {
                delay = ra;
            }

            if (delay > _chain.Options.MaxRetryDelay)
            {
                return null; // waiting that long would exceed the bound: leave it to the circuit breaker
            }

            _retries[endpoint] = done + 1;
            return delay;
        }

        private string Describe(ProviderFailureKind reason, ProviderEndpoint candidate) => reason switch
        {
            ProviderFailureKind.SkippedNotPrivate => "not tried: the request is sensitive and this provider's privacy class is public",
            ProviderFailureKind.SkippedContextTooSmall => $"not tried: its context window ({candidate.Options.ContextWindow?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}) is not larger than the one that overflowed",
            _ => $"not tried: circuit open until {_chain.Health(candidate).OpenUntil:O}",
        };
    }
}
