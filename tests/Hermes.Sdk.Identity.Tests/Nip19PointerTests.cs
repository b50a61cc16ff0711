using System.Security.Cryptography;
using System.Text.Json;
using Hermes.Sdk.Identity.Nostr;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Identity.Tests;

/// <summary>NIP-19's TLV pointers, written by nostr-tools and read by the SDK; other entities named where a key is expected.</summary>
public class Nip19PointerTests
{
    // The nprofile example printed in NIP-19 itself.
    private const string SpecNprofile = "nprofile1qqsrhuxx8l9ex335q7he0f09aej04zpazpl0ne2cgukyawd24mayt8gpp4mhxue69uhhytnc9e3k7mgpz4mhxue69uhkg6nzv9ejuumpv34kytnrdaksjlyr9p";

    [Fact]
    public void The_nprofile_of_the_NIP_19_text_reads_as_written_there()
    {
        NostrProfilePointer pointer = Nip19.DecodeNprofile(SpecNprofile);
        Assert.Equal("3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d", pointer.PublicKey.ToHex());
        Assert.Equal(["wss://r.x.com", "wss://djbas.sadkb.com"], pointer.Relays);
    }

    [Fact]
    public async Task Pointers_written_by_nostr_tools_read_back_field_for_field()
    {
        using var author = NostrKeyPair.Generate();
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        string[] relays = ["wss://relay.example", "wss://nos.lol/ünï"];
        JsonElement answer = await NodePeer.RunAsync("nostr-peer.mjs", new
        {
            op = "nip19-encode",
            profiles = new object[] { new { pubkey = author.PublicKey.ToHex(), relays }, new { pubkey = author.PublicKey.ToHex(), relays = Array.Empty<string>() } },
            events = new object[] { new { id, relays, author = author.PublicKey.ToHex(), kind = 30023 }, new { id } },
            addresses = new object[] { new { identifier = "hermes-fleet-plan", pubkey = author.PublicKey.ToHex(), kind = 30023, relays }, new { identifier = "", pubkey = author.PublicKey.ToHex(), kind = 1 } },
        });

        string[] nprofile = Strings(answer, "nprofile"), nevent = Strings(answer, "nevent"), naddr = Strings(answer, "naddr");

        NostrProfilePointer profile = Nip19.DecodeNprofile(nprofile[0]);
        Assert.Equal(author.PublicKey, profile.PublicKey);
        Assert.Equal(relays, profile.Relays);
        Assert.Empty(Nip19.DecodeNprofile(nprofile[1]).Relays);

        NostrEventPointer full = Nip19.DecodeNevent(nevent[0]);
        Assert.Equal((id, author.PublicKey, 30023u), (full.Id, full.Author, full.Kind));
        Assert.Equal(relays, full.Relays);
        NostrEventPointer bare = Nip19.DecodeNevent(nevent[1]);
        Assert.Equal((id, null, null), (bare.Id, bare.Author, bare.Kind));

        NostrAddressPointer address = Nip19.DecodeNaddr(naddr[0]);
        Assert.Equal(("hermes-fleet-plan", author.PublicKey, 30023u), (address.Identifier, address.Author, address.Kind));
        Assert.Equal(relays, address.Relays);
        Assert.Equal(string.Empty, Nip19.DecodeNaddr(naddr[1]).Identifier);

        // Each one, given where a key is expected, is named as what it is.
        Assert.Contains("this is an nprofile", Assert.Throws<IdentityFormatException>(() => NostrPublicKey.Parse(nprofile[0])).Message, StringComparison.Ordinal);
        Assert.Contains("this is an nevent", Assert.Throws<IdentityFormatException>(() => Nip19.DecodeNpub(nevent[0])).Message, StringComparison.Ordinal);
        Assert.Contains("this is an naddr", Assert.Throws<IdentityFormatException>(() => NostrKeyPair.Parse(naddr[0])).Message, StringComparison.Ordinal);
        Assert.Contains("this is an nprofile", Assert.Throws<IdentityFormatException>(() => Nip19.DecodeNevent(nprofile[0])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupted_or_truncated_pointer_is_refused_with_the_reason()
    {
        string corrupted = SpecNprofile[..^1] + (SpecNprofile[^1] == 'p' ? 'q' : 'p');
        Assert.Contains("checksum", Assert.Throws<IdentityFormatException>(() => Nip19.DecodeNprofile(corrupted)).Message, StringComparison.Ordinal);
        Assert.Contains("expected the prefix 'naddr1'", Assert.Throws<IdentityFormatException>(() => Nip19.DecodeNaddr("nostr1qqqqqqqqqqqq")).Message, StringComparison.Ordinal);
    }

    private static string[] Strings(JsonElement answer, string name) =>
        [.. answer.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];
}
