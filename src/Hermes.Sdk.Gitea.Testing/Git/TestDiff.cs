using System.Globalization;
using System.Text;

namespace Hermes.Sdk.Gitea.Testing.Git;

/// <summary>
/// Line diffs in <c>git diff</c>'s unified format (three lines of context, hunks merged when their context meets,
/// <c>\ No newline at end of file</c>), as Gitea serves them for <c>/pulls/{index}.diff</c>, with the line counts its
/// <c>/pulls/{index}/files</c> reports.
/// </summary>
internal static class TestDiff
{
    private const int Context = 3;

    /// <summary>One line of an edit script: <c>' '</c> kept, <c>'-'</c> removed, <c>'+'</c> added, with its line numbers (1-based; 0 where it has none).</summary>
    internal readonly record struct Line(char Kind, string Text, int Old, int New);

    /// <summary>The whole diff of the changes, file by file in path order.</summary>
    public static string Unified(IEnumerable<KeyValuePair<string, (string? Old, string? New)>> changes)
    {
        var text = new StringBuilder();
        foreach ((string path, (string? old, string? now)) in changes)
        {
            text.Append(CultureInfo.InvariantCulture, $"diff --git a/{path} b/{path}\n");
            string oldId = old is null ? "0000000" : GitObjects.BlobSha(old)[..7];
            string newId = now is null ? "0000000" : GitObjects.BlobSha(now)[..7];
            if (old is null)
            {
                text.Append("new file mode 100644\n").Append(CultureInfo.InvariantCulture, $"index {oldId}..{newId}\n");
            }
            else if (now is null)
            {
                text.Append("deleted file mode 100644\n").Append(CultureInfo.InvariantCulture, $"index {oldId}..{newId}\n");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"index {oldId}..{newId} 100644\n");
            }

            text.Append(old is null ? "--- /dev/null\n" : $"--- a/{path}\n").Append(now is null ? "+++ /dev/null\n" : $"+++ b/{path}\n");
            foreach (List<Line> hunk in Hunks(old, now))
            {
                AppendHunk(text, hunk, old, now);
            }
        }

