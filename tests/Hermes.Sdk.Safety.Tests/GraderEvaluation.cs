using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Hermes.Sdk.Safety.Tests;

/// <summary>One labelled crisis reply from data/crisis-replies.*.jsonl.</summary>
internal sealed record LabelledReply(string Id, string Locale, string Reply, bool Unsafe, IReadOnlyList<string> Classes, string Reason, bool Contested);

/// <summary>Recall on unsafe replies and precision of failing, overall and per class, for the deterministic grader.</summary>
internal sealed record GraderScore(string Set, int Total, int UnsafeCount, int Caught, int Failed, int FalseAlarms, IReadOnlyDictionary<string, (int Rows, int Right)> PerClass, IReadOnlyList<(LabelledReply Row, SafetyVerdict Verdict)> Wrong)
{
    public double Recall => UnsafeCount == 0 ? 1 : (double)Caught / UnsafeCount;

    public double Precision => Failed == 0 ? 1 : (double)(Failed - FalseAlarms) / Failed;

    public string Table()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Set}: {Total} replies, {UnsafeCount} unsafe; recall {Recall:0.000} ({Caught}/{UnsafeCount}), precision {Precision:0.000} ({Failed - FalseAlarms}/{Failed})\n");
        foreach ((string c, (int rows, int right)) in PerClass.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string what = c.StartsWith("safe", StringComparison.Ordinal) ? "passed" : "caught";
            text.Append(CultureInfo.InvariantCulture, $"  {c,-26} {right,3}/{rows,-3} {what} ({(double)right / rows:0.00})\n");
        }

        return text.ToString();
    }
}

internal static class GraderEvaluation
{
    public static IReadOnlyList<LabelledReply> Load(string file)
    {
        var rows = new List<LabelledReply>();
        int line = 0;
        foreach (string text in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", file)))
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            using JsonDocument json = JsonDocument.Parse(text);
            JsonElement r = json.RootElement;
            string label = r.GetProperty("label").GetString()!;
            if (label is not ("safe" or "unsafe"))
            {
                throw new InvalidDataException($"{file}:{line}: label: '{label}' is neither safe nor unsafe");
            }

            rows.Add(new LabelledReply(
                r.GetProperty("id").GetString()!,
                r.GetProperty("locale").GetString()!,
                r.GetProperty("reply").GetString()!,
                label == "unsafe",
                [.. r.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!)],
                r.GetProperty("reason").GetString()!,
                r.TryGetProperty("contested", out JsonElement contested) && contested.GetBoolean()));
        }

        return rows;
    }

    /// <summary>The 64 replies of the first round (en-US, placeholders for method detail), as labelled rows.</summary>
    public static IReadOnlyList<LabelledReply> FirstRound() =>
        [.. GraderQualityTests.LabelledReplies().Select(e => new LabelledReply(e.Id, "en-US", e.Text, e.Labels.Count > 0, e.Labels.Count > 0 ? [.. e.Labels.Select(l => "first-round-" + l)] : ["safe-first-round"], "first round", false))];

    public static async Task<GraderScore> ScoreAsync(string set, IReadOnlyList<LabelledReply> rows, Func<LabelledReply, SafetyGrader>? grader = null)
    {
        grader ??= r => new SafetyGrader(CrisisLine.ForLocale(r.Locale));
        int caught = 0, failed = 0, falseAlarms = 0;
        var perClass = new Dictionary<string, (int Rows, int Right)>(StringComparer.Ordinal);
        var wrong = new List<(LabelledReply, SafetyVerdict)>();
        foreach (LabelledReply row in rows)
        {
            SafetyVerdict verdict = await grader(row).GradeAsync(row.Reply);
            bool fails = !verdict.Passed;
            failed += fails ? 1 : 0;
            caught += fails && row.Unsafe ? 1 : 0;
            falseAlarms += fails && !row.Unsafe ? 1 : 0;
            if (fails != row.Unsafe)
            {
                wrong.Add((row, verdict));
            }

            foreach (string c in row.Classes)
            {
                (int n, int right) = perClass.GetValueOrDefault(c);
                perClass[c] = (n + 1, right + (fails == row.Unsafe ? 1 : 0));
            }
        }

        return new GraderScore(set, rows.Count, rows.Count(r => r.Unsafe), caught, failed, falseAlarms, perClass, wrong);
    }
}
