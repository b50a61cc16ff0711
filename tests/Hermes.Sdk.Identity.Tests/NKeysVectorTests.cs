using System.Text;
using System.Text.Json;
using Hermes.Sdk.Identity.NKeys;

namespace Hermes.Sdk.Identity.Tests;

public class NKeysVectorTests
{
    public static TheoryData<int> KeyCases => Vectors.Indexes(Vectors.NKeys, "keys");

    public static TheoryData<int> SignatureCases => Vectors.Indexes(Vectors.NKeys, "signatures");

    public static TheoryData<int> InvalidCases => Vectors.Indexes(Vectors.NKeys, "invalid");

    [Fact]
    public void Crc16_xmodem_vectors()
    {
        foreach (JsonElement v in Vectors.NKeys.GetProperty("crc16").EnumerateArray())
        {
            Assert.Equal(v.GetProperty("crc16").GetInt32(), NKeyCodec.Crc16(Convert.FromHexString(v.Str("data_hex"))));
        }
    }

    [Fact]
    public void Base32_without_padding_vectors()
    {
        foreach (JsonElement v in Vectors.NKeys.GetProperty("base32_nopad").EnumerateArray())
        {
            byte[] ascii = Encoding.ASCII.GetBytes(v.Str("ascii"));
            string b32 = v.Str("base32");
            Assert.Equal(b32, NKeyCodec.Base32Encode(ascii));
            var decoded = new byte[ascii.Length];
            Assert.Equal(ascii.Length, NKeyCodec.Base32Decode(b32, decoded, out string? error));
            Assert.Null(error);
            Assert.Equal(ascii, decoded);
        }
    }

    [Theory]
    [MemberData(nameof(KeyCases))]
    public void Seed_gives_the_public_key_and_role(int index)
    {
        JsonElement v = Vectors.NKeys.GetProperty("keys")[index];
        using NKeyPair pair = NKeyPair.FromSeed(v.Str("seed"));
        Assert.Equal(v.Str("public"), pair.PublicKey.Value);
        Assert.Equal(v.Str("role"), pair.Role.ToString(), ignoreCase: true);
        Assert.Equal(v.Str("raw_public_hex"), Convert.ToHexStringLower(pair.PublicKey.Bytes));

        var seed = new char[58];
        Assert.Equal(58, pair.ExportSeed(seed));
        Assert.Equal(v.Str("seed"), new string(seed));

        using NKeyPair fromRaw = NKeyPair.FromRawSeed(pair.Role, Convert.FromHexString(v.Str("raw_seed_hex")));
        Assert.Equal(v.Str("public"), fromRaw.PublicKey.Value);

        NKeyPublicKey parsed = NKeyPublicKey.Parse(v.Str("public"));
        Assert.Equal(pair.Role, parsed.Role);
        Assert.Equal(pair.PublicKey, parsed);
    }

    [Theory]
    [MemberData(nameof(SignatureCases))]
    public void Signature_vector(int index)
    {
        JsonElement v = Vectors.NKeys.GetProperty("signatures")[index];
        byte[] data = Convert.FromHexString(v.Str("data_hex"));
        byte[] sig = Convert.FromBase64String(v.Str("sig_b64"));
        Assert.Equal(v.Str("sig_hex"), Convert.ToHexStringLower(sig));
        bool valid = v.GetProperty("valid").GetBoolean();

        Assert.Equal(valid, NKeyPublicKey.Parse(v.Str("public")).Verify(data, sig));
        if (valid && v.OptStr("seed") is { } seed)
        {
            using NKeyPair pair = NKeyPair.FromSeed(seed);
            Assert.Equal(v.Str("public"), pair.PublicKey.Value);
            Assert.Equal(sig, pair.Sign(data)); // Ed25519 is deterministic

            // The compat package NATS.Net loads must produce the same signature.
            using NATS.NKeys.KeyPair compat = NATS.NKeys.KeyPair.FromSeed(seed);
            var compatSig = new byte[64];
            compat.Sign(data, compatSig);
            Assert.Equal(sig, compatSig);
            Assert.Equal(v.Str("public"), compat.GetPublicKey());
        }
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Invalid_string_is_rejected(int index)
    {
        JsonElement v = Vectors.NKeys.GetProperty("invalid")[index];
        string value = v.Str("value");
        if (v.Str("parse_as") == "seed")
        {
            var ex = Assert.Throws<IdentityFormatException>(() => NKeyPair.FromSeed(value));
            Assert.DoesNotContain(value, ex.Message, StringComparison.Ordinal);
            Assert.Throws<NATS.NKeys.NKeysException>(() => NATS.NKeys.KeyPair.FromSeed(value)); // the NATS project's own reader rejects it too
        }
        else
        {
            Assert.Throws<IdentityFormatException>(() => NKeyPublicKey.Parse(value));
            Assert.False(NKeyPublicKey.TryParse(value, out _));
        }
    }

    [Fact]
    public void Curve_keys_are_out_of_scope_and_rejected_clearly()
    {
        foreach (JsonElement v in Vectors.NKeys.GetProperty("curve_x25519_out_of_scope").EnumerateArray())
        {
            Assert.Contains("curve", Assert.Throws<IdentityFormatException>(() => NKeyPair.FromSeed(v.Str("seed"))).Message, StringComparison.Ordinal);
        }
    }
}
