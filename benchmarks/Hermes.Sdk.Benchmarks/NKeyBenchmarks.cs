using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Hermes.Sdk.Identity.NKeys;
using NATS.NKeys;

namespace Hermes.Sdk.Benchmarks;

/// <summary>
/// NKey sign and verify of a 32-byte server nonce, and seed decoding: Hermes.Sdk against NATS.NKeys called directly
/// (the baseline; the Ratio column is Hermes's own overhead).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class NKeyBenchmarks
{
    private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _signature = new byte[64];
    private NKeyPair _pair = null!;
    private KeyPair _raw = null!;
    private KeyPair _rawPublic = null!;
    private char[] _seed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pair = NKeyPair.Create(NKeyRole.User);
        _pair.Sign(_nonce, _signature);
        _seed = new char[58];
        _pair.ExportSeed(_seed);
        _raw = KeyPair.FromSeed(_seed);
        _rawPublic = KeyPair.FromPublicKey(_pair.PublicKey.Value);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pair.Dispose();
        _raw.Dispose();
    }

    [BenchmarkCategory("Sign"), Benchmark(Baseline = true, Description = "NATS.NKeys sign (raw)")]
    public byte[] RawSign()
    {
        _raw.Sign(_nonce, _signature);
        return _signature;
    }

    [BenchmarkCategory("Sign"), Benchmark(Description = "Hermes NKey sign")]
    public int Sign() => _pair.Sign(_nonce, _signature);

    [BenchmarkCategory("Verify"), Benchmark(Baseline = true, Description = "NATS.NKeys verify (raw)")]
    public bool RawVerify() => _rawPublic.Verify(_nonce, _signature);

    [BenchmarkCategory("Verify"), Benchmark(Description = "Hermes NKey verify")]
    public bool Verify() => _pair.PublicKey.Verify(_nonce, _signature);

    [BenchmarkCategory("Seed"), Benchmark(Baseline = true, Description = "NATS.NKeys FromSeed (raw)")]
    public string RawFromSeed()
    {
        using KeyPair pair = KeyPair.FromSeed(_seed);
        return pair.GetPublicKey();
    }

    [BenchmarkCategory("Seed"), Benchmark(Description = "Hermes NKey FromSeed (checked decode + key import)")]
    public string FromSeed()
    {
        using NKeyPair pair = NKeyPair.FromSeed(_seed);
        return pair.PublicKey.Value;
    }
}
