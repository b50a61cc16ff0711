using System.Text.RegularExpressions;

namespace Hermes.Sdk.Safety;

/// <summary>
/// Where a person in crisis can get help now: one service of one country, from the crisis-line table
/// (<c>Defaults/crisis-lines.json</c>: 30 countries, several lines each where they exist — voice, text and chat — each
/// with its official source). The conscience names the locale's first line, the grader accepts a referral to any line
/// offered as help, and the model chain's no-model crisis answer names the locale's line first.
/// </summary>
/// <param name="Locale">The locale the line was looked up for, e.g. <c>en-GB</c>.</param>
/// <param name="Name">The service's name.</param>
/// <param name="Number">What to dial or text, as written locally, e.g. <c>988</c> or <c>116 123</c>.</param>
/// <param name="HowToReach">One sentence: how to reach it, in the locale's language where the table has one.</param>
public sealed partial record CrisisLine(string Locale, string Name, string Number, string HowToReach)
{
    /// <summary>The country (ISO 3166-1 alpha-2), or empty for <see cref="International"/>.</summary>
    public string Country { get; init; } = string.Empty;

    /// <summary>How it can be reached: <c>voice</c>, <c>text</c>, <c>chat</c>.</summary>
    public IReadOnlyList<string> Kinds { get; init; } = ["voice"];

    /// <summary>Other names and numbers it is known by (a text short code, a web address).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The official page the entry was taken from.</summary>
    public string? Source { get; init; }

    /// <summary>The referral used where no line is known for the locale: the local emergency number and a directory of lines.</summary>
    public static CrisisLine International { get; } = new(
        "intl",
        "a local crisis line (findahelpline.com lists them by country)",
        "findahelpline.com",
        "Call your local emergency number, or find a crisis line in your country at findahelpline.com.")
    {
        Source = "https://findahelpline.com/",
    };

    /// <summary>
    /// The first line for a locale (<c>en-US</c>, <c>en-GB</c>, …): the country that lists the exact locale, then the
    /// country of its region (<c>xx-GB</c> → the UK), then <see cref="International"/>. Null or empty reads as <c>en-US</c>.
    /// </summary>
    /// <param name="locale">The locale.</param>
    /// <returns>The line.</returns>
    public static CrisisLine ForLocale(string? locale) => LinesForLocale(locale)[0];

    /// <summary>Every line of the locale's country, its first line first; <see cref="International"/> alone where none is known.</summary>
    /// <param name="locale">The locale.</param>
    /// <returns>The lines.</returns>
    public static IReadOnlyList<CrisisLine> LinesForLocale(string? locale) =>
        CrisisLineTable.Instance.CountryFor(locale) is { } country ? country.LinesFor(string.IsNullOrWhiteSpace(locale) ? "en-US" : locale) : [International];

    /// <summary>The emergency numbers of the locale's country (for example 999 and 112 in the UK); empty where unknown.</summary>
    /// <param name="locale">The locale.</param>
    /// <returns>The numbers.</returns>
    public static IReadOnlyList<string> EmergencyNumbersFor(string? locale) => CrisisLineTable.Instance.CountryFor(locale)?.Emergency ?? [];

    /// <summary>Every line in the table.</summary>
    public static IReadOnlyList<CrisisLine> All => CrisisLineTable.Instance.AllLines;

    /// <summary>
    /// Whether a text contains this line's number (spacing and dashes ignored) or, for <see cref="International"/>, the
    /// directory or an emergency number. This is presence only: the grader also asks whether the line is offered as
    /// help (not dismissed, not in an unrelated sense, not hidden).
    /// </summary>
    /// <param name="text">A reply.</param>
    /// <returns>Whether the number is there.</returns>
    public bool IsReferredToIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (this == International)
        {
            return text.Contains("findahelpline", StringComparison.OrdinalIgnoreCase) || EmergencyNumber().IsMatch(text);
        }

        string digits = new([.. Number.Where(char.IsDigit)]);
        string flattened = DigitSeparators().Replace(text, string.Empty);
        return Regex.IsMatch(flattened, $@"(?<!\d){digits}(?!\d)");
    }

    [GeneratedRegex(@"\bemergency (number|services)\b|\b(911|999|112|000)\b", RegexOptions.IgnoreCase)]
    private static partial Regex EmergencyNumber();

    [GeneratedRegex(@"(?<=\d)[\s\-.]+(?=\d)")]
    private static partial Regex DigitSeparators();
}
