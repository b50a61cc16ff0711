using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Hermes.Sdk.Identity.Nostr;
using NBitcoin.Secp256k1;

namespace Hermes.Sdk.Benchmarks;

/// <summary>
/// BIP-340 sign and verify of one 32-byte message (a Nostr event id): Hermes.Sdk against the library it is built on,
/// NBitcoin.Secp256k1, called directly (the baseline: the Ratio column is Hermes's own overhead), and against
/// libsecp256k1 (C, Debian's libsecp256k1-1) for scale. The three must agree byte for byte before they are timed.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SchnorrBenchmarks
{
    private readonly byte[] _message = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _aux = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _signature = new byte[64];
    private readonly byte[] _rawSignature = new byte[64];
    private readonly byte[] _cSignature = new byte[64];
    private NostrKeyPair _pair = null!;
    private byte[] _publicKeyBytes = null!;
    private ECPrivKey _rawKey = null!;
    private ECPubKey _rawPublicPoint = null!;
    private ECXOnlyPubKey _rawPublicKey = null!;
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
        _rawKey = ECPrivKey.Create(secret);
        _rawPublicPoint = _rawKey.CreatePubKey();
        _rawPublicKey = _rawPublicPoint.ToXOnlyPubKey();
        _ctx = LibSecp256k1.CreateContext();
        _cKeyPair = LibSecp256k1.CreateKeyPair(_ctx, secret);
        _cXOnly = LibSecp256k1.ParseXOnly(_ctx, _publicKeyBytes);

        _pair.Sign(_message, _aux, _signature);
        RawSign();
        LibSecp256k1.Sign(_ctx, _cSignature, _message, _cKeyPair, _aux);
        if (!_signature.AsSpan().SequenceEqual(_cSignature) || !_signature.AsSpan().SequenceEqual(_rawSignature) || !LibSecp256k1.Verify(_ctx, _signature, _message, _cXOnly))
        {
            throw new InvalidOperationException("Hermes.Sdk, NBitcoin.Secp256k1 and libsecp256k1 disagree on a BIP-340 signature.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        LibSecp256k1.DestroyContext(_ctx);
        _pair.Dispose();
        _rawKey.Dispose();
    }

    [BenchmarkCategory("Sign"), Benchmark(Baseline = true, Description = "NBitcoin.Secp256k1 sign (raw)")]
    public byte[] RawSign()
    {
        _rawKey.TrySignBIP340(_message, _rawPublicPoint, new BIP340NonceFunction(_aux.ToArray()), out SecpSchnorrSignature? sig);
        sig!.WriteToSpan(_rawSignature);
        return _rawSignature;
    }

    [BenchmarkCategory("Sign"), Benchmark(Description = "Hermes sign")]
    public byte[] HermesSign()
    {
        _pair.Sign(_message, _aux, _signature);
        return _signature;
    }

    [BenchmarkCategory("Sign"), Benchmark(Description = "libsecp256k1 sign (C)")]
    public bool LibSecpSign() => LibSecp256k1.Sign(_ctx, _cSignature, _message, _cKeyPair, _aux);

    [BenchmarkCategory("Verify"), Benchmark(Baseline = true, Description = "NBitcoin.Secp256k1 verify (raw)")]
    public bool RawVerify() => SecpSchnorrSignature.TryCreate(_signature, out SecpSchnorrSignature? sig) && _rawPublicKey.SigVerifyBIP340(sig, _message);

    [BenchmarkCategory("Verify"), Benchmark(Description = "Hermes verify (parsed key)")]
    public bool HermesVerify() => _pair.PublicKey.Verify(_message, _signature);

    [BenchmarkCategory("Verify"), Benchmark(Description = "Hermes verify (from 32 bytes, lift_x included)")]
    public bool HermesVerifyFromBytes() => Bip340.Verify(_message, _publicKeyBytes, _signature);

    [BenchmarkCategory("Verify"), Benchmark(Description = "libsecp256k1 verify (C)")]
    public bool LibSecpVerify() => LibSecp256k1.Verify(_ctx, _cSignature, _message, _cXOnly);
}
