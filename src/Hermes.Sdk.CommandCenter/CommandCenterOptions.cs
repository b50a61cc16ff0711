using Hermes.Sdk.Core;

namespace Hermes.Sdk.CommandCenter;

/// <summary>How one source is read: its own timeout, a short server-side cache, and when its data counts as stale.</summary>
public sealed class SourceSettings
{
    /// <summary>How long a read may take before the source shows as unknown ("timed out"), so one slow source never holds the page.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a good read is served again without asking the source (default 10 s).</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How old the source's own time may be before its data is marked stale (default 2 minutes).</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(2);

    internal void Validate(string name)
    {
        if (Timeout <= TimeSpan.Zero || CacheFor < TimeSpan.Zero || StaleAfter <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name}: Timeout and StaleAfter must be positive and CacheFor not negative.", name);
        }
    }
}

/// <summary>What the command center reads and where it listens.</summary>
public sealed class CommandCenterOptions
{
    /// <summary>
    /// Where to listen: an http:// address on loopback (default <c>http://127.0.0.1:8780</c>) or on a Tailscale
    /// interface (100.64.0.0/10, fd7a:115c:a1e0::/48). Anything else is refused at start. Port 0 picks a free port.
    /// </summary>
    public Uri Listen { get; set; } = new("http://127.0.0.1:8780");

    /// <summary>
    /// Host names the pages may be asked for besides the listen address itself (and <c>localhost</c> on loopback),
    /// e.g. the machine's Tailscale MagicDNS name. Any other Host header is refused (DNS rebinding).
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>The fleet's Gitea.</summary>
    public Uri? GiteaUrl { get; set; }

    /// <summary>The variable holding the machine-scoped Gitea token named in the seed's config; no other is ever looked up.</summary>
    public string GiteaTokenEnvironmentVariable { get; set; } = "GITEA_TOKEN";

    /// <summary>The repositories of the task board and the review queue, as <c>owner/name</c>.</summary>
    public IList<string> Repositories { get; } = [];

    /// <summary>
    /// Paths whose change needs the operator's judgment: a pull request touching one is flagged sensitive. A pattern
    /// ending in <c>/*</c> covers a folder; others match a file name anywhere or a full path.
    /// </summary>
    public IList<string> SensitivePaths { get; } = ["SOUL.md", "SOUL.lock", "config.yaml", "safety-tests.md", "fleet.yaml", ".gitea/workflows/*", ".github/workflows/*"];

    /// <summary>How often the pages refresh themselves (default 15 s).</summary>
    public TimeSpan Refresh { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Reading Gitea (issues, pull requests, reviews, statuses), per repository.</summary>
    public SourceSettings Gitea { get; } = new() { Timeout = TimeSpan.FromSeconds(5), CacheFor = TimeSpan.FromSeconds(15), StaleAfter = TimeSpan.FromMinutes(2) };

    /// <summary>Reading the fleet (registry, heartbeats, drift) from the bus.</summary>
    public SourceSettings Fleet { get; } = new() { Timeout = TimeSpan.FromSeconds(3), CacheFor = TimeSpan.FromSeconds(5), StaleAfter = TimeSpan.FromMinutes(1) };

    /// <summary>Reading the schedules from the bus.</summary>
    public SourceSettings Schedules { get; } = new() { Timeout = TimeSpan.FromSeconds(3), CacheFor = TimeSpan.FromSeconds(10), StaleAfter = TimeSpan.FromMinutes(2) };

    /// <summary>An agent busy on one task longer than this is flagged stuck (default 2 hours).</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A pull request waiting longer than this is flagged stale (default 3 days).</summary>
    public TimeSpan ReviewStaleAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Throws unless the options are usable; the message names the field and says why.</summary>
    /// <exception cref="ArgumentException">Something is not usable.</exception>
    public void Validate()
    {
        if (Listen is not { IsAbsoluteUri: true, Scheme: "http" })
        {
            throw new ArgumentException("Listen must be an absolute http:// address, for example http://127.0.0.1:8780.", nameof(Listen));
        }

        if (!TrustedNetwork.TryGetTrustedAddress(Listen, out _))
        {
            throw new ArgumentException($"Listen: {Listen.Host} is not a loopback or Tailscale address. The command center is the operator's alone: it binds only to {TrustedNetwork.Rule}, never to a public or LAN address and never behind a login page.", nameof(Listen));
        }

        if (GiteaUrl is not null && GiteaUrl is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
        {
            throw new ArgumentException("GiteaUrl must be an absolute http:// or https:// address.", nameof(GiteaUrl));
        }

        foreach (string repository in Repositories)
        {
            if (repository.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
            {
                throw new ArgumentException($"Repositories: '{repository}' is not owner/name.", nameof(Repositories));
            }
        }

        if (Repositories.Count > 0 && GiteaUrl is null)
        {
            throw new ArgumentException("GiteaUrl: the repositories need the Gitea they live on.", nameof(GiteaUrl));
        }

        if (Refresh < TimeSpan.FromSeconds(1) || StuckAfter <= TimeSpan.Zero || ReviewStaleAfter <= TimeSpan.Zero)
        {
            throw new ArgumentException("Refresh must be at least 1 s, and StuckAfter and ReviewStaleAfter positive.", nameof(Refresh));
        }

        Gitea.Validate(nameof(Gitea));
        Fleet.Validate(nameof(Fleet));
        Schedules.Validate(nameof(Schedules));
    }
}
