using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Models.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Failovers_are_traced_and_counted_without_prompt_text()
    {
        await using ChainFixture fx = await ChainFixture.StartAsync(ModelFault.Unauthorized, ModelFault.None, ModelFault.None);
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ModelsDiagnostics.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (activities)
                {
                    activities.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var failovers = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ModelsDiagnostics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "hermes.models.failovers")
            {
                lock (failovers)
                {
                    failovers.Add((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
                }
            }
        });
        meters.Start();

        using var testSource = new ActivitySource("Hermes.Sdk.Models.Tests");
        using var testListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == testSource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(testListener);
        ActivityTraceId trace;
        using (Activity parent = testSource.StartActivity("test")!)
        {
            trace = parent.TraceId;
            await fx.AskAsync();
        }

        // Other tests in this assembly run in parallel and their activities and measurements keep arriving: assert on snapshots.
        Activity[] stopped;
        lock (activities)
        {
            stopped = [.. activities];
        }

        (long Value, Dictionary<string, object?> Tags)[] counted;
        lock (failovers)
        {
            counted = [.. failovers];
        }

        Activity chat = Assert.Single(stopped, a => a.TraceId == trace);
        Assert.Equal("hermes.models.chat", chat.OperationName);
        Assert.Equal("second", chat.GetTagItem("hermes.provider"));
        ActivityEvent failover = Assert.Single(chat.Events);
        Assert.Equal("failover", failover.Name);
        Assert.Contains(failover.Tags, t => t.Key == "hermes.failure" && (string?)t.Value == "AuthenticationFailed");
        Assert.Contains(failover.Tags, t => t.Key == "hermes.next" && (string?)t.Value == "second");
        Assert.Contains(counted, f => f.Tags["hermes.from"] as string == "primary" && f.Tags["hermes.to"] as string == "second");
        string everything = string.Join(' ', chat.TagObjects.Select(t => t.Value?.ToString()));
        Assert.DoesNotContain("PROMPT-MARKER", everything, StringComparison.Ordinal);
    }
}
