namespace Hermes.Sdk.Identity.Codecs;

/// <summary>Bech32 (BIP-173; not bech32m), as NIP-19 uses it: 32-byte keys and ids, and longer TLV entities.</summary>
internal static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private const int ChecksumLength = 6;
    private const int MaxLength = 90;
    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    private static readonly sbyte[] CharsetRev = BuildReverse();

    /// <summary>Encodes <paramref name="data"/> (8-bit bytes) under <paramref name="hrp"/> into lower-case bech32.</summary>
    public static void Encode(string hrp, ReadOnlySpan<byte> data, Span<char> destination, out int written)
    {
        int groups = (data.Length * 8 + 4) / 5;
        Span<byte> values = stackalloc byte[groups + ChecksumLength];
        try
        {
            ConvertBits8To5(data, values[..groups]);
            uint polymod = Polymod(HrpExpandPolymod(hrp, 1), values[..groups]);
            for (int i = 0; i < ChecksumLength; i++)
            {
                polymod = Step(polymod, 0);
            }

            polymod ^= 1;
            for (int i = 0; i < ChecksumLength; i++)
            {
                values[groups + i] = (byte)((polymod >> (5 * (5 - i))) & 31);
            }

            hrp.AsSpan().CopyTo(destination);
            destination[hrp.Length] = '1';
            for (int i = 0; i < values.Length; i++)
            {
                destination[hrp.Length + 1 + i] = Charset[values[i]];
            }

            written = hrp.Length + 1 + values.Length;
        }
        finally
        {
            values.Clear();
        }
    }

    /// <summary>Length of the bech32 text for <paramref name="dataLength"/> bytes under <paramref name="hrp"/>.</summary>
    public static int EncodedLength(string hrp, int dataLength) => hrp.Length + 1 + (dataLength * 8 + 4) / 5 + ChecksumLength;

    /// <summary>
    /// Decodes bech32 text whose human-readable part must be <paramref name="expectedHrp"/> and whose payload must be
    /// exactly <paramref name="destination"/>.Length bytes. Returns null on success, else what is wrong.
    /// </summary>
    public static string? Decode(ReadOnlySpan<char> text, string expectedHrp, Span<byte> destination)
    {
        string? error = Check(text, MaxLength, out int separator);
        if (error is not null)
        {
            return error;
        }

        string hrp = Prefix(text, separator);
        if (hrp != expectedHrp)
        {
            return $"expected the prefix '{expectedHrp}1', found '{hrp}1'";
        }

        Span<byte> values = stackalloc byte[text.Length - separator - 1];
        try
        {
            error = ReadValues(text, separator, hrp, values);
            if (error is not null)
            {
                return error;
            }

            Span<byte> payload = values[..^ChecksumLength];
            int expectedGroups = (destination.Length * 8 + 4) / 5;
            if (payload.Length != expectedGroups)
            {
                int bytes = payload.Length * 5 / 8;
                return $"the payload is {bytes} bytes; {expectedHrp} carries exactly {destination.Length}";
            }

            return ConvertBits5To8(payload, destination)
                ? null
                : "the payload has non-zero padding bits";
        }
        finally
        {
            values.Clear();
        }
    }

    /// <summary>
    /// Decodes bech32 text of up to <paramref name="maxLength"/> characters with any prefix and payload length (NIP-19's
    /// TLV entities run past bech32's 90). Returns null on success, else what is wrong. For public data only.
    /// </summary>
    public static string? DecodeAny(ReadOnlySpan<char> text, int maxLength, out string hrp, out byte[] payload)
    {
        hrp = string.Empty;
        payload = [];
        string? error = Check(text, maxLength, out int separator);
        if (error is not null)
        {
            return error;
        }

        hrp = Prefix(text, separator);
        var values = new byte[text.Length - separator - 1];
        error = ReadValues(text, separator, hrp, values);
        if (error is not null)
        {
            return error;
        }

        ReadOnlySpan<byte> groups = values.AsSpan(0, values.Length - ChecksumLength);
        var bytes = new byte[groups.Length * 5 / 8];
        if (!ConvertBits5To8(groups, bytes))
        {
            return "the payload has non-zero padding bits";
        }

        payload = bytes;
        return null;
    }

    /// <summary>The lower-cased human-readable part of <paramref name="text"/>, or null when it has no separator.</summary>
    public static string? PrefixOf(ReadOnlySpan<char> text)
    {
        int separator = text.LastIndexOf('1');
        return separator < 1 ? null : Prefix(text, separator);
    }

    private static string Prefix(ReadOnlySpan<char> text, int separator) => text[..separator].ToString().ToLowerInvariant();

    /// <summary>Length, characters, case, separator and room for a checksum.</summary>
    private static string? Check(ReadOnlySpan<char> text, int maxLength, out int separator)
    {
        separator = -1;
        if (text.Length == 0)
        {
            return "the value is empty";
        }

        if (text.Length > maxLength)
        {
            return $"bech32 strings are at most {maxLength} characters, this one is {text.Length}";
        }

        bool lower = false, upper = false;
        foreach (char c in text)
        {
            if (c < 33 || c > 126)
            {
                return "it contains a character outside printable ASCII (spaces are not allowed)";
            }

            lower |= c is >= 'a' and <= 'z';
            upper |= c is >= 'A' and <= 'Z';
        }

        if (lower && upper)
        {
            return "mixed upper and lower case is not allowed in bech32";
        }

        separator = text.LastIndexOf('1');
        if (separator < 1)
        {
            return "the '1' separator after the prefix is missing";
        }

        return text.Length - separator - 1 < ChecksumLength ? "the checksum is missing (the value is truncated)" : null;
    }

    /// <summary>The 5-bit values after the separator, checksum verified.</summary>
    private static string? ReadValues(ReadOnlySpan<char> text, int separator, string hrp, Span<byte> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            char c = char.ToLowerInvariant(text[separator + 1 + i]);
            int v = c < 128 ? CharsetRev[c] : -1;
            if (v < 0)
            {
                return $"the character at position {separator + 2 + i} is not a bech32 character (b, i, o and 1 are never used)";
            }

            values[i] = (byte)v;
        }

        return Polymod(HrpExpandPolymod(hrp, 1), values) != 1 ? "checksum mismatch (the value is corrupted or mistyped)" : null;
    }

    private static void ConvertBits8To5(ReadOnlySpan<byte> data, Span<byte> output)
    {
        int acc = 0, bits = 0, o = 0;
        foreach (byte b in data)
        {
            acc = (acc << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                output[o++] = (byte)((acc >> bits) & 31);
            }
        }

        if (bits > 0)
        {
            output[o] = (byte)((acc << (5 - bits)) & 31);
        }
    }

    private static bool ConvertBits5To8(ReadOnlySpan<byte> data, Span<byte> output)
    {
        int acc = 0, bits = 0, o = 0;
        foreach (byte v in data)
        {
            acc = (acc << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output[o++] = (byte)((acc >> bits) & 0xFF);
            }
        }

        return o == output.Length && bits < 5 && (acc & ((1 << bits) - 1)) == 0;
    }

    private static uint HrpExpandPolymod(string hrp, uint chk)
    {
        foreach (char c in hrp)
        {
            chk = Step(chk, c >> 5);
        }

        chk = Step(chk, 0);
        foreach (char c in hrp)
        {
            chk = Step(chk, c & 31);
        }

        return chk;
    }

    private static uint Polymod(uint chk, ReadOnlySpan<byte> values)
    {
        foreach (byte v in values)
        {
            chk = Step(chk, v);
        }

        return chk;
    }

    private static uint Step(uint chk, int value)
    {
        uint top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ (uint)value;
        for (int i = 0; i < 5; i++)
        {
            if (((top >> i) & 1) != 0)
            {
                chk ^= Generator[i];
            }
        }

        return chk;
    }

    private static sbyte[] BuildReverse()
    {
        var rev = new sbyte[128];
        Array.Fill(rev, (sbyte)-1);
        for (int i = 0; i < Charset.Length; i++)
        {
            rev[Charset[i]] = (sbyte)i;
        }

        return rev;
    }
}
