using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.TaskQueue;

/// <summary>How sure a wolf is of its triage.</summary>
public enum TriageConfidence
{
    /// <summary>A guess worth checking.</summary>
    Low,

    /// <summary>Likely, with some evidence.</summary>
    Medium,

    /// <summary>Verified.</summary>
    High,
}

/// <summary>
/// A burn-night triage comment: the rubric asks every wolf for <b>evidence</b> someone can check (an issue or PR
/// reference, a link, a commit, a file path, a quoted log line or code span), a <b>recommended next action</b>, and a
/// <b>confidence</b> level. <see cref="TriageComments.PostTriageCommentAsync(GiteaClient, string, string, long, string, CancellationToken)"/>
/// refuses a comment without them.
/// </summary>
/// <param name="Evidence">What was observed, each item citing something checkable.</param>
/// <param name="RecommendedAction">What should happen next.</param>
/// <param name="Confidence">How sure the wolf is.</param>
/// <param name="Summary">An optional first paragraph.</param>
public sealed partial record TriageComment(IReadOnlyList<string> Evidence, string RecommendedAction, TriageConfidence Confidence, string? Summary = null)
{
    /// <summary>The comment as markdown, in the shape <see cref="Check"/> reads.</summary>
    /// <returns>The markdown.</returns>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(Summary))
        {
            text.Append(Summary.Trim()).Append("\n\n");
        }

        text.Append("**Evidence:**\n");
        foreach (string item in Evidence)
        {
            text.Append("- ").Append(item.Trim()).Append('\n');
        }

        text.Append("\n**Recommended next action:** ").Append(RecommendedAction.Trim()).Append('\n');
        text.Append("\n**Confidence:** ").Append(Confidence.ToString().ToLowerInvariant()).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// Checks a comment's markdown against the rubric. It looks for three parts, each a line or heading starting with
    /// its name — <c>Evidence</c>, <c>Recommended next action</c> (or <c>Recommended action</c>, <c>Next action</c>,
    /// <c>Recommendation</c>) and <c>Confidence</c> — followed by its text on the same line or the lines below.
    /// </summary>
    /// <param name="markdown">The comment.</param>
    /// <returns>What is missing or unusable; empty when the comment passes.</returns>
    public static IReadOnlyList<string> Check(string? markdown)
    {
        Dictionary<string, string> parts = Split(markdown ?? string.Empty);
        var problems = new List<string>();
        string evidence = parts.GetValueOrDefault(EvidencePart, string.Empty);
        if (evidence.Length == 0)
        {
            problems.Add("evidence (an 'Evidence:' section saying what was observed)");
        }
        else if (!Checkable().IsMatch(evidence))
        {
            problems.Add("evidence that can be checked (cite an issue or PR like #12, a link, a commit, a file path, a `code span` or a > quoted log line)");
        }

        string action = parts.GetValueOrDefault(ActionPart, string.Empty);
        if (action.Length == 0 || Placeholder().IsMatch(action))
        {
            problems.Add("a recommended next action (a 'Recommended next action:' line saying what should happen)");
        }

        string confidence = parts.GetValueOrDefault(ConfidencePart, string.Empty);
        if (confidence.Length == 0)
        {
            problems.Add("a confidence level (a 'Confidence:' line: high, medium, low or a percentage)");
        }
        else if (ParseConfidence(confidence) is null)
        {
            problems.Add($"a confidence level ('{Clip(confidence)}' is not one: use high, medium, low or a percentage)");
        }

        return problems;
    }

    /// <summary>Reads a confidence level: high, medium, low, or a percentage (≥ 80 % high, ≥ 50 % medium).</summary>
    /// <param name="text">The text after <c>Confidence:</c>.</param>
    /// <returns>The level, or null when the text is not one.</returns>
    public static TriageConfidence? ParseConfidence(string text)
    {
        Match match = ConfidenceLevel().Match(text);
        if (!match.Success)
        {
            return null;
        }

        if (match.Groups["word"].Success)
        {
            return Enum.Parse<TriageConfidence>(match.Groups["word"].Value, ignoreCase: true);
        }

        double value = double.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture);
        double percent = match.Groups["percent"].Success || value > 1 ? value : value * 100;
        return percent switch
        {
            > 100 => null,
            >= 80 => TriageConfidence.High,
            >= 50 => TriageConfidence.Medium,
            _ => TriageConfidence.Low,
        };
    }

    private const string EvidencePart = "evidence";
    private const string ActionPart = "action";
    private const string ConfidencePart = "confidence";

    private static Dictionary<string, string> Split(string markdown)
    {
        var parts = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        StringBuilder? current = null;
        foreach (string line in markdown.ReplaceLineEndings("\n").Split('\n'))
        {
            Match heading = PartHeading().Match(line);
            if (heading.Success)
            {
                string key = heading.Groups["name"].Value.ToLowerInvariant() switch
                {
                    "evidence" => EvidencePart,
                    "confidence" => ConfidencePart,
                    _ => ActionPart,
                };
                current = parts.TryGetValue(key, out StringBuilder? existing) ? existing : parts[key] = new StringBuilder();
                current.Append(heading.Groups["rest"].Value).Append('\n');
            }
            else if (line.TrimStart().StartsWith('#'))
            {
                current = null; // another heading ends the part
            }
            else
            {
                current?.Append(line).Append('\n');
            }
        }

        return parts.ToDictionary(p => p.Key, p => p.Value.ToString().Trim(), StringComparer.Ordinal);
    }

    private static string Clip(string text) => text.Length <= 40 ? text.ReplaceLineEndings(" ") : text[..40].ReplaceLineEndings(" ") + "…";

    // "Evidence:", "**Evidence:**", "## Evidence", "- **Confidence**: high", …
    [GeneratedRegex(@"^\s*(?:#{1,6}\s*|[-*]\s+)?(?:\*\*|__)?(?<name>evidence|recommended next action|recommended action|next action|recommendation|confidence)(?:\*\*|__)?\s*(?::(?:\*\*|__)?|(?=\s*$))(?<rest>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex PartHeading();

    // #12, owner/repo#12, a URL, a commit SHA, a file path (with an extension), a `code span`, a > quoted line.
    [GeneratedRegex(@"(?:(?<![\w&])#\d+\b)|(?:https?://\S+)|(?:\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b)|(?:[\w.-]+/[\w./-]*\.\w{1,8}\b)|(?:\b[\w-]+\.(?:cs|go|py|js|ts|rs|md|json|ya?ml|toml|log|txt|sh|csproj)\b)|(?:`[^`\n]+`)|(?:^\s*>\s*\S)", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex Checkable();

    [GeneratedRegex(@"^\s*(?:-|tbd|todo|n/?a|none|\?+|\.\.\.|…)\s*\.?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^\s*(?:\*\*)?\s*(?:(?<word>high|medium|low)\b|(?<number>\d{1,3}(?:\.\d+)?)\s*(?<percent>%)?)", RegexOptions.IgnoreCase)]
    private static partial Regex ConfidenceLevel();
}

/// <summary>A triage comment that does not meet the burn-night rubric; nothing was posted.</summary>
public sealed class TriageRubricException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="missing">What the comment lacks.</param>
    public TriageRubricException(IReadOnlyList<string> missing)
        : base("The triage comment was not posted: it is missing " + string.Join("; ", missing) + ".", "body")
    {
        Missing = missing;
    }

    /// <summary>Each missing or unusable part.</summary>
    public IReadOnlyList<string> Missing { get; }
}
