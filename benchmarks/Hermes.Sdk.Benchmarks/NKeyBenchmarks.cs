using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Hermes.Sdk.Identity.NKeys;

namespace Hermes.Sdk.Benchmarks;

/// <summary>NKey (Ed25519 via NSec/libsodium) sign and verify of a 32-byte server nonce, and seed decoding.</summary>
[MemoryDiagnoser]
public class NKeyBenchmarks
{
    private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _signature = new byte[64];
    private NKeyPair _pair = null!;
    private char[] _seed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pair = NKeyPair.Create(NKeyRole.User);
        _pair.Sign(_nonce, _signature);
        _seed = new char[58];
        _pair.ExportSeed(_seed);
    }

    [GlobalCleanup]
    public void Cleanup() => _pair.Dispose();

    [Benchmark(Description = "NKey sign")]
    public int Sign() => _pair.Sign(_nonce, _signature);

    [Benchmark(Description = "NKey verify")]
    public bool Verify() => _pair.PublicKey.Verify(_nonce, _signature);

    [Benchmark(Description = "NKey seed decode + key import")]
    public string FromSeed()
    {
        using NKeyPair pair = NKeyPair.FromSeed(_seed);
        return pair.PublicKey.Value;
    }
}