        return text.ToString();
    }

    /// <summary>Lines added and removed.</summary>
    public static (int Additions, int Deletions) Count(string? old, string? now)
    {
        List<Line> script = Script(old, now);
        return (script.Count(l => l.Kind == '+'), script.Count(l => l.Kind == '-'));
    }

    /// <summary>
    /// The hunk a review comment on <paramref name="line"/> (of the new file, or of the old when <paramref name="onOld"/>)
    /// sits in, cut after that line as Gitea's <c>CutDiffAroundLine</c> does; null when the line is in no hunk.
    /// </summary>
    public static string? HunkAround(string? old, string? now, int line, bool onOld)
    {
        foreach (List<Line> hunk in Hunks(old, now))
        {
            int at = hunk.FindIndex(l => (onOld ? l.Old : l.New) == line && l.Kind != (onOld ? '+' : '-'));
            if (at >= 0)
            {
                var text = new StringBuilder();
                AppendHunk(text, hunk[..(at + 1)], old, now);
                return text.ToString().TrimEnd('\n');
            }
        }

        return null;
    }

    /// <summary>The text's lines, without their line ends (a last line without one is still a line).</summary>
    public static string[] SplitLines(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        string[] lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    private static IEnumerable<List<Line>> Hunks(string? old, string? now)
    {
        List<Line> script = Script(old, now);
        int i = 0;
        while (true)
        {
            int first = script.FindIndex(i, l => l.Kind != ' ');
            if (first < 0)
            {
                yield break;
            }

            // A hunk runs from its first change to its last, swallowing unchanged gaps short enough that their context meets.
            int last = first;
            while (true)
            {
                while (last + 1 < script.Count && script[last + 1].Kind != ' ')
                {
                    last++;
                }

                int next = last + 1 < script.Count ? script.FindIndex(last + 1, l => l.Kind != ' ') : -1;
                if (next < 0 || next - last - 1 > 2 * Context)
                {
                    break;
                }

                last = next;
            }

            int start = Math.Max(i, first - Context);
            int end = Math.Min(script.Count - 1, last + Context);
            yield return script.GetRange(start, end - start + 1);
            i = end + 1;
        }
    }

    private static void AppendHunk(StringBuilder text, List<Line> hunk, string? old, string? now)
    {
        int oldCount = hunk.Count(l => l.Kind != '+');
        int newCount = hunk.Count(l => l.Kind != '-');
        int oldStart = hunk.FirstOrDefault(l => l.Kind != '+').Old;
        int newStart = hunk.FirstOrDefault(l => l.Kind != '-').New;
        string[] oldText = SplitLines(old);
        text.Append(CultureInfo.InvariantCulture, $"@@ -{Range(oldStart, oldCount)} +{Range(newStart, newCount)} @@{FunctionName(oldText, oldStart)}\n");
        int oldLines = oldText.Length;
        int newLines = SplitLines(now).Length;
        foreach (Line line in hunk)
        {
            text.Append(line.Kind).Append(line.Text).Append('\n');
            bool lastOld = line.Kind != '+' && line.Old == oldLines && old is not null && !old.EndsWith('\n');
            bool lastNew = line.Kind != '-' && line.New == newLines && now is not null && !now.EndsWith('\n');
            if ((line.Kind == '-' && lastOld) || (line.Kind == '+' && lastNew) || (line.Kind == ' ' && (lastOld || lastNew)))
            {
                text.Append("\\ No newline at end of file\n");
            }
        }
    }

    /// <summary>
    /// The hunk header's trailing context: git's default funcname rule (xdiff/xemit.c def_ff) takes the nearest line
    /// above the hunk whose first character is a letter, <c>_</c> or <c>$</c>, cut to 80 bytes, trailing blanks trimmed.
    /// </summary>
    private static string FunctionName(string[] oldText, int oldStart)
    {
        for (int i = Math.Min(oldStart - 1, oldText.Length) - 1; i >= 0; i--)
        {
            string line = oldText[i];
            if (line.Length > 0 && (char.IsAsciiLetter(line[0]) || line[0] is '_' or '$'))
            {
                string cut = line.Length > 80 ? line[..80] : line;
                return " " + cut.TrimEnd();
            }
        }

        return string.Empty;
    }

    // An empty side is only an absent or empty file (any other hunk has context on both sides): git writes it "0,0".
    private static string Range(int start, int count) => count switch
    {
        0 => "0,0",
        1 => start.ToString(CultureInfo.InvariantCulture),
        _ => $"{start.ToString(CultureInfo.InvariantCulture)},{count.ToString(CultureInfo.InvariantCulture)}",
    };

    /// <summary>
    /// The edit script of a longest common subsequence (ties keep git's order: removals before additions). A last line
    /// without its line end differs from the same text with one, as it does for git.
    /// </summary>
    private static List<Line> Script(string? old, string? now)
    {
        string[] a = Keys(old);
        string[] b = Keys(now);
        int[,] lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = string.Equals(a[i], b[j], StringComparison.Ordinal) ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var script = new List<Line>(a.Length + b.Length);
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && string.Equals(a[x], b[y], StringComparison.Ordinal))
            {
                script.Add(new Line(' ', Text(a[x]), x + 1, y + 1));
                x++;
                y++;
            }
            else if (y >= b.Length || (x < a.Length && lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                script.Add(new Line('-', Text(a[x]), x + 1, 0));
                x++;
            }
            else
            {
                script.Add(new Line('+', Text(b[y]), 0, y + 1));
                y++;
            }
        }

        return script;
    }

    private const char NoEol = '\0';

    private static string[] Keys(string? text)
    {
        string[] lines = SplitLines(text);
        if (lines.Length > 0 && !text!.EndsWith('\n'))
        {
            lines[^1] += NoEol;
        }

        return lines;
    }

    private static string Text(string key) => key.TrimEnd(NoEol);
}
