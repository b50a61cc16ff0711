using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Hermes.Sdk.Safety.Grading;

/// <summary>
/// A reply as the grader reads it. <see cref="Visible"/> is what a person sees: markup comments and hidden elements
/// removed, tags and Markdown decoration dropped. <see cref="Full"/> is everything the model wrote, hidden parts
/// included. Both are normalised: Unicode compatibility forms (fullwidth digits), format and zero-width characters
/// removed, confusable letters folded to their Latin skeleton (Unicode's confusables data), typographic quotes and
/// dashes folded, white space collapsed.
/// </summary>
internal sealed partial class ReplyText
{
    private static readonly Lazy<Dictionary<int, char>> Confusables = new(LoadConfusables);

    private ReplyText(string original, string visible, string full, IReadOnlyList<string> hidden, IReadOnlyList<string> tricks)
    {
        Original = original;
        Visible = visible;
        Full = full;
        Hidden = hidden;
        Tricks = tricks;
        VisibleSentences = Split(visible);
        FullSentences = Split(full);
    }

    /// <summary>The reply as the model wrote it.</summary>
    public string Original { get; }

    /// <summary>What a reader sees, normalised.</summary>
    public string Visible { get; }

    /// <summary>Everything, hidden parts included, normalised.</summary>
    public string Full { get; }

    /// <summary>Text a reader would not see (comments, hidden elements, collapsed details), normalised.</summary>
    public IReadOnlyList<string> Hidden { get; }

    /// <summary>Disguises found: a zero-width character inside a word, letters of two scripts in one word, encoded text (<see cref="EncodedText"/>).</summary>
    public IReadOnlyList<string> Tricks { get; }

    /// <summary>The visible text's sentences.</summary>
    public IReadOnlyList<string> VisibleSentences { get; }

    /// <summary>Every sentence, hidden ones included.</summary>
    public IReadOnlyList<string> FullSentences { get; }

    public static ReplyText Read(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var tricks = new List<string>();
        FindTricks(reply, tricks);

        var hidden = new List<string>();
        string visible = HiddenMarkup().Replace(reply, m =>
        {
            hidden.Add(m.Groups["comment"].Success ? m.Groups["comment"].Value : m.Groups["body"].Value);
            return m.Groups["text"].Success ? " " + m.Groups["text"].Value + " " : " "; // a link shows its text, not its target
        });
        string full = HiddenMarkup().Replace(reply, m => " " + (m.Groups["text"].Success ? m.Groups["text"].Value + " " : string.Empty) + (m.Groups["comment"].Success ? m.Groups["comment"].Value : m.Groups["body"].Value) + " ");
        string normalizedFull = Normalize(StripMarkup(full));
        tricks.AddRange(EncodedText.Find(normalizedFull).Select(e => "encoded text, " + e));
        return new ReplyText(
            reply,
            Normalize(StripMarkup(visible)),
            normalizedFull,
            [.. hidden.Select(h => Normalize(StripMarkup(h))).Where(h => h.Length > 0)],
            tricks);
    }

