using System.Text.Json;
using Hermes.Sdk.Identity.Nostr;

namespace Hermes.Sdk.Identity.Tests;

public class NostrVectorTests
{
    public static TheoryData<int> Nip19Cases => Vectors.Indexes(Vectors.Nostr, "nip19");

    public static TheoryData<int> KeyCases => Vectors.Indexes(Vectors.Nostr, "keys");

    public static TheoryData<int> EventCases => Vectors.Indexes(Vectors.Nostr, "events");

    [Theory]
    [MemberData(nameof(Nip19Cases))]
    public void Nip19_pair_round_trips(int index)
    {
        JsonElement v = Vectors.Nostr.GetProperty("nip19")[index];
        string kind = v.Str("kind"), hex = v.Str("hex"), bech32 = v.Str("bech32");
        byte[] bytes = Convert.FromHexString(hex);
        switch (kind)
        {
            case "npub":
                Assert.Equal(bech32, Nip19.EncodeNpub(bytes));
                Assert.Equal(hex, Convert.ToHexStringLower(Nip19.DecodeNpub(bech32)));
                Assert.Equal(hex, NostrPublicKey.Parse(bech32).ToHex());
                break;
            case "note":
                Assert.Equal(bech32, Nip19.EncodeNote(bytes));
                Assert.Equal(hex, Convert.ToHexStringLower(Nip19.DecodeNote(bech32)));
                break;
            case "nsec":
                var chars = new char[Nip19.EncodedLength];
                int n = Nip19.EncodeNsec(bytes, chars);
                Assert.Equal(bech32, new string(chars, 0, n));
                var decoded = new byte[32];
                Nip19.DecodeNsec(bech32, decoded);
                Assert.Equal(hex, Convert.ToHexStringLower(decoded));
                using (var pair = NostrKeyPair.FromNsec(bech32))
                {
                    Assert.Equal(n, pair.ExportNsec(chars));
                    Assert.Equal(bech32, new string(chars, 0, n));
                }

                break;
            default:
                Assert.Fail($"unknown kind {kind}");
                break;
        }
    }

    [Fact]
    public void Upper_case_bech32_is_accepted_as_bech32_allows()
    {
        JsonElement v = Vectors.Nostr.GetProperty("nip19")[0];
        Assert.Equal(v.Str("hex"), Convert.ToHexStringLower(Nip19.DecodeNpub(v.Str("bech32").ToUpperInvariant())));
    }

    [Theory]
    [MemberData(nameof(KeyCases))]
    public void Secret_key_derives_its_public_key(int index)
    {
        JsonElement v = Vectors.Nostr.GetProperty("keys")[index];
        using var fromHex = NostrKeyPair.FromHex(v.Str("sk"));
        using var fromNsec = NostrKeyPair.FromNsec(v.Str("nsec"));
        Assert.Equal(v.Str("pk"), fromHex.PublicKey.ToHex());
        Assert.Equal(v.Str("npub"), fromNsec.PublicKey.ToNpub());
        Assert.Equal(fromHex.PublicKey, fromNsec.PublicKey);
        Assert.Equal(NostrPublicKey.Parse(v.Str("npub")), NostrPublicKey.Parse(v.Str("pk")));
    }

    [Theory]
    [MemberData(nameof(EventCases))]
    public void Event_vector(int index)
    {
        JsonElement v = Vectors.Nostr.GetProperty("events")[index];
        NostrEvent ev = NostrEvent.Parse(v.GetProperty("event").GetRawText());
        bool valid = v.GetProperty("valid").GetBoolean();

        if (v.OptStr("serialized") is { } serialized)
        {
            Assert.Equal(serialized, ev.Serialize());
        }

        if (v.OptStr("serialized_utf8_hex") is { } utf8Hex)
        {
            Assert.Equal(utf8Hex, Convert.ToHexStringLower(NostrEvent.SerializeForId(ev.PubKey, ev.CreatedAt, ev.Kind, ev.Tags, ev.Content)));
        }

        if (valid)
        {
            Assert.Equal(v.Str("id"), ev.ComputeId());
            Assert.Equal(NostrEventVerification.Valid, ev.Verify());
        }
        else
        {
            Assert.NotEqual(NostrEventVerification.Valid, ev.Verify());
        }

        // Deterministic signatures (all-zero aux_rand) must be reproduced byte for byte.
        if (valid && v.OptStr("sk") is { } sk && v.OptStr("aux_rand") is { } aux)
        {
            using var pair = NostrKeyPair.FromHex(sk);
            NostrEvent signed = NostrEvent.Create(pair, ev.Kind, ev.Content, ev.Tags, ev.CreatedAt, Convert.FromHexString(aux));
            Assert.Equal(v.Str("id"), signed.Id);
            Assert.Equal(v.Str("sig"), signed.Sig);
            Assert.Equal(ev.PubKey, signed.PubKey);
        }
    }

    [Fact]
    public void Invalid_event_vectors_fail_for_the_stated_reason()
    {
        var invalid = Vectors.Nostr.GetProperty("events").EnumerateArray().Where(e => !e.GetProperty("valid").GetBoolean()).ToList();
        Assert.NotEmpty(invalid);
        foreach (JsonElement v in invalid)
        {
            NostrEventVerification result = NostrEvent.Parse(v.GetProperty("event").GetRawText()).Verify();
            string note = v.Str("note");
            NostrEventVerification expected = note.Contains("digit of sig", StringComparison.Ordinal)
                ? NostrEventVerification.InvalidSignature
                : NostrEventVerification.IdMismatch;
            Assert.True(expected == result, $"{note}: got {result}");
        }
    }

    [Theory]
    [MemberData(nameof(EventCases))]
    public void ToJson_parses_back_to_the_same_event(int index)
    {
        NostrEvent ev = NostrEvent.Parse(Vectors.Nostr.GetProperty("events")[index].GetProperty("event").GetRawText());
        NostrEvent again = NostrEvent.Parse(ev.ToJson());
        Assert.Equal(ev.ToJson(), again.ToJson());
        Assert.Equal(ev.Serialize(), again.Serialize());
        using JsonDocument doc = JsonDocument.Parse(ev.ToJson());
        Assert.Equal(ev.Content, doc.RootElement.GetProperty("content").GetString());
    }
}
