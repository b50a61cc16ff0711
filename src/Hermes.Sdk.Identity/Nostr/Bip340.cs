using System.Security.Cryptography;
using NBitcoin.Secp256k1;
using Sha256 = NBitcoin.Secp256k1.SHA256;

namespace Hermes.Sdk.Identity.Nostr;

/// <summary>
/// BIP-340 Schnorr signatures over secp256k1 with x-only public keys, as Nostr uses them.
/// </summary>
/// <remarks>
/// <para>
/// All curve, field and scalar arithmetic is NBitcoin.Secp256k1's (a C# port of libsecp256k1: constant-time
/// generator multiplication with blinding, constant-time scalars). Hermes adds no arithmetic of its own.
/// </para>
/// <para>
/// Nostr signs the 32-byte event id, and 32-byte messages go straight to NBitcoin.Secp256k1's
/// <c>ECPrivKey.TrySignBIP340</c> and <c>ECXOnlyPubKey.SigVerifyBIP340</c>. BIP-340 allows messages of any length
/// (the official vectors 15–18 sign 0, 1, 17 and 100 bytes), which NBitcoin.Secp256k1 4.0 refuses; for those the
/// same steps of the BIP are composed from NBitcoin.Secp256k1's own primitives — its tagged SHA-256, its
/// <see cref="ECMultGenContext"/> for k·G and its <see cref="ECMultContext"/> for s·G − e·P.
/// </para>
/// </remarks>
public static class Bip340
{
    /// <summary>Length of a secret key, an x-only public key and an auxiliary random value.</summary>
    public const int KeyLength = 32;

    /// <summary>Length of a signature.</summary>
    public const int SignatureLength = 64;

    private const int NostrMessageLength = 32;

    /// <summary>Whether <paramref name="secretKey"/> is a valid secret key: 32 bytes, in [1, n-1].</summary>
    /// <param name="secretKey">The candidate secret key.</param>
    /// <returns><see langword="true"/> when it can sign.</returns>
    public static bool IsValidSecretKey(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != KeyLength)
        {
            return false;
        }

