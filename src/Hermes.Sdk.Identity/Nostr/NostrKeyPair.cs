using System.Security.Cryptography;
using Hermes.Sdk.Identity.Codecs;

namespace Hermes.Sdk.Identity.Nostr;

/// <summary>
/// A Nostr identity: a secp256k1 secret key and its x-only public key, signing with BIP-340.
/// </summary>
/// <remarks>
/// The secret key is held in a pinned buffer that <see cref="Dispose"/> zeroes. It is never turned into a string by
/// this type: <see cref="ToString"/> shows only the npub, and exports write into caller-owned buffers.
/// </remarks>
public sealed class NostrKeyPair : IDisposable
{
    private readonly byte[] _secret;
    private readonly Bip340.SigningKey _signer;
    private bool _disposed;

    private NostrKeyPair(ReadOnlySpan<byte> secretKey)
    {
        _signer = Bip340.SigningKey.Create(secretKey);
        _secret = GC.AllocateArray<byte>(Bip340.KeyLength, pinned: true);
        secretKey.CopyTo(_secret);
        PublicKey = NostrPublicKey.FromVerified(_signer.PublicKeyBytes, _signer.PublicKey);
    }

    /// <summary>The public half of the pair.</summary>
    public NostrPublicKey PublicKey { get; }

    /// <summary>Generates a new key pair from the operating system's CSPRNG.</summary>
    /// <returns>The new key pair.</returns>
    public static NostrKeyPair Generate()
    {
        Span<byte> candidate = stackalloc byte[Bip340.KeyLength];
        try
        {
            do
            {
                RandomNumberGenerator.Fill(candidate);
            }
            while (!Bip340.IsValidSecretKey(candidate));

            return new NostrKeyPair(candidate);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(candidate);
        }
    }

    /// <summary>Creates a key pair from a 32-byte secret key.</summary>
    /// <param name="secretKey">The secret key; the caller keeps ownership (and should clear it).</param>
    /// <returns>The key pair.</returns>
    /// <exception cref="IdentityFormatException">The key is not 32 bytes or not in [1, n-1].</exception>
    public static NostrKeyPair FromSecretKey(ReadOnlySpan<byte> secretKey)
    {
        if (!Bip340.IsValidSecretKey(secretKey))
        {
            throw new IdentityFormatException(
                "Nostr secret key",
                secretKey.Length == Bip340.KeyLength ? "the value is zero or not below the curve order" : $"expected 32 bytes, got {secretKey.Length}");
        }

        return new NostrKeyPair(secretKey);
    }

    /// <summary>Creates a key pair from an <c>nsec1…</c> string.</summary>
    /// <param name="nsec">The nsec text.</param>
    /// <returns>The key pair.</returns>
    /// <exception cref="IdentityFormatException">The text is not a valid nsec; the message never contains it.</exception>
    public static NostrKeyPair FromNsec(ReadOnlySpan<char> nsec)
    {
        Span<byte> secret = stackalloc byte[Bip340.KeyLength];
        try
        {
            Nip19.DecodeNsec(nsec, secret);
            return FromSecretKey(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Creates a key pair from 64 hex characters.</summary>
    /// <param name="hex">The secret key in hex.</param>
    /// <returns>The key pair.</returns>
    /// <exception cref="IdentityFormatException">The text is not 64 hex digits; the message never contains it.</exception>
    public static NostrKeyPair FromHex(ReadOnlySpan<char> hex)
    {
        Span<byte> secret = stackalloc byte[Bip340.KeyLength];
        try
        {
            string? error = Hex.Decode(hex.Trim(), secret, lowerCaseOnly: false);
            return error is null ? FromSecretKey(secret) : throw new IdentityFormatException("Nostr secret key (hex)", error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// Creates a key pair from text holding either an <c>nsec1…</c> string or 64 hex characters.
    /// </summary>
    /// <param name="text">The secret key text.</param>
    /// <returns>The key pair.</returns>
    /// <exception cref="IdentityFormatException">The text is neither; the message never contains it.</exception>
    public static NostrKeyPair Parse(ReadOnlySpan<char> text)
    {
        ReadOnlySpan<char> trimmed = text.Trim();
        if (trimmed.StartsWith("npub", StringComparison.OrdinalIgnoreCase))
        {
            throw new IdentityFormatException("Nostr secret key", "this is a public key (npub); a secret key (nsec1… or hex) is needed");
        }

        // nsec1…, or another NIP-19 entity that FromNsec names; anything else should be hex.
        return trimmed.StartsWith("n", StringComparison.OrdinalIgnoreCase) && trimmed.Length != 64 ? FromNsec(trimmed) : FromHex(trimmed);
    }

    /// <summary>Signs <paramref name="message"/> with fresh auxiliary randomness from the CSPRNG.</summary>
    /// <param name="message">The message (for Nostr events, the 32-byte id).</param>
    /// <param name="signature">Destination for the 64-byte signature.</param>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Span<byte> aux = stackalloc byte[Bip340.KeyLength];
        RandomNumberGenerator.Fill(aux);
        Sign(message, aux, signature);
    }

    /// <summary>Signs <paramref name="message"/> with caller-supplied auxiliary randomness.</summary>
    /// <param name="message">The message.</param>
    /// <param name="auxRand">32 bytes; all zero gives deterministic signatures (test vectors).</param>
    /// <param name="signature">Destination for the 64-byte signature.</param>
    public void Sign(ReadOnlySpan<byte> message, ReadOnlySpan<byte> auxRand, Span<byte> signature)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _signer.Sign(message, auxRand, signature);
    }

    /// <summary>Signs <paramref name="message"/> and returns the 64-byte signature.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The signature.</returns>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[Bip340.SignatureLength];
        Sign(message, signature);
        return signature;
    }

    /// <summary>Copies the 32-byte secret key into a caller-owned buffer (clear it when done).</summary>
    /// <param name="destination">At least 32 bytes.</param>
    public void ExportSecretKey(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _secret.CopyTo(destination);
    }

    /// <summary>Writes the <c>nsec1…</c> form into a caller-owned buffer (clear it when done).</summary>
    /// <param name="destination">At least <see cref="Nip19.EncodedLength"/> characters.</param>
    /// <returns>The number of characters written.</returns>
    public int ExportNsec(Span<char> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Nip19.EncodeNsec(_secret, destination);
    }

    /// <summary>Shows the public key only.</summary>
    /// <returns><c>NostrKeyPair(npub1…)</c>.</returns>
    public override string ToString() => $"NostrKeyPair({PublicKey.ToNpub()})";

    /// <summary>Zeroes the secret key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_secret);
            _signer.Dispose();
            _disposed = true;
        }
    }
}
