using Hermes.Sdk.Identity.Codecs;

namespace Hermes.Sdk.Identity.Nostr;

/// <summary>
/// NIP-19 entities: the bare <c>npub</c> (public key), <c>nsec</c> (secret key) and <c>note</c> (event id), each
/// exactly 32 bytes, written and read; and the TLV pointers <c>nprofile</c>, <c>nevent</c> and <c>naddr</c>, read.
/// Encoding is lower case; decoding rejects bad checksums, wrong prefixes, wrong lengths and mixed case with a message
/// that says which, and one entity given where another is expected is named (an <c>nprofile</c> is not an npub).
/// </summary>
public static class Nip19
{
    /// <summary>The human-readable prefix of a public key.</summary>
    public const string PublicKeyPrefix = "npub";

    /// <summary>The human-readable prefix of a secret key.</summary>
    public const string SecretKeyPrefix = "nsec";

    /// <summary>The human-readable prefix of an event id.</summary>
    public const string NotePrefix = "note";

    /// <summary>The human-readable prefix of a profile pointer (public key and relays).</summary>
    public const string ProfilePrefix = "nprofile";

    /// <summary>The human-readable prefix of an event pointer (id, relays, author, kind).</summary>
    public const string EventPrefix = "nevent";

    /// <summary>The human-readable prefix of an addressable event's pointer (identifier, author, kind, relays).</summary>
    public const string AddressPrefix = "naddr";

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
        nsec = nsec.Trim();
        ThrowIfOtherEntity(nsec, SecretKeyPrefix);
        string? error = Bech32.Decode(nsec, SecretKeyPrefix, secretKey);
        if (error is not null)
        {
            secretKey.Clear();
            throw new IdentityFormatException(SecretKeyPrefix, error);
        }
    }

    /// <summary>Decodes an <c>nprofile1…</c> string: a public key and relay hints.</summary>
    /// <param name="nprofile">The nprofile text.</param>
    /// <returns>The pointer.</returns>
    /// <exception cref="IdentityFormatException">The text is not a valid nprofile.</exception>
    public static NostrProfilePointer DecodeNprofile(ReadOnlySpan<char> nprofile) => Nip19Tlv.DecodeNprofile(nprofile);

    /// <summary>Decodes an <c>nevent1…</c> string: an event id with optional relays, author and kind.</summary>
    /// <param name="nevent">The nevent text.</param>
    /// <returns>The pointer.</returns>
    /// <exception cref="IdentityFormatException">The text is not a valid nevent.</exception>
    public static NostrEventPointer DecodeNevent(ReadOnlySpan<char> nevent) => Nip19Tlv.DecodeNevent(nevent);

    /// <summary>Decodes an <c>naddr1…</c> string: an addressable event's identifier, author, kind and relays.</summary>
    /// <param name="naddr">The naddr text.</param>
    /// <returns>The pointer.</returns>
    /// <exception cref="IdentityFormatException">The text is not a valid naddr.</exception>
    public static NostrAddressPointer DecodeNaddr(ReadOnlySpan<char> naddr) => Nip19Tlv.DecodeNaddr(naddr);

    /// <summary>Throws, naming the entity, when <paramref name="text"/> is a NIP-19 entity other than <paramref name="expected"/>.</summary>
    internal static void ThrowIfOtherEntity(ReadOnlySpan<char> text, string expected)
    {
        string? found = Bech32.PrefixOf(text);
        if (found is null || found == expected || Describe(found) is not { } what)
        {
            return;
        }

        string reader = found switch
        {
            ProfilePrefix => " (Nip19.DecodeNprofile reads it)",
            EventPrefix => " (Nip19.DecodeNevent reads it)",
            AddressPrefix => " (Nip19.DecodeNaddr reads it)",
            _ => string.Empty,
        };
        throw new IdentityFormatException(expected, $"expected the prefix '{expected}1', found '{found}1': this is {Article(found)} {found} ({what}), not {Article(expected)} {expected}{reader}");
    }

    private static string Article(string hrp) => hrp == NotePrefix ? "a" : "an";

    private static string? Describe(string hrp) => hrp switch
    {
        PublicKeyPrefix => "a public key",
        SecretKeyPrefix => "a secret key",
        NotePrefix => "an event id",
        ProfilePrefix => "a profile pointer: a public key with relay hints",
        EventPrefix => "an event pointer: an event id with relay hints",
        AddressPrefix => "a pointer to an addressable event",
        "nrelay" => "a relay URL",
        _ => null,
    };

    private static string EncodePublic(string hrp, ReadOnlySpan<byte> data)
    {
        RequireKeyLength(data, nameof(data));
        Span<char> chars = stackalloc char[EncodedLength];
        Bech32.Encode(hrp, data, chars, out int written);
        return new string(chars[..written]);
    }

    private static byte[] DecodePublic(ReadOnlySpan<char> text, string hrp)
    {
        text = text.Trim();
        ThrowIfOtherEntity(text, hrp);
        var bytes = new byte[32];
        string? error = Bech32.Decode(text, hrp, bytes);
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
