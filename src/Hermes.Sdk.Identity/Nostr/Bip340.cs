using System.Buffers;
using System.Security.Cryptography;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using ECCurve = Org.BouncyCastle.Math.EC.ECCurve;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;
using Scalar = System.Numerics.BigInteger;

namespace Hermes.Sdk.Identity.Nostr;

/// <summary>
/// BIP-340 Schnorr signatures over secp256k1 with x-only public keys, as Nostr uses them.
/// </summary>
/// <remarks>
/// The curve arithmetic is BouncyCastle's specialised secp256k1 implementation. Multiplications by a secret
/// scalar (public-key derivation and the nonce point) use a fixed-point multi-comb over a table precomputed once
/// for the generator, read in constant time (<see cref="Secp256k1Generator"/>); verification uses BouncyCastle's
/// interleaved, GLV-accelerated double multiplication. Messages may be of any length (BIP-340 allows it); Nostr
/// signs the 32-byte event id.
/// </remarks>
public static class Bip340
{
    /// <summary>Length of a secret key, an x-only public key and an auxiliary random value.</summary>
    public const int KeyLength = 32;

    /// <summary>Length of a signature.</summary>
    public const int SignatureLength = 64;

    private static readonly ECCurve Curve = Secp256k1Generator.Curve.Curve;
    private static readonly ECPoint G = Secp256k1Generator.Curve.G;
    private static readonly BigInteger N = Secp256k1Generator.Curve.N;
    private static readonly BigInteger P = Curve.Field.Characteristic;
    private static readonly Scalar Order = new(N.ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true);

    private static readonly byte[] AuxTag = TagPrefix("BIP0340/aux");
    private static readonly byte[] NonceTag = TagPrefix("BIP0340/nonce");
    private static readonly byte[] ChallengeTag = TagPrefix("BIP0340/challenge");

    /// <summary>Whether <paramref name="secretKey"/> is a valid secret key: 32 bytes, in [1, n-1].</summary>
    /// <param name="secretKey">The candidate secret key.</param>
    /// <returns><see langword="true"/> when it can sign.</returns>
    public static bool IsValidSecretKey(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != KeyLength)
        {
            return false;
        }

