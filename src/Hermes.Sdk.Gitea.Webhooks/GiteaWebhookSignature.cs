using System.Security.Cryptography;
using System.Text;

namespace Hermes.Sdk.Gitea.Webhooks;

/// <summary>
/// Gitea's delivery signature: <c>X-Gitea-Signature</c> is the lowercase hex HMAC-SHA256 of the body as sent, keyed
/// by the hook's secret (services/webhook/deliver.go: <c>hex.EncodeToString(sig256.Sum(nil))</c>; GitHub's
/// <c>X-Hub-Signature-256</c> carries the same value after <c>sha256=</c>).
/// </summary>
public static class GiteaWebhookSignature
{
    /// <summary>The signature Gitea sends for <paramref name="body"/>.</summary>
    /// <param name="secret">The hook's secret.</param>
    /// <param name="body">The body's bytes.</param>
    /// <returns>Lowercase hex.</returns>
    public static string Compute(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>Whether <paramref name="signature"/> is the body's signature, compared in constant time.</summary>
    /// <param name="secret">The hook's secret.</param>
    /// <param name="body">The body's bytes.</param>
    /// <param name="signature">The header's value (hex, optionally after <c>sha256=</c>).</param>
    /// <returns>Whether it matches.</returns>
    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrWhiteSpace(signature))
        {
            return false;
        }

        string hex = signature.Trim();
        hex = hex.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? hex[7..] : hex;
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            return false;
        }

        byte[] expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(hex));
    }
}
