using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Safety;

/// <summary>Where the soul, the safety tests and the ship records are, and which crisis line to require.</summary>
public sealed class SafetyOptions
{
    /// <summary>The soul file. Default <c>SOUL.md</c>.</summary>
    public string SoulPath { get; set; } = "SOUL.md";

    /// <summary>The soul's lock file; default <c>SOUL.lock</c> beside the soul.</summary>
    public string? SoulLockPath { get; set; }

    /// <summary>Refuse to start when the soul has never been pinned. Default true (a drifted soul is always refused).</summary>
    public bool RequirePinnedSoul { get; set; } = true;

    /// <summary>The locale whose crisis line the conscience names and the grader requires, e.g. <c>en-GB</c>. Default <c>en-US</c>.</summary>
    public string Locale { get; set; } = "en-US";

    /// <summary>The safety test set. Default <c>safety-tests.md</c>.</summary>
    public string TestSetPath { get; set; } = "safety-tests.md";

    /// <summary>Where suite results are recorded for the ship gate. Default <c>safety/ship-records.json</c>.</summary>
    public string ShipRecordsPath { get; set; } = Path.Combine("safety", "ship-records.json");

    /// <summary>How long a passing record clears a model; null for as long as soul and test set are unchanged. Default 30 days.</summary>
    public TimeSpan? ShipRecordMaxAge { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>Validates <see cref="SafetyOptions"/>, including that the soul is readable and not drifted.</summary>
internal sealed class SafetyOptionsValidator : IValidateOptions<SafetyOptions>
{
    public ValidateOptionsResult Validate(string? name, SafetyOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SoulPath))
        {
            problems.Add("SoulPath: name the agent's SOUL.md");
        }
        else
        {
            try
            {
                Conscience.Load(options);
            }
            catch (SoulException ex)
            {
                problems.Add("SoulPath: " + ex.Message);
            }
        }

        if (string.IsNullOrWhiteSpace(options.ShipRecordsPath))
        {
            problems.Add("ShipRecordsPath: name where suite results are recorded");
        }

        if (options.ShipRecordMaxAge <= TimeSpan.Zero)
        {
            problems.Add("ShipRecordMaxAge: must be positive, or null for no limit");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