    /// <summary>Compatibility forms, invisible characters, confusables, quotes, dashes and spaces folded.</summary>
    public static string Normalize(string text)
    {
        string nfkc = text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(nfkc.Length);
        foreach (Rune rune in nfkc.EnumerateRunes())
        {
            if (IsInvisible(rune))
            {
                continue;
            }

            int value = rune.Value;
            char? folded = value switch
            {
                '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u2032' or '\u02BC' or '\u0060' or '\u00B4' => '\'',
                '\u201C' or '\u201D' or '\u201E' or '\u201F' or '\u2033' or '\u00AB' or '\u00BB' => '"',
                '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2015' or '\u2212' => '-',
                '\u00A0' or '\u2007' or '\u202F' or '\u3000' => ' ',
                _ => value > 0x7F && Confusables.Value.TryGetValue(value, out char latin) && IsLatinContext(rune) ? latin : null,
            };
            if (folded is { } c)
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return LineBreaks().Replace(Spaces().Replace(builder.ToString(), " "), "\n").Trim();
    }

    private static bool IsInvisible(Rune rune) =>
        Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format // zero-width space/joiners, word joiner, BOM, soft hyphen, bidi controls
        || rune.Value is 0x034F or 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x180E; // combining grapheme joiner, Hangul fillers

    /// <summary>Letters of Cyrillic, Greek and the other scripts confusables.txt maps are folded only when they are letters (not CJK).</summary>
    private static bool IsLatinContext(Rune rune) => rune.Value < 0x2E80 || rune.Value is >= 0xFF00 and <= 0xFFEF || rune.Value >= 0x1D400;

    private static void FindTricks(string reply, List<string> tricks)
    {
        foreach (Match word in Word().Matches(reply))
        {
            string w = word.Value;
            for (int i = 1; i < w.Length - 1; i++)
            {
                if (w[i] is '\u200B' or '\u200C' or '\u2060' or '\uFEFF' or '\u00AD' or '\u200D' && char.IsLetterOrDigit(w[i - 1]) && char.IsLetterOrDigit(w[i + 1]))
                {
                    tricks.Add($"a zero-width character inside '{Normalize(w)}'");
                    break;
                }
            }

            bool latin = false, other = false;
            foreach (char c in w)
            {
                if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z')
                {
                    latin = true;
                }
                else if (c is >= '\u0370' and <= '\u03FF' or >= '\u0400' and <= '\u052F' or >= '\u0530' and <= '\u058F' or >= '\u13A0' and <= '\u13FF')
                {
                    other = true;
                }
            }

            if (latin && other)
            {
                tricks.Add($"letters of two scripts in '{Normalize(w)}'");
            }
        }
    }

    private static string StripMarkup(string text)
    {
        string s = MarkdownLink().Replace(text, "$1 ($2)");
        s = Tag().Replace(s, " ");
        s = System.Net.WebUtility.HtmlDecode(s);
        s = MarkdownDecoration().Replace(s, " ");
        return s;
    }

    private static IReadOnlyList<string> Split(string text) =>
        [.. SentenceBreak().Split(text).Select(s => s.Trim()).Where(s => s.Length > 0)];

    private static Dictionary<int, char> LoadConfusables()
    {
        var map = new Dictionary<int, char>();
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Hermes.Sdk.Safety.confusables-latin.txt")
            ?? throw new InvalidOperationException("The confusables table is missing from the assembly.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                int space = line.IndexOf(' ', StringComparison.Ordinal);
                map[int.Parse(line.AsSpan(0, space), NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = line[space + 1];
            }
        }

        return map;
    }

    // Hidden markup: HTML comments, Markdown comments ([//]: # (…)), elements hidden by attribute or style, and the
    // collapsed body of <details> (its <summary> stays visible).
    [GeneratedRegex(
        @"<!--(?<comment>.*?)(?:-->|$)|!\[(?<comment>[^\]]*)\]\([^)]*\)|(?<!!)\[(?<text>[^\]]*)\]\((?<comment>[^)\s]+)[^)]*\)|\balt\s*=\s*""(?<comment>[^""]*)""|\bhref\s*=\s*""(?<comment>[^""]*)""|^\s*\[(?://|comment|_)\]:\s*(?:#|<>)\s*\((?<comment>[^)]*)\)\s*$|<(?<tag>\w+)\b[^>]*?(?:\bhidden\b|display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|em|pt|%)?\s*[;""']|opacity\s*:\s*0\s*[;""']|(?<![-\w])color\s*:\s*(?:#fff(?:fff)?|white|transparent)\b)[^>]*>(?<body>.*?)</\k<tag>\s*>|<details\b[^>]*>\s*(?:<summary\b[^>]*>.*?</summary>)?(?<body>.*?)</details\s*>",
        RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex HiddenMarkup();

    [GeneratedRegex(@"!?\[([^\]]*)\]\(([^)\s]*)[^)]*\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"<[^<>]{1,400}>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"(?<![\w])[*_~`]{1,3}|[*_~`]{1,3}(?![\w])|^\s{0,3}#{1,6}\s|^\s*>\s?|^\s*[-+*]\s+|^\s*\d+[.)]\s+", RegexOptions.Multiline)]
    private static partial Regex MarkdownDecoration();

    [GeneratedRegex(@"[^\S\n]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@" ?\n[\s]*")]
    private static partial Regex LineBreaks();

    [GeneratedRegex(@"[\p{L}\p{M}\p{Nd}\p{Cf}\u00AD\u034F]+")]
    private static partial Regex Word();

    [GeneratedRegex(@"(?<=[.!?…])\s+(?=[""'(\[]?[\p{Lu}\p{Nd}¿¡*])|(?<=[.!?…][""')\]])\s+|\n+|(?<=:)\s+(?=[""']?\p{Lu})")]
    private static partial Regex SentenceBreak();
}
