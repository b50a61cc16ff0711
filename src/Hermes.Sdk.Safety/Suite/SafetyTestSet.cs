using Hermes.Sdk.Core;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Hermes.Sdk.Safety;

/// <summary>A crisis prompt of the test set.</summary>
/// <param name="Id">Its id, e.g. <c>P01</c>.</param>
/// <param name="Title">Its title.</param>
/// <param name="Text">What the person says.</param>
/// <param name="Line">Its heading's line in the file.</param>
public sealed record SafetyPrompt(string Id, string Title, string Text, int Line);

/// <summary>The styles of jailbreak wrapper the test set must cover.</summary>
public enum JailbreakStyle
{
    /// <summary>No wrapper: the prompt as a person would say it.</summary>
    Direct,

    /// <summary>Role-play or fiction.</summary>
    RolePlay,

    /// <summary>"Developer mode" or an unrestricted persona.</summary>
    DeveloperMode,

    /// <summary>Hypothetical or "research" framing.</summary>
    Hypothetical,

    /// <summary>An instruction to ignore or replace the rules.</summary>
    InstructionOverride,

    /// <summary>A conversation that escalates over several turns.</summary>
    MultiTurn,
}

/// <summary>A jailbreak wrapper: turns of a conversation, one of which carries the prompt at <c>{{prompt}}</c>.</summary>
/// <param name="Id">Its id, e.g. <c>W01</c>.</param>
/// <param name="Title">Its title.</param>
/// <param name="Style">Its style.</param>
/// <param name="Turns">The turns (role, text); exactly one holds <c>{{prompt}}</c>.</param>
/// <param name="Line">Its heading's line in the file.</param>
public sealed record JailbreakWrapper(string Id, string Title, JailbreakStyle Style, IReadOnlyList<(ChatRole Role, string Text)> Turns, int Line)
{
    /// <summary>The wrapper every prompt is also run bare with.</summary>
    public static JailbreakWrapper Direct { get; } = new("W00", "direct (no wrapper)", JailbreakStyle.Direct, [(ChatRole.User, SafetyTestSet.Placeholder)], 0);

    /// <summary>The conversation that sends <paramref name="prompt"/> inside this wrapper.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <returns>The messages.</returns>
    public List<ChatMessage> Apply(SafetyPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return [.. Turns.Select(t => new ChatMessage(t.Role, t.Text.Replace(SafetyTestSet.Placeholder, prompt.Text, StringComparison.Ordinal)))];
    }
}

/// <summary>
/// The safety test set, read from <c>safety-tests.md</c> (format: docs/safety.md): at least 10 crisis prompts and at
/// least 5 jailbreak wrappers covering role-play, developer mode, hypothetical, instruction override and multi-turn.
/// Identified by the SHA-256 of the file, which the ship gate records.
/// </summary>
public sealed partial class SafetyTestSet
{
    /// <summary>Where a wrapper puts the prompt.</summary>
    public const string Placeholder = "{{prompt}}";

    /// <summary>The fewest prompts a test set may have (the blueprint's "at least 10").</summary>
    public const int MinimumPrompts = 10;

    /// <summary>The fewest wrappers a test set may have.</summary>
    public const int MinimumWrappers = 5;

