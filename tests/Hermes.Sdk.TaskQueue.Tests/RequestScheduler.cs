using Hermes.Sdk.Gitea.Testing;

namespace Hermes.Sdk.TaskQueue.Tests;

/// <summary>
/// Holds the forge's requests (through <see cref="GiteaTestServerOptions.BeforeCommitAsync"/>) so that a test decides
/// the exact order in which several agents' requests are applied. Each agent has at most one request in flight; the
/// test releases one at a time and waits until that agent has sent its next request or finished.
/// </summary>
internal sealed class RequestScheduler
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TaskCompletionSource> _held = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SemaphoreSlim> _progress = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _finished = new(StringComparer.OrdinalIgnoreCase);
    private volatile bool _active;

    /// <summary>Whether reads are scheduled too (otherwise only writes are held).</summary>
    public bool IncludeReads { get; set; }

    /// <summary>Writes the forge applies after an id was taken at arrival: what a released write did.</summary>
    public List<(string Agent, string Method, string Path)> Applied { get; } = [];

    /// <summary>The hook for the forge.</summary>
    public Task HoldAsync(GiteaTestRequest request, CancellationToken cancellationToken)
    {
        if (!_active || request.Caller is not { } agent || (!IncludeReads && request.Method == "GET"))
        {
            return Task.CompletedTask;
        }

        TaskCompletionSource release;
        lock (_gate)
        {
            if (!_progress.TryGetValue(agent, out SemaphoreSlim? progress))
            {
                return Task.CompletedTask; // not one of the scheduled agents
            }

            release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _held[agent] = release;
            Applied.Add((agent, request.Method, request.ReadBack ? request.Path + " (read back)" : request.Path));
            progress.Release();
        }

        return release.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Starts scheduling these agents' requests (a fresh run).</summary>
    public void Begin(IEnumerable<string> agents)
    {
        lock (_gate)
        {
            _held.Clear();
            _finished.Clear();
            _progress.Clear();
            Applied.Clear();
            foreach (string agent in agents)
            {
                _progress[agent] = new SemaphoreSlim(0);
            }
        }

        _active = true;
    }

    /// <summary>Stops scheduling: later requests pass at once.</summary>
    public void End() => _active = false;

    /// <summary>Runs an agent's work, marking it finished when done.</summary>
    public async Task<T> RunAsync<T>(string agent, Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        finally
        {
            lock (_gate)
            {
                _finished.Add(agent);
                _progress[agent].Release();
            }
        }
    }

    /// <summary>Waits until the agent has a request held or has finished.</summary>
    public Task SettledAsync(string agent) => _progress[agent].WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t =>
    {
        if (!t.Result)
        {
            throw new TimeoutException($"{agent} neither sent a request nor finished.");
        }
    }, TaskScheduler.Default);

    /// <summary>The agents with a request waiting, in the given order.</summary>
    public List<string> Waiting(IEnumerable<string> order)
    {
        lock (_gate)
        {
            return [.. order.Where(a => _held.ContainsKey(a) && !_finished.Contains(a))];
        }
    }

    /// <summary>Lets the agent's waiting request through, then waits until it has sent its next one or finished.</summary>
    public async Task ReleaseAsync(string agent)
    {
        TaskCompletionSource release;
        lock (_gate)
        {
            release = _held[agent];
            _held.Remove(agent);
        }

        release.SetResult();
        await SettledAsync(agent);
    }
}
