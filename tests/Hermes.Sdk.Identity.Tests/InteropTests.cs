using System.Security.Cryptography;
using System.Text.Json;
using Hermes.Sdk.Identity.NKeys;
using Hermes.Sdk.Identity.Nostr;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Identity.Tests;

/// <summary>Live interop with third-party peers from npm, run under Node.js.</summary>
public class InteropTests
{
    private static readonly string[] TrickyContents =
    [
        "hello from Hermes.Sdk",
        "line1\nline2\t\"quoted\" back\\slash\r\b\f end",
        "unicode: é ü 日本語 🤙🏽 Ω",
        "<script>alert('x')</script> & + ` / \u2028 \u2029 \u007f",
        "ctl:\u0000\u0001\u001b\u001f.",
        string.Empty,
    ];

    [Fact]
    public async Task Events_signed_by_the_SDK_verify_in_nostr_tools()
    {
        using var pair = NostrKeyPair.Generate();
        var events = TrickyContents.Select((content, i) => NostrEvent.Create(
            pair,
            kind: i == 0 ? 0 : 1,
            content,
            [["t", "hermes"], ["p", pair.PublicKey.ToHex(), "wss://relay.example", ""]],
            createdAt: 1_700_000_000 + i)).ToList();

        // Tampered copies must be rejected by the peer too: the test can fail.
        NostrEvent tampered = events[1];
        var bad = new NostrEvent { Id = tampered.Id, PubKey = tampered.PubKey, CreatedAt = tampered.CreatedAt, Kind = tampered.Kind, Tags = tampered.Tags, Content = tampered.Content + "!", Sig = tampered.Sig };

        JsonElement answer = await NodePeer.RunAsync("nostr-peer.mjs", new
        {
            op = "verify",
            events = events.Append(bad).Select(e => JsonDocument.Parse(e.ToJson()).RootElement).ToArray(),
        });
        bool[] results = answer.GetProperty("results").EnumerateArray().Select(r => r.GetBoolean()).ToArray();
        Assert.Equal([.. events.Select(_ => true), false], results);
    }

    [Fact]
    public async Task Events_signed_by_nostr_tools_verify_in_the_SDK()
    {
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        Assert.True(Bip340.IsValidSecretKey(secret));
        JsonElement answer = await NodePeer.RunAsync("nostr-peer.mjs", new
        {
            op = "sign",
            sk = Convert.ToHexStringLower(secret),
            templates = TrickyContents.Select((content, i) => new { kind = 1, created_at = 1_700_000_000 + i, tags = new[] { new[] { "t", "interop" } }, content }).ToArray(),
        });

        using var pair = NostrKeyPair.FromSecretKey(secret);
        Assert.Equal(pair.PublicKey.ToHex(), answer.GetProperty("pubkey").GetString());
        int count = 0;
        foreach (JsonElement e in answer.GetProperty("events").EnumerateArray())
        {
            NostrEvent ev = NostrEvent.Parse(e.GetRawText());
            Assert.Equal(NostrEventVerification.Valid, ev.Verify());
            Assert.Equal(e.GetProperty("id").GetString(), ev.ComputeId());
            count++;
        }

        Assert.Equal(TrickyContents.Length, count);
    }

    [Fact]
    public async Task NKey_signatures_cross_verify_with_nkeys_js_both_ways()
    {
        byte[][] data = [RandomNumberGenerator.GetBytes(32), "nonce-from-server"u8.ToArray(), []];

        // SDK signs, nkeys.js verifies (and rejects a signature over other data).
        var ours = Enum.GetValues<NKeyRole>().Select(role => NKeyPair.Create(role)).ToList();
        try
        {
            var items = ours.SelectMany(k => data.Select(d => new { @public = k.PublicKey.Value, data_b64 = Convert.ToBase64String(d), sig_b64 = Convert.ToBase64String(k.Sign(d)) })).ToList();
            items.Add(items[0] with { data_b64 = Convert.ToBase64String(data[1]) });
            JsonElement verified = await NodePeer.RunAsync("nkeys-peer.mjs", new { op = "verify", items });
            Assert.Equal([.. Enumerable.Repeat(true, items.Count - 1), false], verified.GetProperty("results").EnumerateArray().Select(r => r.GetBoolean()));
        }
        finally
        {
            ours.ForEach(k => k.Dispose());
        }

        // nkeys.js creates and signs, the SDK decodes its seeds and verifies.
        foreach (string role in new[] { "user", "account", "operator", "server", "cluster" })
        {
            JsonElement created = await NodePeer.RunAsync("nkeys-peer.mjs", new { op = "create", role, count = 2 });
            foreach (JsonElement key in created.GetProperty("results").EnumerateArray())
            {
                string seed = key.GetProperty("seed").GetString()!;
                using NKeyPair pair = NKeyPair.FromSeed(seed);
                Assert.Equal(key.GetProperty("public").GetString(), pair.PublicKey.Value);
                Assert.Equal(role, pair.Role.ToString(), ignoreCase: true);

                JsonElement signed = await NodePeer.RunAsync("nkeys-peer.mjs", new { op = "sign", items = data.Select(d => new { seed, data_b64 = Convert.ToBase64String(d) }).ToArray() });
                int i = 0;
                foreach (JsonElement s in signed.GetProperty("results").EnumerateArray())
                {
                    byte[] sig = Convert.FromBase64String(s.GetProperty("sig_b64").GetString()!);
                    NKeyPublicKey pub = NKeyPublicKey.Parse(s.GetProperty("public").GetString()!);
                    Assert.True(pub.Verify(data[i], sig));
                    Assert.Equal(sig, pair.Sign(data[i]));
                    Assert.False(pub.Verify(data[(i + 1) % data.Length], sig));
                    i++;
                }
            }
        }
    }
}
