// The NKey text encoding (base32, CRC-16/XMODEM, role prefixes), for precise messages on malformed keys; the keys themselves are NATS.NKeys.
using System.Buffers.Binary;

namespace Hermes.Sdk.Identity.NKeys;

/// <summary>
/// The NKey text encoding: a prefix byte (role &lt;&lt; 3), the raw key, a CRC-16/XMODEM trailer
/// (little-endian), all in RFC 4648 base32 (upper case, no padding). Seeds carry two prefix bytes.
/// </summary>
internal static class NKeyCodec
{
    /// <summary>Prefix byte of a seed ('S').</summary>
    public const byte SeedPrefix = 18 << 3;

    /// <summary>Prefix byte of an expanded private key ('P').</summary>
    public const byte PrivatePrefix = 15 << 3;

    /// <summary>Prefix byte of an operator public key ('O').</summary>
    public const byte OperatorPrefix = 14 << 3;

    /// <summary>Prefix byte of a server public key ('N').</summary>
    public const byte ServerPrefix = 13 << 3;

    /// <summary>Prefix byte of a cluster public key ('C').</summary>
    public const byte ClusterPrefix = 2 << 3;

    /// <summary>Prefix byte of an account public key ('A').</summary>
    public const byte AccountPrefix = 0;

    /// <summary>Prefix byte of a user public key ('U').</summary>
    public const byte UserPrefix = 20 << 3;

    /// <summary>Prefix byte of a curve (X25519) key ('X'); recognised only to be rejected.</summary>
    public const byte CurvePrefix = 23 << 3;

    /// <summary>Length of a raw Ed25519 key or seed.</summary>
    public const int KeyLength = 32;

    /// <summary>Length of an Ed25519 signature.</summary>
    public const int SignatureLength = 64;

    /// <summary>Length of an encoded public key: base32 of 1 + 32 + 2 bytes.</summary>
    public const int PublicKeyTextLength = 56;

    /// <summary>Length of an encoded seed: base32 of 2 + 32 + 2 bytes.</summary>
    public const int SeedTextLength = 58;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private static readonly ushort[] CrcTable = BuildCrcTable();

    /// <summary>Whether <paramref name="prefix"/> is the prefix byte of a public key role NKeys signs with.</summary>
    public static bool IsPublicRolePrefix(byte prefix) =>
        prefix is OperatorPrefix or ServerPrefix or ClusterPrefix or AccountPrefix or UserPrefix;

    /// <summary>CRC-16/XMODEM (polynomial 0x1021, initial value 0, no reflection, no final xor).</summary>
    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (byte b in data)
        {
            crc = (ushort)((crc << 8) ^ CrcTable[((crc >> 8) ^ b) & 0xFF]);
        }

