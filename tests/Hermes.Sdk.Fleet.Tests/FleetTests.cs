using Microsoft.Extensions.Time.Testing;
using System.Collections.Concurrent;
using System.Text;
using Hermes.Sdk.TestSupport;
using System.Text.Json;
using Hermes.Sdk.Identity.NKeys;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Hermes.Sdk.Fleet.Tests;

/// <summary>The fleet bus against a real nats-server: auth, dispatch, durable work through a crash, dead letters, deadman.</summary>
public sealed class FleetTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_fleets_keys_are_accepted_and_another_key_or_no_key_is_refused()
    {
        await using FleetFixture fx = await FleetFixture.StartAsync("boss");
        FleetBus boss = await fx.ConnectAsync("boss");
        Assert.Equal(NatsConnectionState.Open, boss.Connection.ConnectionState);

        using NKeyPair stranger = NKeyPair.Create(NKeyRole.User);
        NatsException refused = await Assert.ThrowsAnyAsync<NatsException>(() => FleetBus.ConnectAsync(fx.Options("stranger", o => { }), stranger));
        Assert.Contains("Authorization Violation", refused.AllMessages(), StringComparison.OrdinalIgnoreCase);

        await using var anonymous = new NatsConnection(new NatsOpts { Url = fx.Server.Url, MaxReconnectRetry = 0 });
        Assert.Contains("Authorization Violation", (await Assert.ThrowsAnyAsync<NatsException>(async () => await anonymous.ConnectAsync())).AllMessages(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("nats://10.20.30.40:4222", false, true)]
    [InlineData("nats://10.20.30.40:4222", true, false)]
    [InlineData("tls://forge.example:4222", false, false)]
    [InlineData("nats://localhost:4222", false, false)]
    [InlineData("nats://[::1]:4222", false, false)]
    public void Plaintext_to_another_machine_is_refused_unless_allowed(string url, bool allow, bool refused)
    {
        var options = new FleetOptions { Fleet = "timmy", Agent = "boss", Url = url, AllowPlaintextRemote = allow };

        ValidateOptionsResult result = new FleetOptionsValidator().Validate(null, options);

        Assert.Equal(refused, result.Failed);
        if (refused)
        {
            Assert.Contains("sends every task, result and handshake readable to anyone on the network path", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_thousand_live_tasks_over_four_workers_are_each_executed_exactly_once()
    {
        string[] workers = ["w1", "w2", "w3", "w4"];
        await using FleetFixture fx = await FleetFixture.StartAsync(["boss", .. workers]);
        FleetBus boss = await fx.ConnectAsync("boss");
        var executions = new ConcurrentDictionary<string, int>();
        var serving = new List<IAsyncDisposable>();
        foreach (string worker in workers)
        {
            FleetBus bus = await fx.ConnectAsync(worker);
            serving.Add(await bus.ServeAsync("fast", (task, _) =>
            {
                executions.AddOrUpdate(task.Id, 1, (_, n) => n + 1);
                return Task.FromResult<JsonElement?>(JsonSerializer.SerializeToElement(task.Payload.GetInt32() * 2));
            }));
        }

        TaskResult[] results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => boss.DispatchAsync(new FleetTask { Kind = "double", Tier = "fast", Payload = JsonSerializer.SerializeToElement(i) })));

        Assert.Equal(1000, executions.Count);
        Assert.All(executions.Values, n => Assert.Equal(1, n));
        Assert.All(results, r => Assert.True(r.Ok));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i * 2).Order(), results.Select(r => r.Output!.Value.GetInt32()).Order());
        Assert.Equal(workers, results.Select(r => r.Agent).Distinct().Order());
        foreach (IAsyncDisposable s in serving)
        {
            await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task Durable_work_survives_a_server_crash_every_task_done_none_twice()
    {
        string[] workers = ["w1", "w2", "w3", "w4"];
        await using FleetFixture fx = await FleetFixture.StartAsync(["boss", .. workers]);
        FleetBus boss = await fx.ConnectAsync("boss");
        const int Tasks = 300;
        var executions = new ConcurrentDictionary<string, int>();
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (int i = 0; i < Tasks; i++)
        {
            await boss.EnqueueAsync(new FleetTask { Kind = "work", Tier = "deep", IdempotencyKey = $"task-{i}", Payload = JsonSerializer.SerializeToElement(i) });
        }

        await using IAsyncDisposable working = await fx.WorkAllAsync(workers, "deep", async (task, ct) =>
        {
            await Task.Delay(5, ct);
            if (executions.AddOrUpdate(task.Key, 1, (_, n) => n + 1) == 1 && executions.Count == Tasks)
            {
                finished.TrySetResult();
            }

            return null;
        });

        // Crash the server mid-run, then start it again on the same store.
        while (executions.Count < Tasks / 4)
        {
            await Task.Delay(5);
        }

        await fx.Server.KillAsync();
        int atCrash = executions.Count;
        await Task.Delay(1000);
        await fx.Server.RestartAsync();

        await finished.Task.WaitAsync(Patience);
        await WaitUntilAllSettledAsync(boss); // redeliveries of tasks in flight at the crash come after AckWait: they must not run again

        Assert.InRange(atCrash, Tasks / 4, Tasks - 1);
        Assert.Equal(Tasks, executions.Count);
        Assert.All(executions, kv => Assert.True(kv.Value == 1, $"{kv.Key} ran {kv.Value} times"));
    }

    [Fact]
    public async Task A_task_running_longer_than_AckWait_keeps_its_claim_and_runs_once()
    {
        await using FleetFixture fx = await FleetFixture.StartAsync("boss", "w1", "w2");
        FleetBus boss = await fx.ConnectAsync("boss");
        int runs = 0;
        await using IAsyncDisposable working = await fx.WorkAllAsync(["w1", "w2"], "deep", async (_, ct) =>
        {
            Interlocked.Increment(ref runs);
            await Task.Delay(TimeSpan.FromSeconds(3.5), ct); // like a slow model: three and a half leases
            return null;
        }, o => o.AckWait = TimeSpan.FromSeconds(1));

        await boss.EnqueueAsync(new FleetTask { Kind = "think", Tier = "deep", IdempotencyKey = "slow-1" });
        await WaitUntilAllSettledAsync(boss);

        Assert.Equal(1, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task The_claim_of_a_worker_that_died_mid_task_is_taken_over_once_its_lease_lapses()
    {
        await using FleetFixture fx = await FleetFixture.StartAsync("boss", "w1", "w2");
        FleetBus boss = await fx.ConnectAsync("boss");
        FleetBus doomed = await fx.ConnectAsync("w1", o => o.AckWait = TimeSpan.FromSeconds(1));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<JsonElement?>(TaskCreationOptions.RunContinuationsAsynchronously);
        IAsyncDisposable dying = await doomed.WorkAsync("deep", (_, _) =>
        {
            started.TrySetResult();
            return never.Task; // hangs, ignoring cancellation, until the test ends
        });
        await boss.EnqueueAsync(new FleetTask { Kind = "deploy", Tier = "deep", IdempotencyKey = "deploy-7" });
        await started.Task.WaitAsync(Patience);
        await doomed.DisposeAsync(); // its connection is gone: no more renewals, no ack

        var survivor = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        FleetBus heir = await fx.ConnectAsync("w2", o => o.AckWait = TimeSpan.FromSeconds(1));
        await using IAsyncDisposable work = await heir.WorkAsync("deep", (task, _) =>
        {
            survivor.TrySetResult(task.Key);
            return Task.FromResult<JsonElement?>(null);
        });

        Assert.Equal("deploy-7", await survivor.Task.WaitAsync(Patience));
        await WaitUntilAllSettledAsync(boss);
        never.SetResult(null);
        await dying.DisposeAsync();
    }

    [Fact]
    public async Task A_poison_task_is_dead_lettered_after_the_configured_deliveries_and_others_go_on()
    {
        await using FleetFixture fx = await FleetFixture.StartAsync("boss", "w1");
        FleetBus boss = await fx.ConnectAsync("boss");
        FleetBus worker = await fx.ConnectAsync("w1", o => o.MaxDeliver = 3);
        int attempts = 0;
        var good = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using IAsyncDisposable work = await worker.WorkAsync("deep", (task, _) =>
        {
            if (task.Kind == "poison")
            {
                Interlocked.Increment(ref attempts);
                throw new InvalidOperationException("this task always fails");
            }

            good.TrySetResult();
            return Task.FromResult<JsonElement?>(null);
        });

        FleetTask poison = await boss.EnqueueAsync(new FleetTask { Kind = "poison", Tier = "deep" });
        await boss.EnqueueAsync(new FleetTask { Kind = "fine", Tier = "deep" });
        await good.Task.WaitAsync(Patience);
        DeadLetter letter = await WaitForAsync(async () => (await boss.ReadDeadLettersAsync()).FirstOrDefault(d => d.Reason == "poison"));

        Assert.Equal(3, Volatile.Read(ref attempts));
        Assert.Equal(3, letter.Deliveries);
        Assert.Equal("hermes.timmy.work.durable.deep", letter.Subject);
        Assert.Contains($"task {poison.Id} failed 3 times; last error: InvalidOperationException: this task always fails", letter.Error, StringComparison.Ordinal);
        Assert.Equal(poison.Id, FleetJson.ReadTask(Encoding.UTF8.GetBytes(letter.Original)).Id);
    }

    [Fact]
    public async Task Malformed_and_expired_messages_are_dead_lettered_and_the_consumer_keeps_going()
    {
        await using FleetFixture fx = await FleetFixture.StartAsync("boss", "w1");
        FleetBus boss = await fx.ConnectAsync("boss");
        FleetBus worker = await fx.ConnectAsync("w1");
        var ran = new ConcurrentBag<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await boss.EnsureStreamsAsync();
        await using IAsyncDisposable work = await worker.WorkAsync("deep", (task, _) =>
        {
            ran.Add(task.Kind);
            done.TrySetResult();
            return Task.FromResult<JsonElement?>(null);
        });
        await using IAsyncDisposable live = await worker.ServeAsync("fast", (_, _) => Task.FromResult<JsonElement?>(null));

        var js = new NatsJSContext((NatsConnection)boss.Connection);
        await js.PublishAsync("hermes.timmy.work.durable.deep", Encoding.UTF8.GetBytes("{ this is not json"));
        await js.PublishAsync("hermes.timmy.work.durable.deep", Encoding.UTF8.GetBytes("""{"schema":"hermes.task/2","kind":"x"}"""));
        await boss.EnqueueAsync(new FleetTask { Kind = "stale", Tier = "deep", ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) });
        NatsMsg<byte[]> reply = await boss.Connection.RequestAsync<byte[], byte[]>("hermes.timmy.work.live.fast", Encoding.UTF8.GetBytes("garbage"));
        await boss.EnqueueAsync(new FleetTask { Kind = "fine", Tier = "deep" });
        await done.Task.WaitAsync(Patience);
        IReadOnlyList<DeadLetter> letters = await WaitForAsync(async () => await boss.ReadDeadLettersAsync() is { Count: 4 } l ? l : null);

        Assert.Equal(["fine"], ran);
        Assert.False(FleetJson.ReadResult(reply.Data).Ok);
        Assert.Equal(["expired", "malformed", "malformed", "malformed"], letters.Select(l => l.Reason).Order());
        Assert.Contains(letters, l => l.Error == "schema 'hermes.task/2' is not hermes.task version 1.x");
        Assert.Contains(letters, l => l.Original == "{ this is not json" && l.Error.StartsWith("not a valid FleetTask", StringComparison.Ordinal));
        Assert.Contains(letters, l => l.Subject == "hermes.timmy.work.live.fast" && l.Original == "garbage");
    }

    [Fact]
    public async Task A_task_sent_twice_with_one_idempotency_key_runs_once_and_results_stream_back()
    {
        await using FleetFixture fx = await FleetFixture.StartAsync("boss", "w1");
        FleetBus boss = await fx.ConnectAsync("boss");
        FleetBus worker = await fx.ConnectAsync("w1");
        int runs = 0;
        using var stop = new CancellationTokenSource(Patience);
        IAsyncEnumerator<TaskResult> results = boss.ResultsAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        ValueTask<bool> first = results.MoveNextAsync();

        // Wait until the results subscription is live: a probe result sent from another connection comes back.
        var probe = new TaskResult { TaskId = "probe", Key = "probe", Agent = "test", Ok = true };
        while (!first.IsCompleted)
        {
            await worker.Connection.PublishAsync(boss.Subjects.Results("boss"), FleetJson.Write(probe));
            await Task.Delay(20);
        }

        Assert.True(await first);
        await using IAsyncDisposable work = await worker.WorkAsync("deep", (task, _) =>
        {
            Interlocked.Increment(ref runs);
            return Task.FromResult<JsonElement?>(JsonSerializer.SerializeToElement("done " + task.Key));
        });

        FleetTask sent = await boss.EnqueueAsync(new FleetTask { Kind = "deploy", Tier = "deep", IdempotencyKey = "deploy-42" });
        await boss.EnqueueAsync(new FleetTask { Kind = "deploy", Tier = "deep", IdempotencyKey = "deploy-42" }); // within the window: the server drops it
        TaskResult result;
        do
        {
            Assert.True(await results.MoveNextAsync());
            result = results.Current;
        }
        while (result.TaskId == "probe");

        // Past the duplicate window (another message id), the done bucket still refuses to run it again.
        var js = new NatsJSContext((NatsConnection)boss.Connection);
        await js.PublishAsync("hermes.timmy.work.durable.deep", FleetJson.Write(sent with { Id = "another-id" }), headers: new NatsHeaders { ["Nats-Msg-Id"] = "another-msg-id" });
        await Task.Delay(1500);

        Assert.Equal((sent.Id, "deploy-42", "w1", true, "done deploy-42"), (result.TaskId, result.Key, result.Agent, result.Ok, result.Output!.Value.GetString()));
        Assert.Equal(1, Volatile.Read(ref runs));
        await stop.CancelAsync();
        await results.DisposeAsync();
    }

    [Fact]
    public async Task The_deadman_view_reports_busy_unhealthy_and_an_agent_that_stops_beating_down_within_the_window()
    {
        // Heartbeats, receipt times and the deadman timer all run on one fake clock: the window is judged in fake
        // seconds, so a loaded machine cannot make the test late (the bus itself is a real nats-server).
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 23, 0, 0, TimeSpan.Zero));
        DateTimeOffset start = time.GetUtcNow();
        await using FleetFixture fx = await FleetFixture.StartAsync("boss", "w1", "w2");
        void Slow(FleetOptions o)
        {
            o.HeartbeatInterval = TimeSpan.FromSeconds(1);
            o.MissedHeartbeatsForDown = 3;
            o.ExpectedAgents.Add("w3");
        }

        FleetBus boss = await fx.ConnectAsync("boss", Slow, time);
        await using FleetRoster roster = await boss.WatchRosterAsync();
        var changes = new ConcurrentQueue<AgentView>();
        roster.Changed += changes.Enqueue;
        FleetBus w1 = await fx.ConnectAsync("w1", Slow, time);
        FleetBus w2 = await fx.ConnectAsync("w2", Slow, time);
        IAsyncDisposable beats1 = w1.StartHeartbeats(() => (AgentActivity.Busy, "task-7", null));
        await using IAsyncDisposable beats2 = w2.StartHeartbeats(() => (AgentActivity.Unhealthy, null, "no model answers"));

        await WaitForAsync(() => Task.FromResult(roster.Snapshot() is { Count: 3 } s && s[0].Health == AgentHealth.Busy && s[1].Health == AgentHealth.Unhealthy ? s : null));
        IReadOnlyList<AgentView> view = roster.Snapshot();
        Assert.Equal(("w1", AgentHealth.Busy, "task-7", start), (view[0].Agent, view[0].Health, view[0].CurrentTask, view[0].LastSeen));
        Assert.Equal(("w2", AgentHealth.Unhealthy, "no model answers"), (view[1].Agent, view[1].Health, view[1].Detail));
        Assert.Equal(("w3", AgentHealth.Down, "expected, never seen"), (view[2].Agent, view[2].Health, view[2].Detail));

        // w1 stops; w2 beats on. Step the clock a quarter interval at a time, letting w2's beat arrive at each whole second.
        await beats1.DisposeAsync();
        for (int quarter = 1; quarter <= 11; quarter++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            if (quarter % 4 == 0)
            {
                DateTimeOffset beat = time.GetUtcNow();
                await WaitForAsync(() => Task.FromResult(roster.Snapshot()[1].LastSeen >= beat ? roster : null));
            }

            Assert.Equal(AgentHealth.Busy, roster.Snapshot()[0].Health); // 2.75 s of silence is inside the window
        }

        Assert.DoesNotContain(changes, c => c.Agent == "w1" && c.Health == AgentHealth.Down);
        time.Advance(TimeSpan.FromMilliseconds(250)); // 3 intervals without a beat: down, reported by the deadman timer
        AgentView down = await WaitForAsync(() => Task.FromResult(changes.FirstOrDefault(c => c.Agent == "w1" && c.Health == AgentHealth.Down)));

        Assert.Equal("no heartbeat for 3 s (3 intervals of 1 s)", down.Detail);
        Assert.Equal(start, down.LastSeen);
        Assert.Equal(AgentHealth.Unhealthy, roster.Snapshot()[1].Health); // w2 kept beating
    }

    [Fact]
    public async Task Quick_questions_get_answers()
    {
        await using FleetFixture fx = await FleetFixture.StartAsync("boss", "w1");
        FleetBus boss = await fx.ConnectAsync("boss");
        FleetBus w1 = await fx.ConnectAsync("w1");
        await using IAsyncDisposable answering = await w1.AnswerAsync((q, _) => Task.FromResult(q == "status?" ? "idle, 3 skills loaded" : "?"));

        Assert.Equal("idle, 3 skills loaded", await boss.AskAsync("w1", "status?"));
    }

    /// <summary>
    /// Waits until the tier's consumer has nothing pending and nothing awaiting an ack: every task settled, none left to
    /// redeliver. (After a crash the 2.9 server may keep acked messages in a work-queue stream, so its message count
    /// is not the measure.)
    /// </summary>
    private static async Task WaitUntilAllSettledAsync(FleetBus bus, string tier = "deep")
    {
        var js = new NatsJSContext((NatsConnection)bus.Connection);
        using var patience = new CancellationTokenSource(Patience);
        while ((await js.GetConsumerAsync(bus.Subjects.WorkStream, $"workers-{tier}", patience.Token)).Info is { } info && (info.NumPending > 0 || info.NumAckPending > 0))
        {
            await Task.Delay(100, patience.Token);
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(25, timeout.Token);
        }
    }
}
