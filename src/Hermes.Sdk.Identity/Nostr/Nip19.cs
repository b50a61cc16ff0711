using Hermes.Sdk.Identity.Codecs;

namespace Hermes.Sdk.Identity.Nostr;

/// <summary>
/// NIP-19 bare bech32 entities: <c>npub</c> (public key), <c>nsec</c> (secret key) and <c>note</c> (event id),
/// each carrying exactly 32 bytes. Encoding is lower case; decoding rejects bad checksums, wrong prefixes,
/// wrong lengths and mixed case with a message that says which.
/// </summary>
public static class Nip19
{
    /// <summary>The human-readable prefix of a public key.</summary>
    public const string PublicKeyPrefix = "npub";

    /// <summary>The human-readable prefix of a secret key.</summary>
    public const string SecretKeyPrefix = "nsec";

    /// <summary>The human-readable prefix of an event id.</summary>
    public const string NotePrefix = "note";

    /// <summary>Length of an npub, nsec or note string.</summary>
    public const int EncodedLength = 63;

    /// <summary>Encodes a 32-byte x-only public key as <c>npub1…</c>.</summary>
    /// <param name="publicKey">The public key.</param>
    /// <returns>The npub string.</returns>
    public static string EncodeNpub(ReadOnlySpan<byte> publicKey) => EncodePublic(PublicKeyPrefix, publicKey);

    /// <summary>Encodes a 32-byte event id as <c>note1…</c>.</summary>
    /// <param name="eventId">The event id.</param>
    /// <returns>The note string.</returns>
    public static string EncodeNote(ReadOnlySpan<byte> eventId) => EncodePublic(NotePrefix, eventId);

    /// <summary>
    /// Encodes a 32-byte secret key as <c>nsec1…</c> into a caller-owned buffer, so the secret need not live in an
    /// immutable string. Clear the buffer when done.
    /// </summary>
    /// <param name="secretKey">The secret key.</param>
    /// <param name="destination">At least <see cref="EncodedLength"/> characters.</param>
    /// <returns>The number of characters written.</returns>
    public static int EncodeNsec(ReadOnlySpan<byte> secretKey, Span<char> destination)
    {
        RequireKeyLength(secretKey, nameof(secretKey));
        Bech32.Encode(SecretKeyPrefix, secretKey, destination, out int written);
        return written;
    }

    /// <summary>Decodes an <c>npub1…</c> string to the 32-byte public key.</summary>
    /// <param name="npub">The npub text.</param>
    /// <returns>The public key bytes.</returns>
    /// <exception cref="IdentityFormatException">The text is not a valid npub.</exception>
    public static byte[] DecodeNpub(ReadOnlySpan<char> npub) => DecodePublic(npub, PublicKeyPrefix);

    /// <summary>Decodes a <c>note1…</c> string to the 32-byte event id.</summary>
    /// <param name="note">The note text.</param>
    /// <returns>The event id bytes.</returns>
    /// <exception cref="IdentityFormatException">The text is not a valid note.</exception>
    public static byte[] DecodeNote(ReadOnlySpan<char> note) => DecodePublic(note, NotePrefix);

    /// <summary>Decodes an <c>nsec1…</c> string into a caller-owned 32-byte buffer.</summary>
    /// <param name="nsec">The nsec text.</param>
    /// <param name="secretKey">Destination of exactly 32 bytes.</param>
    /// <exception cref="IdentityFormatException">The text is not a valid nsec; the message never contains it.</exception>
    public static void DecodeNsec(ReadOnlySpan<char> nsec, Span<byte> secretKey)
    {
        RequireKeyLength(secretKey, nameof(secretKey));
        string? error = Bech32.Decode(nsec.Trim(), SecretKeyPrefix, secretKey);
        if (error is not null)
        {
            secretKey.Clear();
            throw new IdentityFormatException(SecretKeyPrefix, error);
        }
    }

    private static string EncodePublic(string hrp, ReadOnlySpan<byte> data)
    {
        RequireKeyLength(data, nameof(data));
        Span<char> chars = stackalloc char[EncodedLength];
        Bech32.Encode(hrp, data, chars, out int written);
        return new string(chars[..written]);
    }

    private static byte[] DecodePublic(ReadOnlySpan<char> text, string hrp)
    {
        var bytes = new byte[32];
        string? error = Bech32.Decode(text.Trim(), hrp, bytes);
        return error is null ? bytes : throw new IdentityFormatException(hrp, error);
    }

    private static void RequireKeyLength(ReadOnlySpan<byte> data, string name)
    {
        if (data.Length != 32)
        {
            throw new ArgumentException($"NIP-19 keys and ids are 32 bytes, not {data.Length}.", name);
        }
    }
}