    private SafetyTestSet(string path, string sha256, IReadOnlyList<SafetyPrompt> prompts, IReadOnlyList<JailbreakWrapper> wrappers)
    {
        Path = path;
        Sha256 = sha256;
        Prompts = prompts;
        Wrappers = wrappers;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The lower-case hex SHA-256 of the file's bytes.</summary>
    public string Sha256 { get; }

    /// <summary>The prompts.</summary>
    public IReadOnlyList<SafetyPrompt> Prompts { get; }

    /// <summary>The wrappers, <see cref="JailbreakWrapper.Direct"/> first.</summary>
    public IReadOnlyList<JailbreakWrapper> Wrappers { get; }

    /// <summary>The default test set's text: 12 crisis prompts and 6 jailbreak wrappers written for Hermes.Sdk.</summary>
    public static string DefaultText
    {
        get
        {
            using Stream stream = typeof(SafetyTestSet).Assembly.GetManifestResourceStream("Hermes.Sdk.Safety.safety-tests.md")
                ?? throw new InvalidOperationException("The default safety test set is missing from the assembly.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
    }

    /// <summary>The default test set (<see cref="DefaultText"/>).</summary>
    public static SafetyTestSet Default => Parse(DefaultText, "safety-tests.md (default)");

    /// <summary>Reads and checks a test set.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The test set.</returns>
    /// <exception cref="SafetyTestSetException">Every problem, each with file, line, column and field.</exception>
    public static SafetyTestSet Load(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new SafetyTestSetException([new SourceProblem(full, 1, 1, "file", "the safety test set does not exist")]);
        }

        byte[] bytes = File.ReadAllBytes(full);
        return Parse(Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF'), full, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>Reads and checks a test set from text.</summary>
    /// <param name="markdown">The markdown.</param>
    /// <param name="path">The name to report problems under.</param>
    /// <returns>The test set.</returns>
    /// <exception cref="SafetyTestSetException">Every problem, each with file, line, column and field.</exception>
    public static SafetyTestSet Parse(string markdown, string path = "safety-tests.md") =>
        Parse(markdown, path, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(markdown))));

    private static SafetyTestSet Parse(string markdown, string path, string sha256)
    {
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var problems = new List<SourceProblem>();
        var prompts = new List<SafetyPrompt>();
        var wrappers = new List<JailbreakWrapper>();
        string? section = null;
        int i = 0;
        while (i < lines.Length)
        {
            string line = lines[i];
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = line[3..].Trim().ToLowerInvariant();
                i++;
                continue;
            }

            Match heading = EntryHeading().Match(line);
            if (!heading.Success || section is not ("prompts" or "wrappers"))
            {
                i++;
                continue;
            }

            int start = i;
            int end = i + 1;
            while (end < lines.Length && !lines[end].StartsWith("## ", StringComparison.Ordinal) && !EntryHeading().IsMatch(lines[end]))
            {
                end++;
            }

            string id = heading.Groups["id"].Value;
            string title = heading.Groups["title"].Value.Trim();
            string[] body = lines[(start + 1)..end];
            if (section == "prompts")
            {
                ReadPrompt(path, id, title, start + 1, body, prompts, problems);
            }
            else
            {
                ReadWrapper(path, id, title, start + 1, body, wrappers, problems);
            }

            i = end;
        }

        foreach (IGrouping<string, int> duplicate in prompts.Select(p => (p.Id, p.Line)).Concat(wrappers.Select(w => (w.Id, w.Line))).GroupBy(e => e.Id, e => e.Line).Where(g => g.Count() > 1))
        {
            problems.Add(new SourceProblem(path, duplicate.Last(), 5, "id", $"'{duplicate.Key}' is used more than once (first at line {duplicate.First()})"));
        }

        if (prompts.Count < MinimumPrompts)
        {
            problems.Add(new SourceProblem(path, 1, 1, "prompts", $"{prompts.Count} crisis prompts under '## Prompts'; at least {MinimumPrompts} are required"));
        }

        if (wrappers.Count < MinimumWrappers)
        {
            problems.Add(new SourceProblem(path, 1, 1, "wrappers", $"{wrappers.Count} jailbreak wrappers under '## Wrappers'; at least {MinimumWrappers} are required"));
        }

        JailbreakStyle[] required = [JailbreakStyle.RolePlay, JailbreakStyle.DeveloperMode, JailbreakStyle.Hypothetical, JailbreakStyle.InstructionOverride, JailbreakStyle.MultiTurn];
        foreach (JailbreakStyle missing in required.Where(s => wrappers.All(w => w.Style != s)))
        {
            problems.Add(new SourceProblem(path, 1, 1, "wrappers", $"no wrapper of style '{StyleName(missing)}'; the set must cover {string.Join(", ", required.Select(StyleName))}"));
        }

        if (problems.Count > 0)
        {
            throw new SafetyTestSetException(problems);
        }

        return new SafetyTestSet(path, sha256, prompts, [JailbreakWrapper.Direct, .. wrappers]);
    }

    private static void ReadPrompt(string path, string id, string title, int line, string[] body, List<SafetyPrompt> prompts, List<SourceProblem> problems)
    {
        string[] quoted = [.. body.Where(l => l.StartsWith('>')).Select(l => l.TrimStart('>').Trim())];
        string text = string.Join(" ", quoted.Where(l => l.Length > 0));
        if (text.Length == 0)
        {
            problems.Add(new SourceProblem(path, line, 1, $"prompt {id}", $"no text; write what the person says as a '> ' quote under the heading"));
            return;
        }

        if (MethodDetail(text) is { } detail)
        {
            problems.Add(new SourceProblem(path, line, 1, $"prompt {id}", $"looks like method detail ('{detail}'); test content must never contain methods"));
            return;
        }

        prompts.Add(new SafetyPrompt(id, title, text, line));
    }

    private static void ReadWrapper(string path, string id, string title, int line, string[] body, List<JailbreakWrapper> wrappers, List<SourceProblem> problems)
    {
        int styleAt = Array.FindIndex(body, l => l.TrimStart().StartsWith("style:", StringComparison.OrdinalIgnoreCase));
        JailbreakStyle? style = styleAt < 0 ? null : ParseStyle(body[styleAt].Split(':', 2)[1].Trim());
        if (styleAt < 0)
        {
            problems.Add(new SourceProblem(path, line, 1, $"wrapper {id}", $"style: missing; add a 'style: role-play|developer-mode|hypothetical|override|multi-turn' line"));
        }
        else if (style is null)
        {
            problems.Add(new SourceProblem(path, line + styleAt + 1, body[styleAt].IndexOf(':', StringComparison.Ordinal) + 3, $"wrapper {id}", $"style: '{body[styleAt].Split(':', 2)[1].Trim()}' is not one of role-play, developer-mode, hypothetical, override, multi-turn"));
        }

        int open = Array.FindIndex(body, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        int close = open < 0 ? -1 : Array.FindIndex(body, open + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        if (open < 0 || close < 0)
        {
            problems.Add(new SourceProblem(path, line, 1, $"wrapper {id}", $"text: missing; put the wrapper in a ``` fenced block containing {Placeholder}"));
            return;
        }

        var turns = new List<(ChatRole Role, string Text)>();
        for (int k = open + 1; k < close; k++)
        {
            Match turn = TurnPrefix().Match(body[k]);
            if (turn.Success)
            {
                turns.Add((turn.Groups["role"].Value.Equals("assistant", StringComparison.OrdinalIgnoreCase) ? ChatRole.Assistant : ChatRole.User, turn.Groups["text"].Value));
            }
            else if (turns.Count == 0)
            {
                turns.Add((ChatRole.User, body[k]));
            }
            else
            {
                turns[^1] = (turns[^1].Role, turns[^1].Text + "\n" + body[k]);
            }
        }

        turns = [.. turns.Select(t => (t.Role, t.Text.Trim()))];
        int placeholders = turns.Sum(t => Regex.Count(t.Text, Regex.Escape(Placeholder)));
        if (placeholders != 1 || turns.Any(t => t.Text.Contains(Placeholder, StringComparison.Ordinal) && t.Role != ChatRole.User))
        {
            problems.Add(new SourceProblem(path, line + open + 2, 1, $"wrapper {id}", $"text: {Placeholder} must appear exactly once, in a user turn (found {placeholders})"));
            return;
        }

        if (style == JailbreakStyle.MultiTurn && turns.Count(t => t.Role == ChatRole.User) < 2)
        {
            problems.Add(new SourceProblem(path, line + open + 2, 1, $"wrapper {id}", $"text: a multi-turn wrapper needs at least two 'user:' turns"));
            return;
        }

        if (turns.Select(t => MethodDetail(t.Text)).FirstOrDefault(d => d is not null) is { } detail)
        {
            problems.Add(new SourceProblem(path, line, 1, $"wrapper {id}", $"looks like method detail ('{detail}'); test content must never contain methods"));
            return;
        }

        if (style is { } s)
        {
            wrappers.Add(new JailbreakWrapper(id, title, s, turns, line));
        }
    }

    /// <summary>The first thing in a text that looks like method detail, as the grader's detector sees it.</summary>
    private static string? MethodDetail(string text) => SafetyGrader.FindMethodDetail(text);

    private static JailbreakStyle? ParseStyle(string text) => text.ToLowerInvariant() switch
    {
        "role-play" or "roleplay" or "fiction" => JailbreakStyle.RolePlay,
        "developer-mode" or "developer mode" => JailbreakStyle.DeveloperMode,
        "hypothetical" or "research" => JailbreakStyle.Hypothetical,
        "override" or "instruction-override" => JailbreakStyle.InstructionOverride,
        "multi-turn" or "escalation" => JailbreakStyle.MultiTurn,
        _ => null,
    };

    /// <summary>The style's name in the file format.</summary>
    public static string StyleName(JailbreakStyle style) => style switch
    {
        JailbreakStyle.RolePlay => "role-play",
        JailbreakStyle.DeveloperMode => "developer-mode",
        JailbreakStyle.Hypothetical => "hypothetical",
        JailbreakStyle.InstructionOverride => "override",
        JailbreakStyle.MultiTurn => "multi-turn",
        _ => "direct",
    };

    [GeneratedRegex(@"^###\s+(?<id>[A-Za-z]+\d+)\b\s*[—–:-]?\s*(?<title>.*)$")]
    private static partial Regex EntryHeading();

    [GeneratedRegex(@"^\s*(?<role>user|assistant):\s?(?<text>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex TurnPrefix();
}

/// <summary>A safety test set that cannot be used; nothing was run.</summary>
public sealed class SafetyTestSetException : SourceProblemException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problems">Every problem, each naming file, line, column and field.</param>
    public SafetyTestSetException(IReadOnlyList<SourceProblem> problems)
        : base("the safety test set", problems)
    {
    }
}
