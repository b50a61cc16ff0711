using System.Buffers;
using NATS.NKeys;

namespace Hermes.Sdk.Identity.NKeys;

/// <summary>
/// A NATS NKey public key (<c>U…</c>, <c>A…</c>, <c>O…</c>, <c>N…</c> or <c>C…</c>): an Ed25519 public key with
/// its role, validated by checksum on parse.
/// </summary>
public sealed class NKeyPublicKey : IEquatable<NKeyPublicKey>
{
    private readonly byte[] _bytes;
    private readonly KeyPair _key;

    private NKeyPublicKey(NKeyRole role, byte[] bytes, string encoded)
    {
        Role = role;
        _bytes = bytes;
        Value = encoded;
        _key = KeyPair.FromPublicKey(encoded);
    }

    /// <summary>The role the key is encoded for.</summary>
    public NKeyRole Role { get; }

    /// <summary>The encoded key, as NATS configuration and JWTs carry it.</summary>
    public string Value { get; }

    /// <summary>The 32-byte Ed25519 public key.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Creates a public key from its raw Ed25519 bytes and role.</summary>
    /// <param name="role">The role.</param>
    /// <param name="publicKey">32 bytes.</param>
    /// <returns>The key.</returns>
    public static NKeyPublicKey FromBytes(NKeyRole role, ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != NKeyCodec.KeyLength)
        {
            throw new IdentityFormatException("NKey public key", $"expected 32 bytes, got {publicKey.Length}");
        }

        return new NKeyPublicKey(role, publicKey.ToArray(), NKeyCodec.EncodePublic(role.Prefix(), publicKey));
    }

    /// <summary>Parses an encoded public key.</summary>
    /// <param name="text">The encoded key.</param>
    /// <param name="expectedRole">When given, a key of another role is rejected.</param>
    /// <returns>The key.</returns>
    /// <exception cref="IdentityFormatException">The text is not a valid public key (or not of the expected role).</exception>
    public static NKeyPublicKey Parse(string text, NKeyRole? expectedRole = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new byte[NKeyCodec.KeyLength];
        int prefix = NKeyCodec.DecodePublic(text, bytes, out string? error);
        if (prefix < 0)
        {
            throw new IdentityFormatException("NKey public key", error!);
        }

        NKeyRole role = NKeyRoles.FromPrefix(prefix);
        if (expectedRole is { } expected && expected != role)
        {
            throw new IdentityFormatException("NKey public key", $"expected a {expected} key, got a {role} key");
        }

        return new NKeyPublicKey(role, bytes, text);
    }

    /// <summary>Tries to parse an encoded public key.</summary>
    /// <param name="text">The encoded key.</param>
    /// <param name="key">The key, when valid.</param>
    /// <returns>Whether the text is a valid public key.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NKeyPublicKey? key)
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

    /// <summary>Verifies an Ed25519 signature by this key.</summary>
    /// <param name="data">The signed data.</param>
    /// <param name="signature">The 64-byte signature.</param>
    /// <returns>Whether the signature is valid.</returns>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != NKeyCodec.SignatureLength)
        {
            return false;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(data.Length + NKeyCodec.SignatureLength);
        try
        {
            data.CopyTo(rented);
            signature.CopyTo(rented.AsSpan(data.Length));
            return _key.Verify(rented.AsMemory(0, data.Length), rented.AsMemory(data.Length, NKeyCodec.SignatureLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The encoded key.</summary>
    /// <returns><see cref="Value"/>.</returns>
    public override string ToString() => Value;

    /// <inheritdoc />
    public bool Equals(NKeyPublicKey? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NKeyPublicKey);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);
}
