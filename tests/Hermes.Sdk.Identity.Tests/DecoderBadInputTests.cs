using Hermes.Sdk.Identity.NKeys;
using Hermes.Sdk.Identity.Nostr;

namespace Hermes.Sdk.Identity.Tests;

/// <summary>Every decoder rejects bad input with a message that says what is wrong (and never echoes a secret).</summary>
public class DecoderBadInputTests
{
    private const string Npub = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
    private const string Nsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
    private const string Note = "note1lme22rman5745hecaemphsy8astpnrflq9qd7mg7sxf6ha7zk9rq9kgfjx";

    [Theory]
    [InlineData("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w7", "checksum mismatch")]
    [InlineData("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6W6", "mixed upper and lower case")]
    [InlineData("note1lme22rman5745hecaemphsy8astpnrflq9qd7mg7sxf6ha7zk9rq9kgfjx", "expected the prefix 'npub1', found 'note1'")]
    [InlineData("nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5", "expected the prefix 'npub1', found 'nsec1'")]
    [InlineData("npub1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", "at most 90 characters")]
    [InlineData("npub1", "checksum is missing")]
    [InlineData("npubxyz", "separator")]
    [InlineData("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6b6", "not a bech32 character")]
    [InlineData("npub 180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6", "printable ASCII")]
    [InlineData("", "empty")]
    public void Bad_npub(string text, string expected)
    {
        var ex = Assert.Throws<IdentityFormatException>(() => Nip19.DecodeNpub(text));
        Assert.Equal("npub", ex.Field);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_payload_length_is_reported_in_bytes()
    {
        // A valid bech32 checksum over a 20-byte payload (a BIP-173 style address), under the npub prefix.
        var chars = new char[90];
        Codecs.Bech32.Encode("npub", new byte[20], chars, out int n);
        var ex = Assert.Throws<IdentityFormatException>(() => Nip19.DecodeNpub(chars.AsSpan(0, n)));
        Assert.Contains("the payload is 20 bytes; npub carries exactly 32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_nsec_message_never_contains_the_secret()
    {
        string corrupted = Nsec[..^1] + "6";
        var ex = Assert.Throws<IdentityFormatException>(() => NostrKeyPair.FromNsec(corrupted));
        Assert.Contains("checksum mismatch", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(corrupted[5..20], ex.Message, StringComparison.Ordinal);

        var badChar = Assert.Throws<IdentityFormatException>(() => NostrKeyPair.FromNsec(Nsec[..10] + "b" + Nsec[11..]));
        Assert.DoesNotContain(Nsec[5..20], badChar.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_are_not_accepted_in_each_others_places()
    {
        Assert.Contains("public key (npub)", Assert.Throws<IdentityFormatException>(() => NostrKeyPair.Parse(Npub)).Message, StringComparison.Ordinal);
        Assert.Contains("secret key (nsec)", Assert.Throws<IdentityFormatException>(() => NostrPublicKey.Parse(Nsec)).Message, StringComparison.Ordinal);
        Assert.Contains("'note1'", Assert.Throws<IdentityFormatException>(() => Nip19.DecodeNpub(Note)).Message, StringComparison.Ordinal);
        var sk = new byte[32];
        Assert.Throws<IdentityFormatException>(() => Nip19.DecodeNsec(Npub, sk));
        Assert.All(sk, b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData("3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa45", "expected 64 hex characters")]
    [InlineData("3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459z", "position 64 is not a hex digit")]
    [InlineData("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34", "not the x coordinate")]
    [InlineData("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30", "not the x coordinate")]
    public void Bad_public_key_hex(string text, string expected)
    {
        var ex = Assert.Throws<IdentityFormatException>(() => NostrPublicKey.Parse(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.False(NostrPublicKey.TryParse(text, out _));
    }

    [Theory]
    [InlineData("00", "expected 64 hex characters")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "zero or not below the curve order")]
    [InlineData("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", "zero or not below the curve order")]
    [InlineData("g000000000000000000000000000000000000000000000000000000000000001", "not a hex digit")]
    public void Bad_secret_key_hex(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<IdentityFormatException>(() => NostrKeyPair.FromHex(text)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJX", "expected 56 characters, got 55")]
    [InlineData("UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJX1", "not in the base32 alphabet")]
    [InlineData("UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJXt", "lower-case character at position 56")]
    [InlineData("UD466L6EBCA3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJXT", "checksum mismatch")]
    [InlineData("SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY", "this is a seed, not a public key")]
    [InlineData("XBJKZV6QJMJAN3H3KFL2NFVJEQ4WW22423DKRNYF4OIB6LWHUC4COBP6", "curve (X25519) keys are not signing keys")]
    public void Bad_nkey_public_key(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<IdentityFormatException>(() => NKeyPublicKey.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void NKey_public_key_of_the_wrong_role_is_rejected_when_a_role_is_expected()
    {
        var ex = Assert.Throws<IdentityFormatException>(() => NKeyPublicKey.Parse("AAASUT7FDZDS6UCTBE7JQS2G6KUZBJC5YW7VFVK45JLUK3UDVA6NXJWD", NKeyRole.User));
        Assert.Contains("expected a User key, got a Account key", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZ", "expected 58 characters, got 57")]
    [InlineData("UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJXT", "this is a public key, not a seed")]
    [InlineData("SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZA", "checksum mismatch")]
    [InlineData("SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZ=", "padding")]
    [InlineData("SXALBV3GJABONHXVSTRWL2NXYVUF5LY66CGVF4INX2XBMMVYT2KCZXRXWA", "curve (X25519) seeds")]
    public void Bad_nkey_seed_message_never_contains_the_seed(string text, string expected)
    {
        var ex = Assert.Throws<IdentityFormatException>(() => NKeyPair.FromSeed(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(text[2..30], ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MZXW6YTBO", "trailing bits")]
    [InlineData("MZXW6YTBOJ", "trailing bits")]
    [InlineData("MZ", "trailing bits")]
    [InlineData("M", "trailing bits")]
    public void Base32_with_impossible_trailing_bits_is_rejected(string text, string expected)
    {
        var buffer = new byte[16];
        Assert.Equal(-1, NKeyCodec.Base32Decode(text, buffer, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "event", "malformed JSON")]
    [InlineData("[]", "event", "expected a JSON object")]
    [InlineData("""{"id":"00","pubkey":"x"}""", "event.id", "expected 64 hex characters")]
    [InlineData("""{"id":"FEF2A50F7D9D3D5A5F38EE761BC087EC16198D3F0140DF6D1E8193ABF7C2B146"}""", "event.id", "upper-case hex digit")]
    [InlineData("""{"kind":70000}""", "event.kind", "between 0 and 65535")]
    [InlineData("""{"kind":1.5}""", "event.kind", "between 0 and 65535")]
    [InlineData("""{"created_at":-1}""", "event.created_at", "non-negative integer")]
    [InlineData("""{"created_at":"1"}""", "event.created_at", "non-negative integer")]
    [InlineData("""{"tags":[["e",1]]}""", "event.tags[0][1]", "expected a string")]
    [InlineData("""{"tags":["e"]}""", "event.tags[0]", "expected an array of strings")]
    [InlineData("""{"content":null}""", "event.content", "expected a string")]
    [InlineData("""{"content":"x"}""", "event.id", "the field is missing")]
    [InlineData("""{"content":"x"} {}""", "event", "after a single JSON value")]
    public void Bad_event_json_names_the_field(string json, string field, string expected)
    {
        var ex = Assert.Throws<IdentityFormatException>(() => NostrEvent.Parse(json));
        Assert.Equal(field, ex.Field);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_rejects_out_of_range_kind_and_null_tags()
    {
        using var pair = NostrKeyPair.Generate();
        Assert.Throws<ArgumentOutOfRangeException>(() => NostrEvent.Create(pair, 65536, "x"));
        Assert.Throws<ArgumentException>(() => NostrEvent.Create(pair, 1, "x", [["e", null!]]));
    }

    [Fact]
    public void Lone_surrogates_serialize_as_JSON_stringify_does()
    {
        using var pair = NostrKeyPair.Generate();
        NostrEvent ev = NostrEvent.Create(pair, 1, "a\ud800b\udc00c\U0001F919", createdAt: 1);
        Assert.EndsWith("\"a\\ud800b\\udc00c\U0001F919\"]", ev.Serialize(), StringComparison.Ordinal);
        Assert.Equal(NostrEventVerification.Valid, ev.Verify());
    }
}