        var scalar = new Scalar(secretKey, out int overflow);
        bool valid = overflow == 0 && !scalar.IsZero;
        Scalar.Clear(ref scalar);
        return valid;
    }

    /// <summary>Derives the 32-byte x-only public key of <paramref name="secretKey"/>.</summary>
    /// <param name="secretKey">A 32-byte secret key.</param>
    /// <param name="publicKey">Destination for the 32-byte x-only public key.</param>
    /// <exception cref="ArgumentException">The secret key is not in [1, n-1].</exception>
    public static void GetPublicKey(ReadOnlySpan<byte> secretKey, Span<byte> publicKey)
    {
        using var signer = SigningKey.Create(secretKey);
        signer.PublicKeyBytes.CopyTo(publicKey);
    }

    /// <summary>Signs <paramref name="message"/> with BIP-340.</summary>
    /// <param name="message">The message (for Nostr, the 32-byte event id).</param>
    /// <param name="secretKey">The 32-byte secret key.</param>
    /// <param name="auxRand">32 bytes of fresh randomness (all zero gives deterministic signatures, as in the test vectors).</param>
    /// <param name="signature">Destination for the 64-byte signature.</param>
    /// <exception cref="ArgumentException">A length is wrong or the secret key is not in [1, n-1].</exception>
    public static void Sign(ReadOnlySpan<byte> message, ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> auxRand, Span<byte> signature)
    {
        using var signer = SigningKey.Create(secretKey);
        signer.Sign(message, auxRand, signature);
    }

    /// <summary>Verifies a BIP-340 signature.</summary>
    /// <param name="message">The signed message.</param>
    /// <param name="publicKey">The 32-byte x-only public key.</param>
    /// <param name="signature">The 64-byte signature.</param>
    /// <returns><see langword="true"/> only for a valid signature; any malformed input gives <see langword="false"/>.</returns>
    public static bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> signature) =>
        LiftX(publicKey) is { } key && Verify(message, key, signature);

    /// <summary>lift_x: the public key whose x coordinate is <paramref name="x"/> (even y), or null when there is none.</summary>
    internal static ECXOnlyPubKey? LiftX(ReadOnlySpan<byte> x) =>
        x.Length == KeyLength && ECXOnlyPubKey.TryCreate(x, out ECXOnlyPubKey? key) ? key : null;

    /// <summary>Verifies against an already lifted public key.</summary>
    internal static bool Verify(ReadOnlySpan<byte> message, ECXOnlyPubKey publicKey, ReadOnlySpan<byte> signature)
    {
        // TryCreate refuses r ≥ p and s ≥ n, as the BIP's verification does.
        if (signature.Length != SignatureLength || !SecpSchnorrSignature.TryCreate(signature, out SecpSchnorrSignature? sig))
        {
            return false;
        }

        return message.Length == NostrMessageLength
            ? publicKey.SigVerifyBIP340(sig, message)
            : VerifyAnyLength(message, publicKey, sig);
    }

    /// <summary>BIP-340 Verify for messages that are not 32 bytes, over NBitcoin.Secp256k1's primitives.</summary>
    private static bool VerifyAnyLength(ReadOnlySpan<byte> message, ECXOnlyPubKey publicKey, SecpSchnorrSignature sig)
    {
        Span<byte> buffer = stackalloc byte[32];
        sig.rx.WriteToSpan(buffer);
        Span<byte> publicKeyBytes = stackalloc byte[32];
        publicKey.WriteToSpan(publicKeyBytes);

        // e = int(hash_challenge(bytes(r) || bytes(P) || m)) mod n
        using (var sha = new Sha256())
        {
            sha.InitializeTagged("BIP0340/challenge");
            sha.Write(buffer);
            sha.Write(publicKeyBytes);
            sha.Write(message);
            sha.GetHash(buffer);
        }

        var e = new Scalar(buffer, out _);

        // R = s·G − e·P; valid when R is not infinity, has even y, and x(R) = r.
        GEJ p = publicKey.Q.ToGroupElementJacobian();
        Scalar? s = sig.s;
        GE r = ECMultContext.Instance.Mult(p, e.Negate(), s).ToGroupElementVariable();
        if (r.IsInfinity)
        {
            return false;
        }

        return !r.y.NormalizeVariable().IsOdd && r.x.NormalizeVariable().EqualsVariable(sig.rx);
    }

    /// <summary>
    /// A secret key prepared for signing: NBitcoin.Secp256k1's key with its public key computed once, so a
    /// signature costs one generator multiplication. <see cref="Dispose"/> clears the key.
    /// </summary>
    internal sealed class SigningKey : IDisposable
    {
        private readonly ECPrivKey _key;
        private readonly ECPubKey _publicPoint;

        private SigningKey(ECPrivKey key)
        {
            _key = key;
            _publicPoint = key.CreatePubKey();
            PublicKey = _publicPoint.ToXOnlyPubKey();
            PublicKeyBytes = PublicKey.ToBytes();
        }

        /// <summary>The x-only public key.</summary>
        public ECXOnlyPubKey PublicKey { get; }

        /// <summary>Its 32 bytes.</summary>
        public byte[] PublicKeyBytes { get; }

        public static SigningKey Create(ReadOnlySpan<byte> secretKey)
        {
            if (secretKey.Length != KeyLength)
            {
                throw new ArgumentException($"A secret key is {KeyLength} bytes, not {secretKey.Length}.", nameof(secretKey));
            }

            if (!ECPrivKey.TryCreate(secretKey, out ECPrivKey? key))
            {
                throw new ArgumentException("The secret key is out of range (it must be between 1 and n-1).", nameof(secretKey));
            }

            return new SigningKey(key);
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

            if (message.Length != NostrMessageLength)
            {
                SignAnyLength(message, auxRand, signature);
                return;
            }

            var nonce = new BIP340NonceFunction(auxRand.ToArray());
            if (!_key.TrySignBIP340(message, _publicPoint, nonce, out SecpSchnorrSignature? sig))
            {
                throw new CryptographicException("BIP-340 signing failed (a zero nonce, probability 2^-256); sign again with fresh aux_rand.");
            }

            sig.WriteToSpan(signature);
        }

        /// <summary>Clears the secret key.</summary>
        public void Dispose() => _key.Dispose();

        /// <summary>BIP-340 Sign for messages that are not 32 bytes, over NBitcoin.Secp256k1's primitives.</summary>
        private void SignAnyLength(ReadOnlySpan<byte> message, ReadOnlySpan<byte> auxRand, Span<byte> signature)
        {
            // d = d' if P has even y, else n − d' (the key is signed for as its x-only form).
            Scalar d = _key.sec;
            if (_publicPoint.Q.y.NormalizeVariable().IsOdd)
            {
                d = d.Negate();
            }

            Span<byte> t = stackalloc byte[32];
            Span<byte> hash = stackalloc byte[32];
            Scalar k = default;
            try
            {
                using var sha = new Sha256();

                // t = bytes(d) xor hash_aux(a)
                sha.InitializeTagged("BIP0340/aux");
                sha.Write(auxRand);
                sha.GetHash(hash);
                d.WriteToSpan(t);
                for (int i = 0; i < t.Length; i++)
                {
                    t[i] ^= hash[i];
                }

                // k' = int(hash_nonce(t || bytes(P) || m)) mod n; fail if k' = 0
                sha.InitializeTagged("BIP0340/nonce");
                sha.Write(t);
                sha.Write(PublicKeyBytes);
                sha.Write(message);
                sha.GetHash(hash);
                k = new Scalar(hash, out _);
                if (k.IsZero)
                {
                    throw new CryptographicException("BIP-340 nonce is zero (probability 2^-256); sign again with fresh aux_rand.");
                }

                // R = k'·G; k = k' if R has even y, else n − k'
                GE r = ECMultGenContext.Instance.MultGen(k).ToGroupElement();
                if (r.y.Normalize().IsOdd)
                {
                    k = k.Negate();
                }

                Span<byte> rx = signature[..32];
                r.x.Normalize().WriteToSpan(rx);

                // e = int(hash_challenge(bytes(R) || bytes(P) || m)) mod n; sig = bytes(R) || bytes((k + e·d) mod n)
                sha.InitializeTagged("BIP0340/challenge");
                sha.Write(rx);
                sha.Write(PublicKeyBytes);
                sha.Write(message);
                sha.GetHash(hash);
                var e = new Scalar(hash, out _);
                e.Multiply(d).Add(k).WriteToSpan(signature.Slice(32, 32));
            }
            finally
            {
                Scalar.Clear(ref d);
                Scalar.Clear(ref k);
                t.Clear();
                hash.Clear();
            }
        }
    }
}
