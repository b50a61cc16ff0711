using System.Globalization;
using System.Text;

namespace Hermes.Sdk.Models.Chain;

/// <summary>What a probe found out about one provider.</summary>
public enum ProviderProbeStatus
{
    /// <summary>It answered.</summary>
    Reachable,

    /// <summary>The key was refused (401/403).</summary>
    AuthFailed,

    /// <summary>The key's environment variable is not set.</summary>
    MissingKey,

    /// <summary>It is rate limiting (429).</summary>
    RateLimited,

    /// <summary>It does not serve the configured model.</summary>
    ModelNotFound,

    /// <summary>Unreachable, timing out or failing (5xx).</summary>
    Down,

    /// <summary>It answered, but not usably (garbage, empty or truncated).</summary>
    Misbehaving,

    /// <summary>It rejected or refused the probe itself.</summary>
    Rejected,
}

/// <summary>One provider's probe result.</summary>
/// <param name="Provider">The provider's display name.</param>
/// <param name="Model">The model id.</param>
/// <param name="Status">What the probe found.</param>
/// <param name="Latency">How long the probe took.</param>
/// <param name="Failure">The failure, unless reachable.</param>
public sealed record ProviderProbeResult(string Provider, string Model, ProviderProbeStatus Status, TimeSpan Latency, ProviderFailure? Failure)
{
    internal static ProviderProbeStatus StatusOf(ProviderFailureKind kind) => kind switch
    {
        ProviderFailureKind.AuthenticationFailed => ProviderProbeStatus.AuthFailed,
        ProviderFailureKind.MissingApiKey => ProviderProbeStatus.MissingKey,
        ProviderFailureKind.RateLimited => ProviderProbeStatus.RateLimited,
        ProviderFailureKind.ModelNotFound => ProviderProbeStatus.ModelNotFound,
        ProviderFailureKind.ServerError or ProviderFailureKind.Timeout or ProviderFailureKind.Unreachable => ProviderProbeStatus.Down,
        ProviderFailureKind.MalformedResponse or ProviderFailureKind.EmptyResponse or ProviderFailureKind.Truncated => ProviderProbeStatus.Misbehaving,
        _ => ProviderProbeStatus.Rejected,
    };
}

/// <summary>The result of <see cref="ModelChain.ProbeAsync"/>, in chain order.</summary>
public sealed class ModelChainProbeReport
{
    internal ModelChainProbeReport(IReadOnlyList<ProviderProbeResult> results) => Results = results;

    /// <summary>Each provider's result, primary first.</summary>
    public IReadOnlyList<ProviderProbeResult> Results { get; }

    /// <summary>How many providers answered.</summary>
    public int ReachableCount => Results.Count(r => r.Status == ProviderProbeStatus.Reachable);

    /// <summary>Whether at least one provider answered (the agent can hear).</summary>
    public bool CanAnswer => ReachableCount > 0;

    /// <summary>A table: one line per provider.</summary>
    /// <returns>The report.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        int width = Math.Max(8, Results.Max(r => r.Provider.Length));
        foreach (ProviderProbeResult r in Results)
        {
            text.Append(CultureInfo.InvariantCulture, $"{r.Provider.PadRight(width)}  {r.Status,-13} {r.Latency.TotalMilliseconds,7:0} ms");
            if (r.Failure is { } f)
            {
                text.Append("  ").Append(f.Detail);
            }

            text.AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"{ReachableCount} of {Results.Count} providers reachable.");
        return text.ToString();
    }
}

/// <summary>The result of <see cref="ModelChain.ProveFailoverAsync"/>.</summary>
/// <param name="Sabotage">What was done to the primary.</param>
/// <param name="PrimaryFailure">How the primary failed (null if it did not).</param>
/// <param name="AnsweredBy">Who answered the plain request.</param>
/// <param name="StreamedBy">Who answered the streaming request.</param>
/// <param name="Failures">Every failed attempt, in order.</param>
/// <param name="Error">The chain's error when it could not answer at all.</param>
/// <param name="Duration">How long the run took.</param>
public sealed record FailoverProof(
    string Sabotage,
    ProviderFailure? PrimaryFailure,
    string? AnsweredBy,
    string? StreamedBy,
    IReadOnlyList<ProviderFailure> Failures,
    string? Error,
    TimeSpan Duration)
{
    /// <summary>The primary failed, and a fallback answered both the plain and the streaming request.</summary>
    public bool Passed =>
        PrimaryFailure is { Kind: ProviderFailureKind.AuthenticationFailed or ProviderFailureKind.Unreachable }
        && AnsweredBy is not null && AnsweredBy != PrimaryFailure.Provider
        && StreamedBy is not null && StreamedBy != PrimaryFailure.Provider;

    /// <summary>One paragraph saying what happened.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() =>
        Passed
            ? $"PASS: {Sabotage}; it failed ({PrimaryFailure!.Kind}) and the chain fell to {AnsweredBy} (streaming: {StreamedBy}) in {Duration.TotalSeconds:0.0} s."
            : PrimaryFailure is null && Error is null
                ? $"FAIL: {Sabotage}, yet it answered — it does not check keys, so this proof cannot break it."
                : $"FAIL: {Sabotage}; {(Error ?? $"answered by {AnsweredBy ?? "nobody"}, streamed by {StreamedBy ?? "nobody"}")}.";
}
