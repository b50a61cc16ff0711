using System.Globalization;
using System.Text;

namespace Hermes.Sdk.Agents;

/// <summary>What became of one issue on a burn night.</summary>
public enum BurnOutcome
{
    /// <summary>A rubric triage comment was posted.</summary>
    Triaged,

    /// <summary>A wolf's triage is the issue's latest activity: nothing new to say.</summary>
    Skipped,

    /// <summary>No triage that passes the rubric in two tries, or the model or forge failed; nothing was posted.</summary>
    Failed,
}

/// <summary>One issue's line in the burn report.</summary>
/// <param name="Number">The issue's number.</param>
/// <param name="Title">Its title.</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="Link">The issue's address, and the comment's when one was posted.</param>
/// <param name="Reason">Why it was skipped or failed.</param>
public sealed record BurnEntry(long Number, string Title, BurnOutcome Outcome, string? Link, string? Reason);

/// <summary>A burn night's report: counts and a line per issue.</summary>
/// <param name="Entries">Every issue looked at, in the order they were.</param>
public sealed record BurnReport(IReadOnlyList<BurnEntry> Entries)
{
    /// <summary>Issues triaged.</summary>
    public int Triaged => Entries.Count(e => e.Outcome == BurnOutcome.Triaged);

    /// <summary>Issues skipped.</summary>
    public int Skipped => Entries.Count(e => e.Outcome == BurnOutcome.Skipped);

    /// <summary>Issues failed.</summary>
    public int Failed => Entries.Count(e => e.Outcome == BurnOutcome.Failed);

    /// <summary>The report as markdown: the counts, then a line per issue with its link.</summary>
    /// <returns>The markdown.</returns>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Burn report: {Triaged} triaged, {Skipped} skipped, {Failed} failed.").AppendLine();
        foreach (BurnEntry entry in Entries)
        {
            string title = entry.Link is null ? $"#{entry.Number} {entry.Title}" : $"[#{entry.Number} {entry.Title}]({entry.Link})";
            text.Append(CultureInfo.InvariantCulture, $"- {title}: {entry.Outcome.ToString().ToLowerInvariant()}{(entry.Reason is null ? string.Empty : " — " + entry.Reason)}").AppendLine();
        }

        return text.ToString().TrimEnd();
    }
}
