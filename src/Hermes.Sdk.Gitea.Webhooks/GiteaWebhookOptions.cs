using Hermes.Sdk.Core;

namespace Hermes.Sdk.Gitea.Webhooks;

/// <summary>Where the receiver listens and how it checks deliveries.</summary>
public sealed class GiteaWebhookOptions
{
    /// <summary>
    /// The address to listen on, with the path Gitea posts to, e.g. <c>http://127.0.0.1:8765/hooks/gitea</c>. Its host
    /// must be a loopback or Tailscale address (100.64.0.0/10, fd7a:115c:a1e0::/48): the receiver is never exposed to a
    /// network anyone can reach. Port 0 picks a free port (see <see cref="GiteaWebhookReceiver.Url"/>).
    /// </summary>
    public Uri? Listen { get; set; }

    /// <summary>The environment variable holding the webhook's secret (the one set on the hook in Gitea). Never the secret itself.</summary>
    public string SecretEnvironmentVariable { get; set; } = "GITEA_WEBHOOK_SECRET";

    /// <summary>Only deliveries for this repository (<c>owner/name</c>) wake the agent; others are acknowledged and ignored.</summary>
    public string? Repository { get; set; }

    /// <summary>The label that makes an issue ready (default <c>ready</c>).</summary>
    public string ReadyLabel { get; set; } = "ready";

    /// <summary>The largest delivery read (default 1 MiB); a larger one is refused with 413.</summary>
    public int MaxBodyBytes { get; set; } = 1 << 20;

    /// <summary>Throws unless the address is an absolute http URL on a loopback or Tailscale host.</summary>
    /// <exception cref="ArgumentException">The options are unusable; the message names the field.</exception>
    public void Validate()
    {
        if (Listen is not { IsAbsoluteUri: true, Scheme: "http" } listen)
        {
            throw new ArgumentException("Listen must be an absolute http:// address, e.g. http://127.0.0.1:8765/hooks/gitea.", nameof(Listen));
        }

        if (!TrustedNetwork.TryGetTrustedAddress(listen, out _))
        {
            throw new ArgumentException($"Listen: {listen.Host} is not a loopback or Tailscale address; the receiver binds only to 127.0.0.1, ::1, 100.64.0.0/10 or fd7a:115c:a1e0::/48.", nameof(Listen));
        }

        if (string.IsNullOrWhiteSpace(SecretEnvironmentVariable))
        {
            throw new ArgumentException("SecretEnvironmentVariable must name the variable holding the webhook's secret.", nameof(SecretEnvironmentVariable));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBodyBytes);
    }
}
