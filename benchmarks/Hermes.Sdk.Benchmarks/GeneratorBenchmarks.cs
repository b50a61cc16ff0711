using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Hermes.Sdk.Identity.Nostr;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC.Multiplier;

namespace Hermes.Sdk.Benchmarks;

/// <summary>
/// Secret-scalar k·G: BouncyCastle's single comb (FixedPointCombMultiplier) against the SDK's 64×4 multi-comb.
/// This is the choice behind Secp256k1Generator.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private static readonly X9ECParameters Curve = CustomNamedCurves.GetByName("secp256k1");
    private readonly FixedPointCombMultiplier _comb = new();
    private byte[] _scalar = null!;
    private BigInteger _k = null!;

    [GlobalSetup]
    public void Setup()
    {
        do
        {
            _scalar = RandomNumberGenerator.GetBytes(32);
        }
        while (!Bip340.IsValidSecretKey(_scalar));

        _k = new BigInteger(1, _scalar);
        FixedPointUtilities.Precompute(Curve.G);
        _ = Secp256k1Generator.Multiply(_scalar);
    }

    [Benchmark(Baseline = true, Description = "BouncyCastle FixedPointCombMultiplier")]
    public object BouncyCastleComb() => _comb.Multiply(Curve.G, _k).Normalize();

    [Benchmark(Description = "Hermes multi-comb (64 blocks x 4 teeth)")]
    public object HermesMultiComb() => Secp256k1Generator.Multiply(_scalar);
}
