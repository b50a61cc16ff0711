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

public class Secp256k1GeneratorTests
{
    public static TheoryData<string> Scalars => new()
    {
        "0000000000000000000000000000000000000000000000000000000000000001",
        "0000000000000000000000000000000000000000000000000000000000000002",
        "000000000000000000000000000000000000000000000000000000000000000f",
        "0000000000000000000000000000000000000000000000000000000000000010",
        "8000000000000000000000000000000000000000000000000000000000000000",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD036413F",
        "0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F",
    };

    [Theory]
    [MemberData(nameof(Scalars))]
    public void Multi_comb_matches_plain_multiplication(string hex) => AssertMatches(Convert.FromHexString(hex));

    [Fact]
    public void Multi_comb_matches_plain_multiplication_for_random_scalars()
    {
        for (int i = 0; i < 50; i++)
        {
            byte[] k = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            if (Bip340.IsValidSecretKey(k))
            {
                AssertMatches(k);
            }
        }
    }

    private static void AssertMatches(byte[] k)
    {
        var x9 = Org.BouncyCastle.Crypto.EC.CustomNamedCurves.GetByName("secp256k1");
        var expected = x9.G.Multiply(new Org.BouncyCastle.Math.BigInteger(1, k)).Normalize();
        var actual = Secp256k1Generator.Multiply(k);
        Assert.Equal(expected.AffineXCoord.ToBigInteger(), actual.AffineXCoord.ToBigInteger());
        Assert.Equal(expected.AffineYCoord.ToBigInteger(), actual.AffineYCoord.ToBigInteger());
    }
}
