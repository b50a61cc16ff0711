using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Hermes.Sdk.Fleet.Tests;

/// <summary>Schedules on a real nats-server: cron in a time zone, each slot once across the fleet, desired and actual state.</summary>
public sealed class FleetScheduleTests
{
    [Fact]
    public async Task Each_slot_runs_once_across_two_runners_and_the_state_says_what_happened()
    {
        await using FleetFixture fx = await FleetFixture.StartAsync("timmy", "wolf-1", "wolf-2");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 11, 58, 30, TimeSpan.Zero));
        FleetBus timmy = await fx.ConnectAsync("timmy", time: time);
        FleetBus wolf1 = await fx.ConnectAsync("wolf-1", time: time);
        FleetBus worker = await fx.ConnectAsync("wolf-2");
        var runs = new ConcurrentQueue<string>();
        await using IAsyncDisposable work = await worker.WorkAsync("wolves", (task, _) =>
        {
            runs.Enqueue(task.Key);
            return Task.FromResult<JsonElement?>(null);
        });

        FleetScheduleStore store = await FleetScheduleStore.OpenAsync(timmy);
        // 13:00 in Paris is 12:00 UTC on 1 December (CET, UTC+1).
        await store.PutAsync(new FleetSchedule { Name = "burn-night", Cron = "0 13 * * *", TimeZone = "Europe/Paris", Kind = "burn", Tier = "wolves" });
        await store.PutAsync(new FleetSchedule { Name = "safety-rerun", Cron = "*/5 * * * *", Kind = "safety", Tier = "wolves", Enabled = false, PausedReason = "the judge model is being replaced" });
        var a = new FleetScheduler(timmy, store, time);
        var b = new FleetScheduler(wolf1, await FleetScheduleStore.OpenAsync(wolf1), time);

        Assert.Empty(await a.RunOnceAsync()); // the first look records the next slot; nothing past is run
        (ScheduleState? first, _) = await store.GetStateAsync("burn-night");
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero), first!.NextSlot);

        time.Advance(TimeSpan.FromMinutes(2)); // 12:00:30
        IReadOnlyList<(string, DateTimeOffset)>[] both = await Task.WhenAll(a.RunOnceAsync(), b.RunOnceAsync());
        await Eventually.TrueAsync(() => !runs.IsEmpty);
        await Task.Delay(500);

        Assert.Equal(["schedule:burn-night:2026-12-01T12:00:00.0000000Z"], runs); // once, though two runners saw it due
        Assert.Equal(1, both.Sum(r => r.Count));
        (ScheduleState? state, _) = await store.GetStateAsync("burn-night");
        Assert.Equal(("enqueued", new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero)), (state!.LastResult, state.NextSlot));

        // The command center's view: desired and actual side by side; paused with its reason; overdue when no runner ran it.
        FleetSchedule[] schedules = [.. await store.ListAsync()];
        ScheduleView paused = ScheduleView.Of(schedules.Single(s => s.Name == "safety-rerun"), (await store.GetStateAsync("safety-rerun")).State, time.GetUtcNow(), a.CheckInterval);
        Assert.Equal((false, "the judge model is being replaced", false), (paused.Enabled, paused.PausedReason, paused.Overdue));
        Assert.DoesNotContain(runs, k => k.StartsWith("schedule:safety-rerun", StringComparison.Ordinal));
        time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(10)); // 2 December 12:10: no runner looked
        ScheduleView late = ScheduleView.Of(schedules.Single(s => s.Name == "burn-night"), (await store.GetStateAsync("burn-night")).State, time.GetUtcNow(), a.CheckInterval);
        Assert.Equal((true, false), (late.Overdue, late.RunnerPresent));
        Assert.Single(await a.RunOnceAsync()); // a runner returns: the missed slot runs once, marked late
        Assert.StartsWith("enqueued late by", (await store.GetStateAsync("burn-night")).State!.LastResult, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_expression_time_zone_or_name_is_refused_with_the_field()
    {
        Assert.Equal("Cron", Assert.Throws<ArgumentException>(() => new FleetSchedule { Name = "x", Cron = "every night", Kind = "k" }.Validate()).ParamName);
        Assert.Equal("TimeZone", Assert.Throws<ArgumentException>(() => new FleetSchedule { Name = "x", Cron = "0 2 * * *", TimeZone = "Mars/Olympus", Kind = "k" }.Validate()).ParamName);
        Assert.Equal("Name", Assert.Throws<ArgumentException>(() => new FleetSchedule { Name = "Burn Night", Cron = "0 2 * * *", Kind = "k" }.Validate()).ParamName);
    }

}
