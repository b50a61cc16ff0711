using System.Security.Cryptography;
using NSec.Cryptography;

namespace Hermes.Sdk.Identity.NKeys;

/// <summary>
/// A NATS NKey: an Ed25519 key pair with a role, stored as a seed (<c>S…</c>). The private key lives in
/// libsodium-managed memory (NSec) and is released by <see cref="Dispose"/>.
/// </summary>
public sealed class NKeyPair : IDisposable
{
    private readonly Key _key;

    private NKeyPair(Key key, NKeyRole role)
    {
        _key = key;
        Role = role;
        Span<byte> pub = stackalloc byte[NKeyCodec.KeyLength];
        key.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, pub, out _);
        PublicKey = NKeyPublicKey.FromBytes(role, pub);
    }

    /// <summary>The role.</summary>
    public NKeyRole Role { get; }

    /// <summary>The public key (safe to share, log and put in server configuration).</summary>
    public NKeyPublicKey PublicKey { get; }

    /// <summary>Generates a new key pair from the operating system's CSPRNG.</summary>
    /// <param name="role">The role; <see cref="NKeyRole.User"/> for an agent on the fleet bus.</param>
    /// <returns>The new key pair.</returns>
    public static NKeyPair Create(NKeyRole role = NKeyRole.User)
    {
        _ = role.Prefix();
        Span<byte> seed = stackalloc byte[NKeyCodec.KeyLength];
        try
        {
            RandomNumberGenerator.Fill(seed);
            return FromRawSeed(role, seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Creates a key pair from a 32-byte Ed25519 seed.</summary>
    /// <param name="role">The role.</param>
    /// <param name="seed">The raw seed; the caller keeps ownership (and should clear it).</param>
    /// <returns>The key pair.</returns>
    public static NKeyPair FromRawSeed(NKeyRole role, ReadOnlySpan<byte> seed)
    {
        _ = role.Prefix();
        if (seed.Length != NKeyCodec.KeyLength)
        {
            throw new IdentityFormatException("NKey seed", $"expected 32 bytes, got {seed.Length}");
        }

        return new NKeyPair(Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }), role);
    }

    /// <summary>Creates a key pair from an encoded seed (<c>SU…</c>, <c>SA…</c>, <c>SO…</c>, <c>SN…</c>, <c>SC…</c>).</summary>
    /// <param name="seed">The encoded seed.</param>
    /// <returns>The key pair.</returns>
    /// <exception cref="IdentityFormatException">The seed is malformed; the message never contains it.</exception>
    public static NKeyPair FromSeed(ReadOnlySpan<char> seed)
    {
        Span<byte> raw = stackalloc byte[NKeyCodec.KeyLength];
        try
        {
            int prefix = NKeyCodec.DecodeSeed(seed.Trim(), raw, out string? error);
            if (prefix < 0)
            {
                throw new IdentityFormatException("NKey seed", error!);
            }

            return FromRawSeed(NKeyRoles.FromPrefix(prefix), raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>Signs <paramref name="data"/> with Ed25519.</summary>
    /// <param name="data">The data.</param>
    /// <param name="signature">Destination of at least 64 bytes.</param>
    /// <returns>The number of bytes written (64).</returns>
    public int Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        int size = SignatureAlgorithm.Ed25519.SignatureSize;
        SignatureAlgorithm.Ed25519.Sign(_key, data, signature[..size]);
        return size;
    }

    /// <summary>Signs <paramref name="data"/> with Ed25519.</summary>
    /// <param name="data">The data.</param>
    /// <returns>The 64-byte signature.</returns>
    public byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    /// <summary>Verifies a signature by this key pair's public key.</summary>
    /// <param name="data">The data.</param>
    /// <param name="signature">The signature.</param>
    /// <returns>Whether it is valid.</returns>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => PublicKey.Verify(data, signature);

    /// <summary>
    /// Writes the encoded seed into a caller-owned buffer (clear it when done). The seed is the secret: never log it
    /// or pass it on a command line.
    /// </summary>
    /// <param name="destination">At least 58 characters.</param>
    /// <returns>The number of characters written (58).</returns>
    public int ExportSeed(Span<char> destination)
    {
        Span<byte> raw = stackalloc byte[NKeyCodec.KeyLength];
        try
        {
            _key.TryExport(KeyBlobFormat.RawPrivateKey, raw, out _);
            NKeyCodec.EncodeSeed(Role.Prefix(), raw, destination[..NKeyCodec.SeedTextLength]);
            return NKeyCodec.SeedTextLength;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>Shows the role and public key only.</summary>
    /// <returns><c>NKeyPair(User, U…)</c>.</returns>
    public override string ToString() => $"NKeyPair({Role}, {PublicKey.Value})";

    /// <summary>Releases the private key.</summary>
    public void Dispose() => _key.Dispose();
}
