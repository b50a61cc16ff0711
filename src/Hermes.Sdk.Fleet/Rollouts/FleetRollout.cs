using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hermes.Sdk.Fleet;

/// <summary>
/// The eighth commandment's rollout: change one agent first, verify, then the rest. The change is written to the
/// registry for the canary; it must report the new digests in its heartbeat within <see cref="RolloutPlan.ReportWithin"/>,
/// pass the plan's gate, complete <see cref="RolloutPlan.CanaryTasks"/> tasks and stay up for
/// <see cref="RolloutPlan.Soak"/>; then each wave gets it and must report it too. Any failure halts the rollout and
/// rolls back every agent that got the change (its registry entry restored). Every step is recorded with who started it.
/// </summary>
public sealed partial class FleetRollout
{
    private readonly FleetRegistry _registry;
    private readonly FleetRoster _roster;
    private readonly FleetBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the rollout runner (the operator's).</summary>
    /// <param name="registry">The registry, opened with the operator's bus.</param>
    /// <param name="roster">The deadman view (heartbeats, believed).</param>
    /// <param name="bus">The operator's bus (task completions are counted from it).</param>
    /// <param name="timeProvider">The clock of the deadlines and the soak.</param>
    /// <param name="logger">Logs each step.</param>
    public FleetRollout(FleetRegistry registry, FleetRoster roster, FleetBus bus, TimeProvider? timeProvider = null, ILogger<FleetRollout>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(bus);
        _registry = registry;
        _roster = roster;
        _bus = bus;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Runs the plan to the end or to its rollback.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="cancellationToken">Cancels the rollout (what was changed is rolled back).</param>
    /// <returns>The outcome and every step.</returns>
    public async Task<RolloutResult> RunAsync(RolloutPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var steps = new List<RolloutStep>();
        var changed = new List<RegistryEntry>(); // the entries as they were, for the rollback
        void Step(string agent, string what)
        {
            steps.Add(new RolloutStep(_time.GetUtcNow(), plan.StartedBy, agent, what));
            LogStep(plan.StartedBy, agent, what);
        }

        IReadOnlyList<RegistryEntry> all = await _registry.ListAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<IReadOnlyList<string>> waves = plan.Waves ?? [[.. all.Select(e => e.Agent).Where(a => a != plan.Canary)]];
        Step("fleet", $"started: {string.Join(", ", plan.DigestsOf(plan.Canary).Select(d => $"{d.Key} {Short(d.Value)}"))}{(plan.ConfigVersion is null ? string.Empty : $", config version {plan.ConfigVersion}")}; canary {plan.Canary}, then {waves.Count} wave(s)");
        string? failure = null;
        try
        {
            failure = await ApplyAsync(plan, [plan.Canary], changed, Step, cancellationToken).ConfigureAwait(false)
                ?? await CheckCanaryAsync(plan, Step, cancellationToken).ConfigureAwait(false);
            for (int w = 0; failure is null && w < waves.Count; w++)
            {
                Step("fleet", $"wave {w + 1}: {string.Join(", ", waves[w])}");
                failure = await ApplyAsync(plan, waves[w], changed, Step, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            failure = "cancelled";
        }

        if (failure is null)
        {
            Step("fleet", "completed");
            return new RolloutResult(RolloutOutcome.Completed, steps, null);
        }

        Step("fleet", $"halted: {failure}");
        foreach (RegistryEntry before in changed)
        {
            await _registry.PutAsync(before, CancellationToken.None).ConfigureAwait(false);
            Step(before.Agent, "rolled back");
        }

        return new RolloutResult(RolloutOutcome.RolledBack, steps, failure);
    }

    /// <summary>Writes the change for each agent, then waits for each to report it; null when they all did.</summary>
    private async Task<string?> ApplyAsync(RolloutPlan plan, IReadOnlyList<string> agents, List<RegistryEntry> changed, Action<string, string> step, CancellationToken ct)
    {
        foreach (string agent in agents)
        {
            RegistryEntry before = await _registry.GetAsync(agent, ct).ConfigureAwait(false) ?? throw new InvalidOperationException($"'{agent}' is not in the registry.");
            var digests = new Dictionary<string, string>(before.Digests, StringComparer.Ordinal);
            foreach ((string key, string value) in plan.DigestsOf(agent))
            {
                digests[key] = value;
            }

            changed.Add(before);
            await _registry.PutAsync(before with { Digests = digests, ConfigVersion = plan.ConfigVersion ?? before.ConfigVersion }, ct).ConfigureAwait(false);
            step(agent, "given the change");
        }

        foreach (string agent in agents)
        {
            if (!await ReportsAsync(agent, plan, ct).ConfigureAwait(false))
            {
                return $"{agent} did not report the new digests within {plan.ReportWithin}";
            }

            step(agent, "reports the new digests");
        }

        return null;
    }

    private async Task<string?> CheckCanaryAsync(RolloutPlan plan, Action<string, string> step, CancellationToken ct)
    {
        if (plan.Gate is { } gate)
        {
            if (!await gate(plan.Canary, ct).ConfigureAwait(false))
            {
                return $"{plan.Canary} did not pass the gate";
            }

            step(plan.Canary, "passed the gate");
        }

        if (plan.CanaryTasks > 0)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(plan.ReportWithin + plan.Soak + TimeSpan.FromMinutes(10));
            int done = 0;
            try
            {
                await foreach (TaskResult result in _bus.CompletionsAsync(deadline.Token).ConfigureAwait(false))
                {
                    if (result.Agent != plan.Canary)
                    {
                        continue;
                    }

                    if (!result.Ok)
                    {
                        return $"{plan.Canary} failed task {result.TaskId}: {result.Error}";
                    }

                    if (++done >= plan.CanaryTasks)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return $"{plan.Canary} completed {done} of {plan.CanaryTasks} tasks in time";
            }

            step(plan.Canary, $"completed {done} task(s)");
        }

        if (plan.Soak > TimeSpan.Zero)
        {
            DateTimeOffset until = _time.GetUtcNow() + plan.Soak;
            while (_time.GetUtcNow() < until)
            {
                AgentView? view = _roster.Snapshot().FirstOrDefault(v => v.Agent == plan.Canary);
                if (view is not { Health: AgentHealth.Idle or AgentHealth.Busy })
                {
                    return $"{plan.Canary} was not healthy during the soak ({view?.Health.ToString().ToLowerInvariant() ?? "never seen"}{(view?.Detail is { } detail ? $": {detail}" : string.Empty)})";
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, ct).ConfigureAwait(false);
            }

            step(plan.Canary, $"soaked {plan.Soak}");
        }

        return null;
    }

    /// <summary>Whether the agent's heartbeats carry the plan's digests, and it is up, within the deadline.</summary>
    private async Task<bool> ReportsAsync(string agent, RolloutPlan plan, CancellationToken ct)
    {
        var reported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnBeat(Heartbeat beat)
        {
            if (beat.Agent == agent && beat.Activity != AgentActivity.Unhealthy && plan.DigestsOf(agent).All(d => beat.Digests?.GetValueOrDefault(d.Key) == d.Value))
            {
                reported.TrySetResult();
            }
        }

        _roster.HeartbeatReceived += OnBeat;
        try
        {
            await reported.Task.WaitAsync(plan.ReportWithin, _time, ct).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            _roster.HeartbeatReceived -= OnBeat;
        }
    }

    private static string Short(string digest) => digest.Length > 12 ? digest[..12] : digest;

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Rollout by {By}: {Agent} {What}")]
    private partial void LogStep(string by, string agent, string what);
}
