using System.Globalization;
using System.Text;
using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.Agents;

/// <summary>
/// Reads commit statuses the way a careful reviewer does: each check's latest state counts; <c>failure</c> and
/// <c>error</c> fail, <c>pending</c> is not finished; <c>success</c>, <c>warning</c> and <c>skipped</c> pass. Every check
/// is treated as required.
/// </summary>
public static class StatusChecks
{
    /// <summary>The checks that stand in the way of an approval or a merge, as "context: state" (empty when none do).</summary>
    /// <param name="combined">The combined status.</param>
    /// <returns>The blocking checks.</returns>
    public static IReadOnlyList<string> Blocking(GiteaCombinedStatus combined)
    {
        ArgumentNullException.ThrowIfNull(combined);
        return [.. combined.Statuses.Where(s => s.Status is "failure" or "error" or "pending").Select(s => $"{s.Context} is {s.Status}")];
    }

    /// <summary>One line per check and the overall state, for the model and for comments.</summary>
    /// <param name="combined">The combined status.</param>
    /// <returns>The description.</returns>
    public static string Describe(GiteaCombinedStatus combined)
    {
        ArgumentNullException.ThrowIfNull(combined);
        if (combined.Statuses.Count == 0)
        {
            return $"No status checks reported at {combined.Sha}.";
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{combined.Statuses.Count} check(s) at {combined.Sha}; combined: {combined.State}").AppendLine();
        foreach (GiteaCommitStatus status in combined.Statuses)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {status.Context}: {status.Status}{(string.IsNullOrWhiteSpace(status.Description) ? string.Empty : $" ({status.Description})")}").AppendLine();
        }

        return text.ToString().TrimEnd();
    }
}
