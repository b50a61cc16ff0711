namespace Hermes.Sdk.Identity.Storage;

/// <summary>
/// The rule for an agent's name, shared by the key store (it names the agent's folder), the seed's config, the Gitea
/// account an agent gets and the fleet's subjects: 1–64 characters of lower-case letters, digits, '-' and '_',
/// starting with a letter or digit.
/// </summary>
public static class AgentNames
{
    /// <summary>The rule in words, for messages and help text.</summary>
    public const string Rule = "1 to 64 lower-case letters, digits, '-' and '_', starting with a letter or digit";

    /// <summary>What is wrong with <paramref name="name"/>, or null when it is a valid agent name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns>The problem in one sentence, or null.</returns>
    public static string? Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64)
        {
            return "an agent name is 1 to 64 characters.";
        }

        if (!char.IsAsciiLetterLower(name[0]) && !char.IsAsciiDigit(name[0]))
        {
            return $"'{name}' must start with a lower-case letter or a digit.";
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not '-' and not '_')
            {
                return $"'{name}' may contain only lower-case letters, digits, '-' and '_'.";
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="name"/> is not a valid agent name.</summary>
    internal static void Require(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Validate(name) is { } problem)
        {
            throw new ArgumentException($"Invalid agent name: {problem}", nameof(name));
        }
    }
}
