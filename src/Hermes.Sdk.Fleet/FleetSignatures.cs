using System.Buffers.Text;
using Hermes.Sdk.Identity.NKeys;
using NATS.Client.Core;

namespace Hermes.Sdk.Fleet;

/// <summary>
/// Heartbeats and results are signed with the sending agent's NKey: the headers <c>Hermes-Signer</c> (its public key)
/// and <c>Hermes-Signature</c> (the Ed25519 signature of the message's exact bytes, base64url). A receiver with
/// <see cref="FleetOptions.TrustedKeys"/> accepts a message only when it is signed by the key listed for the agent the
/// message names.
/// </summary>
internal static class FleetSignatures
{
    public const string SignerHeader = "Hermes-Signer";
    public const string SignatureHeader = "Hermes-Signature";

    /// <summary>Parsed public keys: a receiver checks every message against the same few.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, NKeyPublicKey> Keys = new(StringComparer.Ordinal);

    public static NatsHeaders Sign(NKeyPair key, ReadOnlySpan<byte> data) => new()
    {
        [SignerHeader] = key.PublicKey.Value,
        [SignatureHeader] = Base64Url.EncodeToString(key.Sign(data)),
    };

    /// <summary>Null when the message may be believed; otherwise why not.</summary>
    public static string? Problem(NatsHeaders? headers, ReadOnlySpan<byte> data, string agent, IDictionary<string, string> trusted)
    {
        if (trusted.Count == 0)
        {
            return null;
        }

        if (!trusted.TryGetValue(agent, out string? expected))
        {
            return $"'{agent}' is not an agent of the fleet";
        }

        if (headers is null || !headers.TryGetValue(SignerHeader, out var signer) || !headers.TryGetValue(SignatureHeader, out var signature))
        {
            return $"the message for '{agent}' is not signed";
        }

        if (!string.Equals(signer.ToString(), expected, StringComparison.Ordinal))
        {
            return $"the message for '{agent}' is signed by {signer}, not by its key";
        }

        try
        {
            NKeyPublicKey key = Keys.GetOrAdd(expected, static k => NKeyPublicKey.Parse(k));
            return key.Verify(data, Base64Url.DecodeFromChars(signature.ToString())) ? null : $"the signature of the message for '{agent}' does not match";
        }
        catch (FormatException)
        {
            return $"the signature of the message for '{agent}' is not base64url";
        }
    }
}
