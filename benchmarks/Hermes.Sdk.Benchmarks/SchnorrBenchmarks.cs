using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Hermes.Sdk.Identity.Nostr;

namespace Hermes.Sdk.Benchmarks;

/// <summary>
/// BIP-340 sign and verify: Hermes.Sdk (BouncyCastle curve arithmetic) against libsecp256k1 (C), one 32-byte
/// message (a Nostr event id). The Ratio column is ours over the C library, per operation.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SchnorrBenchmarks
{
    private readonly byte[] _message = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _aux = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _signature = new byte[64];
    private readonly byte[] _cSignature = new byte[64];
    private NostrKeyPair _pair = null!;
    private byte[] _publicKeyBytes = null!;
    private IntPtr _ctx;
    private byte[] _cKeyPair = null!;
    private byte[] _cXOnly = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pair = NostrKeyPair.Generate();
        _publicKeyBytes = _pair.PublicKey.Bytes.ToArray();
        var secret = new byte[32];
        _pair.ExportSecretKey(secret);
        _ctx = LibSecp256k1.CreateContext();
        _cKeyPair = LibSecp256k1.CreateKeyPair(_ctx, secret);
        _cXOnly = LibSecp256k1.ParseXOnly(_ctx, _publicKeyBytes);

        // Both implementations must agree byte for byte before they are compared for speed.
        _pair.Sign(_message, _aux, _signature);
        LibSecp256k1.Sign(_ctx, _cSignature, _message, _cKeyPair, _aux);
        if (!_signature.AsSpan().SequenceEqual(_cSignature) || !LibSecp256k1.Verify(_ctx, _signature, _message, _cXOnly))
        {
            throw new InvalidOperationException("Hermes.Sdk and libsecp256k1 disagree on a BIP-340 signature.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        LibSecp256k1.DestroyContext(_ctx);
        _pair.Dispose();
    }

    [BenchmarkCategory("Sign"), Benchmark(Baseline = true, Description = "libsecp256k1 sign")]
    public bool LibSecpSign() => LibSecp256k1.Sign(_ctx, _cSignature, _message, _cKeyPair, _aux);

    [BenchmarkCategory("Sign"), Benchmark(Description = "Hermes sign")]
    public byte[] HermesSign()
    {
        _pair.Sign(_message, _aux, _signature);
        return _signature;
    }

    [BenchmarkCategory("Verify"), Benchmark(Baseline = true, Description = "libsecp256k1 verify")]
    public bool LibSecpVerify() => LibSecp256k1.Verify(_ctx, _cSignature, _message, _cXOnly);

    [BenchmarkCategory("Verify"), Benchmark(Description = "Hermes verify (parsed key)")]
    public bool HermesVerify() => _pair.PublicKey.Verify(_message, _signature);

    [BenchmarkCategory("Verify"), Benchmark(Description = "Hermes verify (from 32 bytes, lift_x included)")]
    public bool HermesVerifyFromBytes() => Bip340.Verify(_message, _publicKeyBytes, _signature);
}
