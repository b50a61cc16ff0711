using System.Security.Cryptography;
using System.Text.Json;
using Hermes.Sdk.TestSupport;
using Hermes.Sdk.Identity.Nostr;

namespace Hermes.Sdk.Identity.Tests;

public class Bip340Tests
{
    public static TheoryData<string[]> Rows()
    {
        var data = new TheoryData<string[]>();
        foreach (string[] row in Vectors.Bip340Rows())
        {
            data.Add(row);
        }

        return data;
    }

    [Fact]
    public void The_official_vector_file_has_all_19_rows() => Assert.Equal(19, Vectors.Bip340Rows().Count());

    [Theory]
    [MemberData(nameof(Rows))]
    public void Official_vector(string[] row)
    {
        string index = row[0], secretKey = row[1], publicKey = row[2], aux = row[3], message = row[4], signature = row[5];
        bool expected = row[6] == "TRUE";
        byte[] msg = Convert.FromHexString(message);

        if (secretKey.Length > 0)
        {
            byte[] sk = Convert.FromHexString(secretKey);
            var pk = new byte[32];
            Bip340.GetPublicKey(sk, pk);
            Assert.Equal(publicKey, Convert.ToHexString(pk));

            var sig = new byte[64];
            Bip340.Sign(msg, sk, Convert.FromHexString(aux), sig);
            Assert.Equal(signature, Convert.ToHexString(sig));

            using var pair = NostrKeyPair.FromSecretKey(sk);
            var sig2 = new byte[64];
            pair.Sign(msg, Convert.FromHexString(aux), sig2);
            Assert.Equal(signature, Convert.ToHexString(sig2));
        }

        Assert.True(expected == Bip340.Verify(msg, Convert.FromHexString(publicKey), Convert.FromHexString(signature)), $"row {index}: {row[7]}");
    }

    [Fact]
    public void Random_keys_sign_and_verify_and_reject_other_messages()
    {
        for (int i = 0; i < 20; i++)
        {
            using var pair = NostrKeyPair.Generate();
            byte[] msg = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            byte[] sig = pair.Sign(msg);
            Assert.True(pair.PublicKey.Verify(msg, sig));
            Assert.True(Bip340.Verify(msg, pair.PublicKey.Bytes, sig));
            msg[0] ^= 1;
            Assert.False(pair.PublicKey.Verify(msg, sig));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void Bad_lengths_do_not_verify(int length)
    {
        using var pair = NostrKeyPair.Generate();
        byte[] msg = new byte[32];
        byte[] sig = pair.Sign(msg);
        Assert.False(Bip340.Verify(msg, new byte[length], sig));
        Assert.False(Bip340.Verify(msg, pair.PublicKey.Bytes, sig.AsSpan(0, Math.Min(length, 63))));
    }

    [Fact]
    public void Out_of_range_secret_keys_are_rejected()
    {
        byte[] zero = new byte[32];
        byte[] order = Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
        Assert.False(Bip340.IsValidSecretKey(zero));
        Assert.False(Bip340.IsValidSecretKey(order));
        Assert.Throws<IdentityFormatException>(() => NostrKeyPair.FromSecretKey(zero));
        Assert.Throws<IdentityFormatException>(() => NostrKeyPair.FromSecretKey(order));
        Assert.Throws<IdentityFormatException>(() => NostrKeyPair.FromSecretKey(new byte[31]));
        Assert.Throws<ArgumentException>(() => Bip340.Sign(new byte[32], zero, new byte[32], new byte[64]));
        Assert.Throws<ArgumentException>(() => Bip340.Sign(new byte[32], order.AsSpan(0, 31), new byte[32], new byte[64]));
    }
}

/// <summary>
/// BIP-340 over messages of every length, checked both ways against @noble/curves (nostr-tools' curve library):
/// NBitcoin.Secp256k1 signs only 32-byte messages, and the SDK composes the other lengths from its primitives.
/// </summary>
public class Bip340AnyLengthInteropTests
{
    private static readonly int[] Lengths = [0, 1, 17, 31, 32, 33, 64, 100, 1000];

    [Fact]
    public async Task Signatures_over_any_length_verify_in_noble_curves()
    {
        using var pair = NostrKeyPair.Generate();
        byte[][] messages = Lengths.Select(RandomNumberGenerator.GetBytes).ToArray();
        byte[][] signatures = messages.Select(m => pair.Sign(m)).ToArray();

        // A tampered signature is rejected by the peer too: the test can fail.
        byte[] tampered = (byte[])signatures[2].Clone();
        tampered[40] ^= 1;
        var items = messages.Zip(signatures, (m, s) => new { message = Convert.ToHexStringLower(m), signature = Convert.ToHexStringLower(s) })
            .Append(new { message = Convert.ToHexStringLower(messages[2]), signature = Convert.ToHexStringLower(tampered) })
            .ToArray();
        JsonElement answer = await NodePeer.RunAsync("nostr-peer.mjs", new { op = "schnorr-verify", pubkey = pair.PublicKey.ToHex(), items });

        bool[] results = answer.GetProperty("results").EnumerateArray().Select(r => r.GetBoolean()).ToArray();
        Assert.Equal([.. Lengths.Select(_ => true), false], results);
    }

    [Fact]
    public async Task Signatures_by_noble_curves_over_any_length_verify_in_the_SDK()
    {
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        byte[][] messages = Lengths.Select(RandomNumberGenerator.GetBytes).ToArray();
        JsonElement answer = await NodePeer.RunAsync("nostr-peer.mjs", new { op = "schnorr-sign", sk = Convert.ToHexStringLower(secret), messages = messages.Select(Convert.ToHexStringLower).ToArray() });

        using var pair = NostrKeyPair.FromSecretKey(secret);
        Assert.Equal(pair.PublicKey.ToHex(), answer.GetProperty("pubkey").GetString());
        byte[][] signatures = answer.GetProperty("signatures").EnumerateArray().Select(s => Convert.FromHexString(s.GetString()!)).ToArray();
        for (int i = 0; i < messages.Length; i++)
        {
            Assert.True(pair.PublicKey.Verify(messages[i], signatures[i]), $"{messages[i].Length}-byte message");
            Assert.False(pair.PublicKey.Verify([.. messages[i], 0], signatures[i]), $"{messages[i].Length}-byte message with a byte appended");
        }
    }
}
