using Hermes.Sdk.Safety;

namespace Hermes.Sdk.Seed;

/// <summary>
/// The ship gate of a seed folder — its <c>SOUL.md</c>, <c>safety-tests.md</c> and <c>safety/ship-records.json</c> —
/// and what it says of a chain: one place for <c>run</c>, <c>doctor</c>, a registry change the seed is asked to switch
/// to, and the canary gate of <c>fleet rollout</c>.
/// </summary>
internal static class SeedShipGate
{
    /// <summary>The gate over the seed in <paramref name="directory"/>.</summary>
    public static ShipGate For(string directory) => new(Microsoft.Extensions.Options.Options.Create(new SafetyOptions
    {
        SoulPath = Path.Combine(directory, "SOUL.md"),
        TestSetPath = Path.Combine(directory, "safety-tests.md"),
        ShipRecordsPath = ShipRecordsPath(directory),
    }));

    /// <summary>Where the seed in <paramref name="directory"/> keeps its ship records.</summary>
    public static string ShipRecordsPath(string directory) => Path.Combine(directory, "safety", "ship-records.json");

    /// <summary>The models of <paramref name="config"/>'s chain the gate of <paramref name="directory"/> does not clear, in chain order.</summary>
    public static IReadOnlyList<ShipClearance> Refused(string directory, SeedConfig config)
    {
        ShipGate gate = For(directory);
        return [.. config.Chain.Providers.Select(p => gate.Check(SafetySuite.ModelIdOf(p))).Where(c => !c.Cleared)];
    }
}
