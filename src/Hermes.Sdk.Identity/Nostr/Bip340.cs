using System.Buffers;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Utilities;
using ECCurve = Org.BouncyCastle.Math.EC.ECCurve;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Hermes.Sdk.Identity.Nostr;

/// <summary>
/// BIP-340 Schnorr signatures over secp256k1 with x-only public keys, as Nostr uses them.
/// </summary>
/// <remarks>
/// The curve arithmetic is BouncyCastle's specialised secp256k1 implementation. Multiplications by a secret
/// scalar (public-key derivation and the nonce point) use a fixed-point comb multiplier over a table precomputed
/// once for the generator; verification uses an interleaved, GLV-accelerated double multiplication.
/// Messages may be of any length (BIP-340 allows it); Nostr signs the 32-byte event id.
/// </remarks>
public static class Bip340
{
    /// <summary>Length of a secret key, an x-only public key and an auxiliary random value.</summary>
    public const int KeyLength = 32;

    /// <summary>Length of a signature.</summary>
    public const int SignatureLength = 64;

    private static readonly X9ECParameters Secp256k1 = CustomNamedCurves.GetByName("secp256k1");
    private static readonly ECCurve Curve = Secp256k1.Curve;
    private static readonly ECPoint G = Secp256k1.G;
    private static readonly BigInteger N = Secp256k1.N;
    private static readonly BigInteger P = Curve.Field.Characteristic;
    private static readonly FixedPointCombMultiplier Comb = new();

    private static readonly byte[] AuxTag = TagPrefix("BIP0340/aux");
    private static readonly byte[] NonceTag = TagPrefix("BIP0340/nonce");
    private static readonly byte[] ChallengeTag = TagPrefix("BIP0340/challenge");

    static Bip340()
    {
        // Build the comb table for G once, so the first signature is not the slow one.
        FixedPointUtilities.Precompute(G);
    }

    /// <summary>Whether <paramref name="secretKey"/> is a valid secret key: 32 bytes, in [1, n-1].</summary>
    /// <param name="secretKey">The candidate secret key.</param>
    /// <returns><see langword="true"/> when it can sign.</returns>
    public static bool IsValidSecretKey(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != KeyLength)
        {
            return false;
        }

        var d = new BigInteger(1, secretKey);
        return d.SignValue > 0 && d.CompareTo(N) < 0;
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
        BigInteger e = new BigInteger(1, hash).Mod(N);

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
    /// A secret key prepared for signing: the scalar already negated for an even-y public key, and the
    /// x-only public key cached, so one signature costs one comb multiplication.
    /// </summary>
    internal sealed class SigningKey
    {
        private readonly BigInteger _d;

        private SigningKey(BigInteger d, byte[] publicKey, ECPoint publicPoint)
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

            var d0 = new BigInteger(1, secretKey);
            if (d0.SignValue == 0 || d0.CompareTo(N) >= 0)
            {
                throw new ArgumentException("The secret key is out of range (it must be between 1 and n-1).", nameof(secretKey));
            }

            ECPoint p = Comb.Multiply(G, d0).Normalize();
            BigInteger d = p.AffineYCoord.TestBitZero() ? N.Subtract(d0) : d0;
            ECPoint even = p.AffineYCoord.TestBitZero() ? p.Negate().Normalize() : p;
            return new SigningKey(d, p.AffineXCoord.GetEncoded(), even);
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
            Span<byte> rand = stackalloc byte[32];
            try
            {
                TaggedHash(AuxTag, auxRand, default, default, t);
                Span<byte> dBytes = stackalloc byte[32];
                BigIntegers.AsUnsignedByteArray(_d, dBytes);
                for (int i = 0; i < 32; i++)
                {
                    t[i] ^= dBytes[i];
                }

                dBytes.Clear();
                TaggedHash(NonceTag, t, PublicKey, message, rand);
                BigInteger k0 = new BigInteger(1, rand).Mod(N);
                if (k0.SignValue == 0)
                {
                    throw new CryptographicException("BIP-340 nonce is zero (probability 2^-256); sign again with fresh aux_rand.");
                }

                ECPoint r = Comb.Multiply(G, k0).Normalize();
                BigInteger k = r.AffineYCoord.TestBitZero() ? N.Subtract(k0) : k0;
                Span<byte> rx = signature[..32];
                r.AffineXCoord.EncodeTo(rx);

                Span<byte> hash = stackalloc byte[32];
                TaggedHash(ChallengeTag, rx, PublicKey, message, hash);
                BigInteger e = new BigInteger(1, hash).Mod(N);
                BigIntegers.AsUnsignedByteArray(k.Add(e.Multiply(_d)).Mod(N), signature.Slice(32, 32));
            }
            finally
            {
                t.Clear();
                rand.Clear();
            }
        }
    }
}
