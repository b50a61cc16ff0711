using System.Runtime.InteropServices;

namespace Hermes.Sdk.Benchmarks;

/// <summary>
/// P/Invoke into Debian's libsecp256k1 (the C reference, package libsecp256k1-1), used only as the benchmark
/// baseline for BIP-340 signing and verification.
/// </summary>
internal static class LibSecp256k1
{
    private const string Library = "libsecp256k1.so.1";
    private const uint ContextSignVerify = 0x0301;

    public static IntPtr CreateContext()
    {
        IntPtr ctx = secp256k1_context_create(ContextSignVerify);
        return ctx != IntPtr.Zero ? ctx : throw new InvalidOperationException("secp256k1_context_create failed.");
    }

    public static void DestroyContext(IntPtr ctx) => secp256k1_context_destroy(ctx);

    /// <summary>Creates the 96-byte opaque keypair structure from a secret key.</summary>
    public static byte[] CreateKeyPair(IntPtr ctx, byte[] secretKey)
    {
        var keypair = new byte[96];
        return secp256k1_keypair_create(ctx, keypair, secretKey) == 1 ? keypair : throw new InvalidOperationException("secp256k1_keypair_create failed.");
    }

    /// <summary>Parses a 32-byte x-only public key into the 64-byte opaque structure.</summary>
    public static byte[] ParseXOnly(IntPtr ctx, byte[] publicKey)
    {
        var parsed = new byte[64];
        return secp256k1_xonly_pubkey_parse(ctx, parsed, publicKey) == 1 ? parsed : throw new InvalidOperationException("secp256k1_xonly_pubkey_parse failed.");
    }

    public static bool Sign(IntPtr ctx, byte[] signature, byte[] message32, byte[] keypair, byte[] auxRand32) =>
        secp256k1_schnorrsig_sign32(ctx, signature, message32, keypair, auxRand32) == 1;

    public static bool Verify(IntPtr ctx, byte[] signature, byte[] message, byte[] xonly) =>
        secp256k1_schnorrsig_verify(ctx, signature, message, (nuint)message.Length, xonly) == 1;

    [DllImport(Library)]
    private static extern IntPtr secp256k1_context_create(uint flags);

    [DllImport(Library)]
    private static extern void secp256k1_context_destroy(IntPtr ctx);

    [DllImport(Library)]
    private static extern int secp256k1_keypair_create(IntPtr ctx, byte[] keypair, byte[] seckey);

    [DllImport(Library)]
    private static extern int secp256k1_xonly_pubkey_parse(IntPtr ctx, byte[] pubkey, byte[] input32);

    [DllImport(Library)]
    private static extern int secp256k1_schnorrsig_sign32(IntPtr ctx, byte[] sig64, byte[] msg32, byte[] keypair, byte[] auxRand32);

    [DllImport(Library)]
    private static extern int secp256k1_schnorrsig_verify(IntPtr ctx, byte[] sig64, byte[] msg, nuint msglen, byte[] pubkey);
}
