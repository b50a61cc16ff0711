using Hermes.Sdk.Identity.NKeys;
using NSec.Cryptography;

namespace NATS.NKeys;

/// <summary>
/// An NKey signing key pair, the surface NATS.Net uses to answer a server's nonce challenge.
/// </summary>
public sealed class KeyPair : IDisposable
{
    private readonly Key _key;
    private readonly string _publicKey;

    private KeyPair(Key key, string publicKey)
    {
        _key = key;
        _publicKey = publicKey;
    }

    /// <summary>Creates a key pair from an NKey seed (<c>S…</c>).</summary>
    /// <param name="seed">The encoded seed.</param>
    /// <returns>The key pair.</returns>
    /// <exception cref="ArgumentException">The seed is malformed; the message never contains the seed.</exception>
    public static KeyPair FromSeed(ReadOnlySpan<char> seed)
    {
        Span<byte> raw = stackalloc byte[NKeyCodec.KeyLength];
        try
        {
            int prefix = NKeyCodec.DecodeSeed(seed, raw, out string? error);
            if (prefix < 0)
            {
                throw new ArgumentException($"Invalid NKey seed: {error}.", nameof(seed));
            }

            var key = Key.Import(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPrivateKey);
            Span<byte> pub = stackalloc byte[NKeyCodec.KeyLength];
            key.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, pub, out _);
            return new KeyPair(key, NKeyCodec.EncodePublic((byte)prefix, pub));
        }
        finally
        {
            raw.Clear();
        }
    }

    /// <summary>Signs <paramref name="input"/> with Ed25519, writing 64 bytes to <paramref name="signature"/>.</summary>
    /// <param name="input">The data to sign (the server's nonce).</param>
    /// <param name="signature">Destination of at least 64 bytes.</param>
    public void Sign(ReadOnlyMemory<byte> input, Memory<byte> signature) =>
        SignatureAlgorithm.Ed25519.Sign(_key, input.Span, signature.Span[..SignatureAlgorithm.Ed25519.SignatureSize]);

    /// <summary>The encoded public key.</summary>
    /// <returns>The public key string (for example <c>U…</c> for a user).</returns>
    public string GetPublicKey() => _publicKey;

    /// <summary>Releases the private key.</summary>
    public void Dispose() => _key.Dispose();
}
