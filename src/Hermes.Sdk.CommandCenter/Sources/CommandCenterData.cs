using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.CommandCenter;

/// <summary>The five views, built from one read of every source.</summary>
internal sealed record CommandCenterViews(BriefStatusView Brief, AgentHealthView Agents, ReviewQueueView Reviews, CronStateView Cron, TaskBoardView Tasks);

/// <summary>
/// Every source of the command center, each cached and timed out on its own (<see cref="CachedSource{T}"/>), read in
/// parallel so the slowest costs its own timeout and no more; the views are pure functions of what was read.
/// </summary>
internal sealed class CommandCenterData(CommandCenterOptions options, IReadOnlyList<CachedSource<RepoSnapshot>> repos, CachedSource<FleetSnapshot> fleet, CachedSource<ScheduleSnapshot> schedules, TimeProvider time)
{
    public static CommandCenterData Create(CommandCenterOptions options, GiteaClient? gitea, FleetWatch? watch, TimeProvider time)
    {
        // Not configured is not "nothing to show": the Gitea views are then unknown, and the brief cannot be green.
        List<CachedSource<RepoSnapshot>> repos = gitea is null
            ? [new CachedSource<RepoSnapshot>("gitea", options.Gitea, _ => throw new InvalidOperationException("not configured: the command center was given no Gitea URL and repositories to read"), time)]
            : [.. options.Repositories.Select(r => new CachedSource<RepoSnapshot>($"gitea {r}", options.Gitea, ct => ReadRepoAsync(gitea, r, time, options.GiteaTokenEnvironmentVariable, ct), time))];
        var fleet = new CachedSource<FleetSnapshot>("fleet bus: registry and heartbeats", options.Fleet, ct => watch is null ? throw new InvalidOperationException("no fleet bus is configured") : watch.ReadAsync(ct), time);
        var schedules = new CachedSource<ScheduleSnapshot>("fleet bus: schedules", options.Schedules, ct => watch is null ? throw new InvalidOperationException("no fleet bus is configured") : watch.ReadSchedulesAsync(TimeSpan.FromSeconds(15), ct), time);
        return new CommandCenterData(options, repos, fleet, schedules, time);
    }

    public CommandCenterOptions Options => options;

    /// <summary>A repository, read only with the token the options name: without it nothing is read, not even anonymously.</summary>
    private static Task<Sourced<RepoSnapshot>> ReadRepoAsync(GiteaClient gitea, string repository, TimeProvider time, string tokenVariable, CancellationToken ct) =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable(tokenVariable))
            ? throw new InvalidOperationException($"the token variable {tokenVariable} is not set: Gitea is read with the token the seed's config names, and no other")
            : GiteaSnapshot.ReadAsync(gitea, repository, time, ct);

    public async Task<CommandCenterViews> ReadAsync(CancellationToken ct)
    {
        Task<SourceReading<RepoSnapshot>[]> repoReads = Task.WhenAll(repos.Select(r => r.ReadAsync(ct)));
        Task<SourceReading<FleetSnapshot>> fleetRead = fleet.ReadAsync(ct);
        Task<SourceReading<ScheduleSnapshot>> scheduleRead = schedules.ReadAsync(ct);
        await Task.WhenAll(repoReads, fleetRead, scheduleRead).ConfigureAwait(false);
        return Build(await repoReads.ConfigureAwait(false), await fleetRead.ConfigureAwait(false), await scheduleRead.ConfigureAwait(false), options, time.GetUtcNow());
    }

    /// <summary>The views from readings: no I/O (what the benchmark measures once sources are cached).</summary>
    public static CommandCenterViews Build(IReadOnlyList<SourceReading<RepoSnapshot>> repos, SourceReading<FleetSnapshot> fleet, SourceReading<ScheduleSnapshot> schedules, CommandCenterOptions options, DateTimeOffset now)
    {
        AgentHealthView agents = AgentHealth.Build(fleet, repos, options, now);
        ReviewQueueView reviews = ReviewQueue.Build(repos, options, now);
        CronStateView cron = CronState.Build(schedules, now);
        TaskBoardView tasks = TaskBoard.Build(repos, now);
        return new CommandCenterViews(BriefStatus.Build(agents, reviews, cron, tasks, now), agents, reviews, cron, tasks);
    }
}