        var d = new Scalar(secretKey, isUnsigned: true, isBigEndian: true);
        return !d.IsZero && d < Order;
    }

    /// <summary>Derives the 32-byte x-only public key of <paramref name="secretKey"/>.</summary>
    /// <param name="secretKey">A 32-byte secret key.</param>
    /// <param name="publicKey">Destination for the 32-byte x-only public key.</param>
    /// <exception cref="ArgumentException">The secret key is not in [1, n-1].</exception>
    public static void GetPublicKey(ReadOnlySpan<byte> secretKey, Span<byte> publicKey)
    {
        var signer = SigningKey.Create(secretKey);
        signer.PublicKey.CopyTo(publicKey);
    }

    /// <summary>Signs <paramref name="message"/> with BIP-340.</summary>
    /// <param name="message">The message (for Nostr, the 32-byte event id).</param>
    /// <param name="secretKey">The 32-byte secret key.</param>
    /// <param name="auxRand">32 bytes of fresh randomness (all zero gives deterministic signatures, as in the test vectors).</param>
    /// <param name="signature">Destination for the 64-byte signature.</param>
    /// <exception cref="ArgumentException">A length is wrong or the secret key is not in [1, n-1].</exception>
    public static void Sign(ReadOnlySpan<byte> message, ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> auxRand, Span<byte> signature) =>
        SigningKey.Create(secretKey).Sign(message, auxRand, signature);

    /// <summary>Verifies a BIP-340 signature.</summary>
    /// <param name="message">The signed message.</param>
    /// <param name="publicKey">The 32-byte x-only public key.</param>
    /// <param name="signature">The 64-byte signature.</param>
    /// <returns><see langword="true"/> only for a valid signature; any malformed input gives <see langword="false"/>.</returns>
    public static bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != KeyLength)
        {
            return false;
        }

        ECPoint? point = LiftX(publicKey);
        return point is not null && Verify(message, point, publicKey, signature);
    }

    /// <summary>lift_x: the curve point with x coordinate <paramref name="x"/> and even y, or null.</summary>
    internal static ECPoint? LiftX(ReadOnlySpan<byte> x)
    {
        var xi = new BigInteger(1, x);
        if (xi.CompareTo(P) >= 0)
        {
            return null;
        }

        ECFieldElement fx = Curve.FromBigInteger(xi);
        ECFieldElement? fy = fx.Square().Multiply(fx).Add(Curve.B).Sqrt();
        if (fy is null)
        {
            return null;
        }

        if (fy.TestBitZero())
        {
            fy = fy.Negate();
        }

        return Curve.CreatePoint(xi, fy.ToBigInteger());
    }

    /// <summary>Verifies against an already lifted public key point.</summary>
    internal static bool Verify(ReadOnlySpan<byte> message, ECPoint publicPoint, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            return false;
        }

        var r = new BigInteger(1, signature[..32]);
        var s = new BigInteger(1, signature[32..]);
        if (r.CompareTo(P) >= 0 || s.CompareTo(N) >= 0)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[32];
        TaggedHash(ChallengeTag, signature[..32], publicKey, message, hash);
        var e = new BigInteger(1, hash);
        if (e.CompareTo(N) >= 0)
        {
            e = e.Subtract(N); // a 256-bit hash is below 2n: one subtraction reduces it
        }

        // R = s*G - e*P
        ECPoint rPoint = ECAlgorithms.SumOfTwoMultiplies(G, s, publicPoint.Negate(), e).Normalize();
        if (rPoint.IsInfinity || rPoint.AffineYCoord.TestBitZero())
        {
            return false;
        }

        return rPoint.AffineXCoord.ToBigInteger().Equals(r);
    }

    /// <summary>
    /// tagged_hash(tag, a || b || c) = SHA-256(SHA-256(tag) || SHA-256(tag) || a || b || c).
    /// </summary>
    internal static void TaggedHash(byte[] tagPrefix, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> destination)
    {
        int length = tagPrefix.Length + a.Length + b.Length + c.Length;
        byte[]? rented = null;
        Span<byte> buffer = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            tagPrefix.CopyTo(buffer);
            a.CopyTo(buffer[tagPrefix.Length..]);
            b.CopyTo(buffer[(tagPrefix.Length + a.Length)..]);
            c.CopyTo(buffer[(tagPrefix.Length + a.Length + b.Length)..]);
            SHA256.HashData(buffer[..length], destination);
        }
        finally
        {
            buffer[..length].Clear();
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static byte[] TagPrefix(string tag)
    {
        byte[] h = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tag));
        return [.. h, .. h];
    }

    /// <summary>
    /// A secret key prepared for signing: the scalar already negated for an even-y public key (kept in a pinned
    /// buffer that <see cref="Clear"/> zeroes), and the x-only public key cached, so one signature costs one
    /// fixed-point multiplication.
    /// </summary>
    internal sealed class SigningKey
    {
        private readonly byte[] _d;

        private SigningKey(byte[] d, byte[] publicKey, ECPoint publicPoint)
        {
            _d = d;
            PublicKey = publicKey;
            PublicPoint = publicPoint;
        }

        public byte[] PublicKey { get; }

        public ECPoint PublicPoint { get; }

        public static SigningKey Create(ReadOnlySpan<byte> secretKey)
        {
            if (secretKey.Length != KeyLength)
            {
                throw new ArgumentException($"A secret key is {KeyLength} bytes, not {secretKey.Length}.", nameof(secretKey));
            }

            if (!IsValidSecretKey(secretKey))
            {
                throw new ArgumentException("The secret key is out of range (it must be between 1 and n-1).", nameof(secretKey));
            }

            ECPoint p = Secp256k1Generator.Multiply(secretKey);
            byte[] d = GC.AllocateArray<byte>(KeyLength, pinned: true);
            if (p.AffineYCoord.TestBitZero())
            {
                WriteScalar(Order - new Scalar(secretKey, isUnsigned: true, isBigEndian: true), d);
                p = p.Negate().Normalize();
            }
            else
            {
                secretKey.CopyTo(d);
            }

            return new SigningKey(d, p.AffineXCoord.GetEncoded(), p);
        }

        public void Sign(ReadOnlySpan<byte> message, ReadOnlySpan<byte> auxRand, Span<byte> signature)
        {
            if (auxRand.Length != KeyLength)
            {
                throw new ArgumentException($"aux_rand is {KeyLength} bytes, not {auxRand.Length}.", nameof(auxRand));
            }

            if (signature.Length < SignatureLength)
            {
                throw new ArgumentException($"The signature destination must hold {SignatureLength} bytes.", nameof(signature));
            }

            Span<byte> t = stackalloc byte[32];
            Span<byte> k0 = stackalloc byte[32];
            try
            {
                // t = bytes(d) xor hash_aux(a); rand = hash_nonce(t || bytes(P) || m); k' = int(rand) mod n
                TaggedHash(AuxTag, auxRand, default, default, t);
                for (int i = 0; i < 32; i++)
                {
                    t[i] ^= _d[i];
                }

                TaggedHash(NonceTag, t, PublicKey, message, k0);
                var k = new Scalar(k0, isUnsigned: true, isBigEndian: true) % Order;
                if (k.IsZero)
                {
                    throw new CryptographicException("BIP-340 nonce is zero (probability 2^-256); sign again with fresh aux_rand.");
                }

                WriteScalar(k, k0);
                ECPoint r = Secp256k1Generator.Multiply(k0);
                if (r.AffineYCoord.TestBitZero())
                {
                    k = Order - k;
                }

                Span<byte> rx = signature[..32];
                r.AffineXCoord.EncodeTo(rx);

                // e = int(hash_challenge(bytes(R) || bytes(P) || m)) mod n; sig = bytes(R) || bytes((k + e·d) mod n)
                Span<byte> hash = stackalloc byte[32];
                TaggedHash(ChallengeTag, rx, PublicKey, message, hash);
                var e = new Scalar(hash, isUnsigned: true, isBigEndian: true);
                var d = new Scalar(_d, isUnsigned: true, isBigEndian: true);
                WriteScalar((k + (e * d)) % Order, signature.Slice(32, 32));
            }
            finally
            {
                t.Clear();
                k0.Clear();
            }
        }

        /// <summary>Zeroes the secret scalar.</summary>
        public void Clear() => CryptographicOperations.ZeroMemory(_d);

        private static void WriteScalar(Scalar value, Span<byte> destination)
        {
            destination.Clear();
            int length = value.GetByteCount(isUnsigned: true);
            value.TryWriteBytes(destination[(32 - length)..], out _, isUnsigned: true, isBigEndian: true);
        }
    }
}
