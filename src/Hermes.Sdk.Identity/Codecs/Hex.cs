namespace Hermes.Sdk.Identity.Codecs;

/// <summary>Strict hexadecimal decoding with messages that name the field.</summary>
internal static class Hex
{
    /// <summary>
    /// Decodes exactly <paramref name="destination"/>.Length bytes of hex. Returns null on success, else what is wrong.
    /// </summary>
    /// <param name="text">The hex text.</param>
    /// <param name="destination">Where the bytes go.</param>
    /// <param name="lowerCaseOnly">Reject upper-case digits (NIP-01 requires lower case in events).</param>
    public static string? Decode(ReadOnlySpan<char> text, Span<byte> destination, bool lowerCaseOnly)
    {
        if (text.Length != destination.Length * 2)
        {
            return $"expected {destination.Length * 2} hex characters ({destination.Length} bytes), got {text.Length}";
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool ok = c is >= '0' and <= '9' or >= 'a' and <= 'f' || (!lowerCaseOnly && c is >= 'A' and <= 'F');
            if (!ok)
            {
                return c is >= 'A' and <= 'F'
                    ? $"upper-case hex digit at position {i + 1}: lower case is required"
                    : $"character at position {i + 1} is not a hex digit";
            }
        }

        Convert.FromHexString(text, destination, out _, out _);
        return null;
    }
}
