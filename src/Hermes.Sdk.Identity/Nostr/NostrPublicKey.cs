using Hermes.Sdk.Identity.Codecs;
using NBitcoin.Secp256k1;

namespace Hermes.Sdk.Identity.Nostr;

/// <summary>
/// A Nostr public key: the 32-byte x-only secp256k1 key of BIP-340, shown as lower-case hex or <c>npub1…</c>.
/// Instances are validated (the key is on the curve) and cache the decompressed point, so repeated verification
/// against one key does not repeat the square root.
/// </summary>
public sealed class NostrPublicKey : IEquatable<NostrPublicKey>
{
    private readonly byte[] _bytes;
    private readonly ECXOnlyPubKey _point;

    private NostrPublicKey(byte[] bytes, ECXOnlyPubKey point)
    {
        _bytes = bytes;
        _point = point;
    }

    /// <summary>The 32 key bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Creates a public key from its 32 bytes.</summary>
    /// <param name="publicKey">The x-only key.</param>
    /// <returns>The validated key.</returns>
    /// <exception cref="IdentityFormatException">The bytes are not 32 long or not the x coordinate of a curve point.</exception>
    public static NostrPublicKey FromBytes(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Bip340.KeyLength)
        {
            throw new IdentityFormatException("Nostr public key", $"expected 32 bytes, got {publicKey.Length}");
        }

        ECXOnlyPubKey point = Bip340.LiftX(publicKey)
            ?? throw new IdentityFormatException("Nostr public key", "it is not the x coordinate of a secp256k1 point");
        return new NostrPublicKey(publicKey.ToArray(), point);
    }

    /// <summary>A key already lifted by the signer that derived it.</summary>
    internal static NostrPublicKey FromVerified(byte[] bytes, ECXOnlyPubKey point) => new(bytes, point);

    /// <summary>Parses a public key written as 64 hex characters or as an <c>npub1…</c> string.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The validated key.</returns>
    /// <exception cref="IdentityFormatException">The text is not a valid public key; the message says why.</exception>
    public static NostrPublicKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ReadOnlySpan<char> trimmed = text.AsSpan().Trim();
        if (trimmed.StartsWith("npub", StringComparison.OrdinalIgnoreCase))
        {
            return FromBytes(Nip19.DecodeNpub(trimmed));
        }

        if (trimmed.StartsWith("nsec", StringComparison.OrdinalIgnoreCase))
        {
            throw new IdentityFormatException("Nostr public key", "this is a secret key (nsec), not a public key; keep it private");
        }

        if (trimmed.Length != 64 && trimmed.StartsWith("n", StringComparison.OrdinalIgnoreCase))
        {
            Nip19.ThrowIfOtherEntity(trimmed, Nip19.PublicKeyPrefix); // an nprofile, nevent, … is named as such
        }

        Span<byte> bytes = stackalloc byte[32];
        string? error = Hex.Decode(trimmed, bytes, lowerCaseOnly: false);
        return error is null ? FromBytes(bytes) : throw new IdentityFormatException("Nostr public key", $"{error} (or give an npub1… string)");
    }

    /// <summary>Tries to parse a public key written as hex or npub.</summary>
    /// <param name="text">The text.</param>
    /// <param name="key">The key, when valid.</param>
    /// <returns>Whether the text is a valid public key.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NostrPublicKey? key)
    {
        try
        {
            key = text is null ? null : Parse(text);
            return key is not null;
        }
        catch (IdentityFormatException)
        {
            key = null;
            return false;
        }
    }

    /// <summary>Verifies a BIP-340 signature by this key.</summary>
    /// <param name="message">The signed message (for Nostr events, the 32-byte id).</param>
    /// <param name="signature">The 64-byte signature.</param>
    /// <returns>Whether the signature is valid.</returns>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        Bip340.Verify(message, _point, signature);

    /// <summary>The key as 64 lower-case hex characters (the form NIP-01 events carry).</summary>
    /// <returns>The hex string.</returns>
    public string ToHex() => Convert.ToHexStringLower(_bytes);

    /// <summary>The key as a NIP-19 <c>npub1…</c> string.</summary>
    /// <returns>The npub string.</returns>
    public string ToNpub() => Nip19.EncodeNpub(_bytes);

    /// <summary>The <c>npub1…</c> form.</summary>
    /// <returns>The npub string.</returns>
    public override string ToString() => ToNpub();

    /// <inheritdoc />
    public bool Equals(NostrPublicKey? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NostrPublicKey);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);
}
