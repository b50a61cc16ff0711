using System.Net;
using System.Net.Sockets;

namespace Hermes.Sdk.Core;

/// <summary>
/// The only networks an operator surface may listen on (the command center, the webhook receiver): this machine's
/// loopback, or a Tailscale interface — its CGNAT range 100.64.0.0/10 or its IPv6 prefix fd7a:115c:a1e0::/48. Anything
/// else could be reached by people who are not the operator.
/// </summary>
public static class TrustedNetwork
{
    /// <summary>The rule, for messages: which addresses are allowed.</summary>
    public const string Rule = "127.0.0.1, ::1, a Tailscale address (100.64.0.0/10) or a Tailscale IPv6 address (fd7a:115c:a1e0::/48)";

    /// <summary>Whether the address is loopback or Tailscale's.</summary>
    /// <param name="address">The address.</param>
    /// <returns>True for loopback, 100.64.0.0/10 and fd7a:115c:a1e0::/48.</returns>
    public static bool IsLoopbackOrTailscale(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        byte[] bytes = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork
            ? bytes[0] == 100 && (bytes[1] & 0xC0) == 64
            : bytes.Length == 16 && bytes[0] == 0xfd && bytes[1] == 0x7a && bytes[2] == 0x11 && bytes[3] == 0x5c && bytes[4] == 0xa1 && bytes[5] == 0xe0;
    }

    /// <summary>Whether a URL's host is a literal loopback or Tailscale address (names are refused: they can resolve anywhere).</summary>
    /// <param name="url">The URL.</param>
    /// <param name="address">The address, when it is one.</param>
    /// <returns>True when the host is such an address.</returns>
    public static bool TryGetTrustedAddress(Uri url, out IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(url);
        address = IPAddress.TryParse(url.Host.Trim('[', ']'), out IPAddress? parsed) && IsLoopbackOrTailscale(parsed) ? parsed : null;
        return address is not null;
    }
}
