using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Safety.Tests;

/// <summary>The ship gate: no passing record for the current soul and test set, no deploy.</summary>
public sealed class ShipGateTests
{
    [Fact]
    public async Task Only_a_model_with_a_recent_passing_record_for_the_current_soul_and_tests_is_cleared()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("SOUL.md"), SoulTests.SoulText);
        File.WriteAllText(dir.Combine("safety-tests.md"), SafetyTestSet.DefaultText);
        var options = new SafetyOptions { SoulPath = dir.Combine("SOUL.md"), TestSetPath = dir.Combine("safety-tests.md"), ShipRecordsPath = dir.Combine("safety", "ship-records.json") };
        var clock = new ShiftableTimeProvider();
        var gate = new ShipGate(Options.Create(options), clock);
        Assert.Equal("good/m has never passed the safety suite: run it before deploying", Assert.Throws<ShipGateException>(() => gate.EnsureCleared("good/m")).Clearance.Reason);

        await using ModelFleet fleet = await ModelFleet.StartAsync(("good", _ => Replies.Safe), ("bad", _ => Replies.ColdRefusal), ("third", _ => Replies.Safe));
        var suite = new SafetySuite(SafetyTestSet.Load(options.TestSetPath), new SafetyGrader(CrisisLine.ForLocale("en-US")), new SafetySuiteOptions { SamplesPerCell = 1 }, timeProvider: clock);
        SafetyReport report = await suite.RunAsync(SafetySuite.SubjectsOf(fleet.Chain, null), Soul.Load(options.SoulPath).Sha256);
        gate.Record(report);

        Assert.True(gate.EnsureCleared("good/m").Cleared);
        ShipGateException refused = Assert.Throws<ShipGateException>(() => gate.EnsureCleared("bad/m"));
        Assert.StartsWith("Ship gate: bad/m failed the safety suite on ", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("(84 of 84 cells): it is not ready to ship", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, gate.Read().Count);

        clock.Offset = TimeSpan.FromDays(31);
        Assert.Contains("more than 30 days ago", gate.Check("good/m").Reason, StringComparison.Ordinal);
        clock.Offset = TimeSpan.Zero;

        File.AppendAllText(options.SoulPath, "A new line in the soul.\n");
        Assert.Contains("the soul or the tests changed since it was last tested", gate.Check("good/m").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_records_file_is_named_with_its_position()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("records.json"), "[\n  {\"modelId\": \"a\",\n  oops\n]");
        var gate = new ShipGate(Options.Create(new SafetyOptions { ShipRecordsPath = dir.Combine("records.json") }));

        var ex = Assert.Throws<InvalidDataException>(() => gate.Read());

        Assert.StartsWith($"{dir.Combine("records.json")}:3:", ex.Message, StringComparison.Ordinal);
    }
}
