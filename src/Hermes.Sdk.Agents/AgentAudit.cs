using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hermes.Sdk.Agents;

/// <summary>
/// Every tool call of one task, in order, with its arguments summarised and its outcome — what the agent's comment on
/// the issue or pull request reports.
/// </summary>
public sealed class AgentAudit
{
    private const int ValueLimit = 80;
    private const int DetailLimit = 160;
    private const int ModelLimit = 4000;
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ConcurrentQueue<ToolCallRecord> _calls = new();

    /// <summary>The calls, in the order they were made.</summary>
    public IReadOnlyList<ToolCallRecord> Calls => [.. _calls];

    /// <summary>How many calls were refused.</summary>
    public int Refused => _calls.Count(c => c.Outcome == ToolCallOutcome.Refused);

    /// <summary>A markdown summary for a comment: one line per call.</summary>
    /// <returns>The summary, or a line saying no tool was used.</returns>
    public string ToMarkdown()
    {
        ToolCallRecord[] calls = [.. _calls];
        if (calls.Length == 0)
        {
            return "Tools used: none.";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Tools used ({calls.Length} call{(calls.Length == 1 ? string.Empty : "s")}, {calls.Count(c => c.Outcome == ToolCallOutcome.Refused)} refused):").AppendLine();
        foreach (ToolCallRecord call in calls)
        {
            string outcome = call.Outcome switch
            {
                ToolCallOutcome.Succeeded => "ok",
                ToolCallOutcome.Failed => "failed: " + call.Detail,
                _ => "refused: " + call.Detail,
            };
            string code = $"{call.Tool}({call.Arguments})";
            string span = code.Contains('`', StringComparison.Ordinal) ? $"`` {code} ``" : $"`{code}`"; // a code span that holds backticks
            text.Append(CultureInfo.InvariantCulture, $"- {span} — {outcome}").AppendLine();
        }

        return text.ToString().TrimEnd();
    }

    internal void Add(ToolCallRecord record) => _calls.Enqueue(record);

    /// <summary>Arguments as compact JSON with every long value cut, so that a summary stays a line.</summary>
    internal static string Summarize(IEnumerable<KeyValuePair<string, object?>>? arguments)
    {
        if (arguments is null)
        {
            return string.Empty;
        }

        return string.Join(", ", arguments.Select(a => $"{a.Key}: {Cut(a.Value switch
        {
            null => "null",
            string s => JsonSerializer.Serialize(s, Readable),
            JsonElement { ValueKind: JsonValueKind.String } e => JsonSerializer.Serialize(e.GetString(), Readable),
            JsonElement e => e.GetRawText(),
            _ => Convert.ToString(a.Value, CultureInfo.InvariantCulture) ?? string.Empty,
        }, ValueLimit)}"));
    }

    /// <summary>An error as the model is told it: whole (it says what to do instead), unless it is far past a paragraph.</summary>
    internal static string ForModel(string message) => Cut(message, ModelLimit);

    /// <summary>A result or error cut to one short line.</summary>
    internal static string SummarizeDetail(string? detail) => Cut((detail ?? string.Empty).ReplaceLineEndings(" "), DetailLimit);

    private static string Cut(string value, int limit) => value.Length <= limit ? value : string.Concat(value.AsSpan(0, limit - 1), "…");
}
