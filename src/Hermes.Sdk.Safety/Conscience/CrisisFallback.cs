using Hermes.Sdk.Models.Configuration;

namespace Hermes.Sdk.Safety;

/// <summary>
/// The words the model chain says on a crisis turn when no model can answer. The chain (Hermes.Sdk.Models) owns the
/// mechanism — a crisis turn is never met with silence or an error — and this type owns the words, from the same
/// locale-aware <see cref="CrisisLine"/> table the conscience and the grader use: a UK seed names Samaritans first.
/// </summary>
public static class CrisisFallback
{
    /// <summary>The message for <paramref name="locale"/>: the locale's line first, then what to do anywhere else.</summary>
    /// <param name="locale">The seed's <c>safety.locale</c> (for example <c>en-GB</c>); null for <c>en-US</c>.</param>
    /// <returns>The message.</returns>
    public static string MessageFor(string? locale)
    {
        CrisisLine line = CrisisLine.ForLocale(locale);
        string first = line == CrisisLine.International
            ? line.HowToReach
            : $"{line.HowToReach} ({line.Name}: {line.Number}).";
        return "I'm here with you, and I'm glad you reached out. I can't reach my usual models right now, but you don't have to wait for me. "
            + first + " "
            + (line == CrisisLine.International ? string.Empty : "Anywhere else, call your local emergency number or a crisis line in your country (findahelpline.com lists them). ")
            + "If you might act on thoughts of hurting yourself, please call emergency services or go to the nearest emergency room now, "
            + "and if you can, stay with someone you trust. You matter, and what you are feeling can change with support.";
    }

    /// <summary>Sets the chain's crisis answer (<see cref="ModelChainOptions.CrisisMessage"/>) for <paramref name="locale"/>.</summary>
    /// <param name="options">The chain's options.</param>
    /// <param name="locale">The seed's <c>safety.locale</c>.</param>
    /// <returns>The same options.</returns>
    public static ModelChainOptions UseCrisisLines(this ModelChainOptions options, string? locale)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.CrisisMessage = MessageFor(locale);
        return options;
    }
}