        return crc;
    }

    /// <summary>Number of base32 characters (no padding) for <paramref name="byteCount"/> bytes.</summary>
    public static int Base32Length(int byteCount) => (byteCount * 8 + 4) / 5;

    /// <summary>Encodes <paramref name="data"/> as upper-case base32 without padding.</summary>
    public static void Base32Encode(ReadOnlySpan<byte> data, Span<char> destination)
    {
        int buffer = 0, bits = 0, o = 0;
        foreach (byte b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                destination[o++] = Alphabet[(buffer >> bits) & 31];
            }
        }

        if (bits > 0)
        {
            destination[o++] = Alphabet[(buffer << (5 - bits)) & 31];
        }
    }

    /// <summary>Encodes <paramref name="data"/> as upper-case base32 without padding.</summary>
    public static string Base32Encode(ReadOnlySpan<byte> data)
    {
        Span<char> chars = data.Length <= 256 ? stackalloc char[Base32Length(data.Length)] : new char[Base32Length(data.Length)];
        Base32Encode(data, chars);
        return new string(chars);
    }

    /// <summary>
    /// Decodes strict base32 (upper case A–Z and 2–7, no padding, unused trailing bits zero).
    /// Returns the number of bytes written, or -1 with <paramref name="error"/> set.
    /// </summary>
    public static int Base32Decode(ReadOnlySpan<char> text, Span<byte> destination, out string? error)
    {
        int buffer = 0, bits = 0, o = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            int v = c switch
            {
                >= 'A' and <= 'Z' => c - 'A',
                >= '2' and <= '7' => c - '2' + 26,
                _ => -1,
            };
            if (v < 0)
            {
                error = c switch
                {
                    '=' => $"padding ('=') at position {i + 1} is not allowed",
                    >= 'a' and <= 'z' => $"lower-case character at position {i + 1}: NKeys use upper-case base32 only",
                    _ => $"character at position {i + 1} is not in the base32 alphabet (A-Z, 2-7)",
                };
                return -1;
            }

            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                if (o == destination.Length)
                {
                    error = "the value is longer than expected";
                    return -1;
                }

                destination[o++] = (byte)(buffer >> bits);
            }
        }

        if (bits >= 5 || (buffer & ((1 << bits) - 1)) != 0)
        {
            error = "the value has trailing bits that no encoder produces (truncated or altered)";
            return -1;
        }

        error = null;
        return o;
    }

    /// <summary>Encodes a 32-byte public key with its role prefix.</summary>
    public static string EncodePublic(byte prefix, ReadOnlySpan<byte> key)
    {
        Span<byte> raw = stackalloc byte[1 + KeyLength + 2];
        raw[0] = prefix;
        key.CopyTo(raw[1..]);
        BinaryPrimitives.WriteUInt16LittleEndian(raw[^2..], Crc16(raw[..^2]));
        return Base32Encode(raw);
    }

    /// <summary>Encodes a 32-byte Ed25519 seed for the given public role into <paramref name="destination"/> (58 chars).</summary>
    public static void EncodeSeed(byte rolePrefix, ReadOnlySpan<byte> seed, Span<char> destination)
    {
        Span<byte> raw = stackalloc byte[2 + KeyLength + 2];
        try
        {
            raw[0] = (byte)(SeedPrefix | (rolePrefix >> 5));
            raw[1] = (byte)((rolePrefix & 31) << 3);
            seed.CopyTo(raw[2..]);
            BinaryPrimitives.WriteUInt16LittleEndian(raw[^2..], Crc16(raw[..^2]));
            Base32Encode(raw, destination);
        }
        finally
        {
            raw.Clear();
        }
    }

    /// <summary>
    /// Decodes a public key string; on success writes the 32-byte key and returns its prefix byte.
    /// Returns -1 with <paramref name="error"/> set on failure.
    /// </summary>
    public static int DecodePublic(ReadOnlySpan<char> text, Span<byte> key, out string? error)
    {
        if (text.Length != PublicKeyTextLength)
        {
            error = text.Length == SeedTextLength && text[0] == 'S'
                ? "this is a seed, not a public key"
                : $"expected {PublicKeyTextLength} characters, got {text.Length}";
            return -1;
        }

        Span<byte> raw = stackalloc byte[1 + KeyLength + 2];
        if (!DecodeChecked(text, raw, out error))
        {
            return -1;
        }

        byte prefix = raw[0];
        if (!IsPublicRolePrefix(prefix))
        {
            error = prefix switch
            {
                CurvePrefix => "curve (X25519) keys are not signing keys",
                SeedPrefix => "this is a seed, not a public key",
                PrivatePrefix => "this is a private key, not a public key",
                _ => $"unknown key type (prefix byte 0x{prefix:X2})",
            };
            return -1;
        }

        raw.Slice(1, KeyLength).CopyTo(key);
        return prefix;
    }

    /// <summary>
    /// Decodes a seed string; on success writes the 32-byte Ed25519 seed and returns the role's public prefix byte.
    /// Returns -1 with <paramref name="error"/> set on failure. The error never contains the seed.
    /// </summary>
    public static int DecodeSeed(ReadOnlySpan<char> text, Span<byte> seed, out string? error)
    {
        if (text.Length != SeedTextLength)
        {
            error = text.Length == PublicKeyTextLength
                ? "this is a public key, not a seed"
                : $"expected {SeedTextLength} characters, got {text.Length}";
            return -1;
        }

        Span<byte> raw = stackalloc byte[2 + KeyLength + 2];
        try
        {
            if (!DecodeChecked(text, raw, out error))
            {
                return -1;
            }

            if ((raw[0] & 0xF8) != SeedPrefix)
            {
                error = "not a seed (it must start with 'S')";
                return -1;
            }

            int rolePrefix = ((raw[0] & 0x07) << 5) | ((raw[1] & 0xF8) >> 3);
            if ((raw[1] & 0x07) != 0 || !IsPublicRolePrefix((byte)rolePrefix))
            {
                error = rolePrefix == CurvePrefix
                    ? "curve (X25519) seeds are not signing keys"
                    : "the seed's key type is not operator, account, user, server or cluster";
                return -1;
            }

            raw.Slice(2, KeyLength).CopyTo(seed);
            return rolePrefix;
        }
        finally
        {
            raw.Clear();
        }
    }

    private static bool DecodeChecked(ReadOnlySpan<char> text, Span<byte> raw, out string? error)
    {
        int n = Base32Decode(text, raw, out error);
        if (n < 0)
        {
            return false;
        }

        if (n != raw.Length)
        {
            error = "the value has the wrong length";
            return false;
        }

        ushort expected = BinaryPrimitives.ReadUInt16LittleEndian(raw[^2..]);
        if (Crc16(raw[..^2]) != expected)
        {
            error = "checksum mismatch (the value is corrupted or mistyped)";
            return false;
        }

        return true;
    }

    private static ushort[] BuildCrcTable()
    {
        var table = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            int crc = i << 8;
            for (int j = 0; j < 8; j++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }

            table[i] = (ushort)crc;
        }

        return table;
    }
}
