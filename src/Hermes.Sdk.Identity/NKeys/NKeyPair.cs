using System.Buffers;
using System.Security.Cryptography;
using NATS.NKeys;

namespace Hermes.Sdk.Identity.NKeys;

/// <summary>
/// A NATS NKey: an Ed25519 key pair with a role, stored as a seed (<c>S…</c>). Signing and verification are the NATS
/// project's own <c>NATS.NKeys</c> (the package NATS.Net authenticates with); this type adds the role, precise
/// messages for malformed seeds, and a seed that never becomes a string: it is kept in a pinned buffer that
/// <see cref="Dispose"/> zeroes, and exported only into caller-owned buffers.
/// </summary>
/// <remarks>
/// A new pair is made from 32 bytes of the operating system's CSPRNG handed to <c>KeyPair.FromSeed</c>, not by
/// <c>KeyPair.CreatePair</c>: that one can give its seed back only as an immutable string, which cannot be cleared.
/// </remarks>
public sealed class NKeyPair : IDisposable
{
    private readonly KeyPair _pair;
    private readonly char[] _seed;
    private bool _disposed;

    private NKeyPair(KeyPair pair, char[] seed, NKeyRole role)
    {
        _pair = pair;
        _seed = seed;
        Role = role;
        PublicKey = NKeyPublicKey.Parse(pair.GetPublicKey(), role);
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
    /// <exception cref="IdentityFormatException">The seed is not 32 bytes.</exception>
    public static NKeyPair FromRawSeed(NKeyRole role, ReadOnlySpan<byte> seed)
    {
        byte prefix = role.Prefix();
        if (seed.Length != NKeyCodec.KeyLength)
        {
            throw new IdentityFormatException("NKey seed", $"expected 32 bytes, got {seed.Length}");
        }

        char[] encoded = GC.AllocateArray<char>(NKeyCodec.SeedTextLength, pinned: true);
        NKeyCodec.EncodeSeed(prefix, seed, encoded);
        return new NKeyPair(KeyPair.FromSeed(encoded), encoded, role);
    }

    /// <summary>Creates a key pair from an encoded seed (<c>SU…</c>, <c>SA…</c>, <c>SO…</c>, <c>SN…</c>, <c>SC…</c>).</summary>
    /// <param name="seed">The encoded seed.</param>
    /// <returns>The key pair.</returns>
    /// <exception cref="IdentityFormatException">The seed is malformed; the message never contains it.</exception>
    public static NKeyPair FromSeed(ReadOnlySpan<char> seed)
    {
        ReadOnlySpan<char> trimmed = seed.Trim();
        Span<byte> raw = stackalloc byte[NKeyCodec.KeyLength];
        try
        {
            // Our decoder first, for a message that says what is wrong; NATS.NKeys then reads the same text.
            int prefix = NKeyCodec.DecodeSeed(trimmed, raw, out string? error);
            if (prefix < 0)
            {
                throw new IdentityFormatException("NKey seed", error!);
            }

            char[] encoded = GC.AllocateArray<char>(NKeyCodec.SeedTextLength, pinned: true);
            trimmed.CopyTo(encoded);
            return new NKeyPair(KeyPair.FromSeed(encoded), encoded, NKeyRoles.FromPrefix(prefix));
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
        if (signature.Length < NKeyCodec.SignatureLength)
        {
            throw new ArgumentException($"The signature destination must hold {NKeyCodec.SignatureLength} bytes.", nameof(signature));
        }

        byte[] result = Sign(data);
        result.CopyTo(signature);
        return result.Length;
    }

    /// <summary>Signs <paramref name="data"/> with Ed25519.</summary>
    /// <param name="data">The data.</param>
    /// <returns>The 64-byte signature.</returns>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var signature = new byte[NKeyCodec.SignatureLength];
        byte[] rented = ArrayPool<byte>.Shared.Rent(data.Length);
        try
        {
            data.CopyTo(rented);
            _pair.Sign(rented.AsMemory(0, data.Length), signature);
            return signature;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

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
        ObjectDisposedException.ThrowIf(_disposed, this);
        _seed.CopyTo(destination[..NKeyCodec.SeedTextLength]);
        return NKeyCodec.SeedTextLength;
    }

    /// <summary>Shows the role and public key only.</summary>
    /// <returns><c>NKeyPair(User, U…)</c>.</returns>
    public override string ToString() => $"NKeyPair({Role}, {PublicKey.Value})";

    /// <summary>Zeroes the seed and releases the private key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            Array.Clear(_seed);
            _pair.Dispose();
            _disposed = true;
        }
    }
}
