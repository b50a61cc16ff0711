using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math.EC;
using ECCurve = Org.BouncyCastle.Math.EC.ECCurve;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Hermes.Sdk.Identity.Nostr;

/// <summary>
/// Fixed-point multiplication k·G on secp256k1 for secret scalars, with a multi-comb over a table precomputed once.
/// </summary>
/// <remarks>
/// <para>
/// The comb has 64 blocks of 4 teeth at spacing 1 (the layout of libsecp256k1 0.2's <c>ecmult_gen</c>): block b
/// holds the 16 affine points (j + 1)·2^(4b)·G, so k·G is 64 mixed additions and no doublings. The "+1" keeps the
/// point at infinity out of the table; the accumulator starts at −Σ 2^(4b)·G to cancel it. Each block is read through
/// BouncyCastle's cache-safe lookup table, which touches every entry, so the memory access pattern does not depend
/// on the secret digits; the loop always runs all 64 blocks.
/// </para>
/// <para>
/// BouncyCastle's single-comb <c>FixedPointCombMultiplier</c> (6 teeth, 43 doublings) measured about 1.4× slower on
/// this workload; see benchmarks/Hermes.Sdk.Benchmarks (GeneratorBenchmarks).
/// </para>
/// </remarks>
internal static class Secp256k1Generator
{
    private const int Teeth = 4;
    private const int Entries = 1 << Teeth;
    private const int Blocks = 256 / Teeth;

    private static readonly X9ECParameters Parameters = CustomNamedCurves.GetByName("secp256k1");
    private static readonly ECLookupTable[] Tables;
    private static readonly ECPoint Start;

    static Secp256k1Generator()
    {
        ECCurve curve = Parameters.Curve;
        var points = new ECPoint[Blocks * Entries];
        ECPoint blockBase = Parameters.G;
        ECPoint offset = curve.Infinity;
        for (int b = 0; b < Blocks; b++)
        {
            offset = offset.Add(blockBase);
            points[b * Entries] = blockBase;
            for (int j = 1; j < Entries; j++)
            {
                points[(b * Entries) + j] = points[(b * Entries) + j - 1].Add(blockBase);
            }

            blockBase = blockBase.TimesPow2(Teeth);
        }

        curve.NormalizeAll(points);
        Tables = new ECLookupTable[Blocks];
        for (int b = 0; b < Blocks; b++)
        {
            Tables[b] = curve.CreateCacheSafeLookupTable(points, b * Entries, Entries);
        }

        Start = offset.Negate().Normalize();
    }

    /// <summary>The curve.</summary>
    public static X9ECParameters Curve => Parameters;

    /// <summary>k·G, normalized (affine). <paramref name="scalar"/> is 32 bytes big-endian, in [1, n-1].</summary>
    public static ECPoint Multiply(ReadOnlySpan<byte> scalar)
    {
        if (scalar.Length != 32)
        {
            throw new ArgumentException("A scalar is 32 bytes.", nameof(scalar));
        }

        ECPoint r = Start;
        for (int b = 0; b < Blocks; b++)
        {
            // Block b covers bits 4b..4b+3: the low or high nibble of byte 31 - b/2.
            int digit = (scalar[31 - (b >> 1)] >> ((b & 1) << 2)) & 0xF;
            r = r.Add(Tables[b].Lookup(digit));
        }

        return r.Normalize();
    }
}
