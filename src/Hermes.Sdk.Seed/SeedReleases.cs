using System.Security.Cryptography;
using System.Text;
using Hermes.Sdk.Core;
using Hermes.Sdk.Safety;

namespace Hermes.Sdk.Seed;

/// <summary>
/// What a seed runs, by digest, and the switch to what the fleet's registry says it should run. The digests are those
/// heartbeats carry and the registry holds: <c>config</c> (config.yaml's bytes), <c>soul</c> (SOUL.md's bytes, as
/// SOUL.lock pins it) and <c>chain</c> (the model chain: each provider's kind, id and endpoint, in order).
/// <para>
/// Every file the seed has run is kept by digest under <c>.hermes/releases/</c>, so a rollback finds the old file
/// again. A switch takes the wanted file from disk (the operator deployed it) or from the releases, checks it as
/// <c>run</c> would — config.yaml parses and names this agent, the soul reads, the ship gate clears every model of the
/// new chain — and otherwise puts the files back as they were and says why: a seed never starts on a change it cannot
/// run, and the rollout that asked for it sees the old digests and rolls back.
/// </para>
/// </summary>
internal sealed class SeedReleases(string directory)
{
    public const string Config = "config", Soul = "soul", Chain = "chain";

    private string ConfigPath => Path.Combine(directory, "config.yaml");

    private string SoulPath => Path.Combine(directory, "SOUL.md");

    private string Releases => Path.Combine(directory, ".hermes", "releases");

    /// <summary>The digests of the files on disk now (a missing file has none).</summary>
    public Dictionary<string, string> Current()
    {
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(ConfigPath))
        {
            digests[Config] = Sha256(File.ReadAllBytes(ConfigPath));
            try
            {
                digests[Chain] = ChainDigest(SeedConfig.Load(ConfigPath));
            }
            catch (SeedConfigException)
            {
                // A config that does not parse has no chain; doctor and run report it.
            }
        }

        if (File.Exists(SoulPath))
        {
            digests[Soul] = Sha256(File.ReadAllBytes(SoulPath));
        }

        return digests;
    }

    /// <summary>The chain's digest: each provider's kind, model id and endpoint, in order (keys are variable names, not part of it).</summary>
    public static string ChainDigest(SeedConfig config)
    {
        var text = new StringBuilder();
        foreach (Models.Configuration.ModelProviderOptions p in config.Chain.Providers)
        {
            text.Append(p.Provider).Append('|').Append(SafetySuite.ModelIdOf(p)).Append('|').Append(p.BaseUrl).Append('\n');
        }

        return Sha256(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Keeps a copy of the files on disk under their digests.</summary>
    public void Keep()
    {
        foreach ((string path, string suffix) in new[] { (ConfigPath, ".yaml"), (SoulPath, ".md") })
        {
            if (File.Exists(path))
            {
                byte[] bytes = File.ReadAllBytes(path);
                string kept = Path.Combine(Releases, Sha256(bytes) + suffix);
                if (!File.Exists(kept))
                {
                    Directory.CreateDirectory(Releases);
                    AtomicFile.WriteAllBytes(kept, bytes);
                }
            }
        }
    }

    /// <summary>
    /// Puts the files the registry wants in place and checks them; on any problem the files are as they were and the
    /// reason is returned. Null when the seed now holds what is wanted (restart on it).
    /// </summary>
    /// <param name="wanted">The registry's digests for this agent.</param>
    /// <param name="running">The digests the seed runs now (kept when it started): restored when the switch fails.</param>
    /// <param name="agent">This agent's name (a config.yaml for another agent is refused).</param>
    public string? TrySwitch(IReadOnlyDictionary<string, string> wanted, IReadOnlyDictionary<string, string> running, string agent)
    {
        Keep();
        Dictionary<string, string> before = Current();
        var writes = new List<(string Path, byte[] Bytes)>();
        foreach ((string kind, string path, string suffix) in new[] { (Config, ConfigPath, ".yaml"), (Soul, SoulPath, ".md") })
        {
            if (!wanted.TryGetValue(kind, out string? digest) || before.GetValueOrDefault(kind) == digest)
            {
                continue;
            }

            string kept = Path.Combine(Releases, digest + suffix);
            if (!File.Exists(kept))
            {
                return $"{kind} {Short(digest)} is not on this machine: deploy the file, then roll out again";
            }

            writes.Add((path, File.ReadAllBytes(kept)));
        }

        foreach ((string path, byte[] bytes) in writes)
        {
            AtomicFile.WriteAllBytes(path, bytes);
        }

        string? problem = Check(wanted, agent);
        if (problem is not null)
        {
            // Back to what runs: the refused files are kept under their digests, never lost.
            foreach ((string kind, string path, string suffix) in new[] { (Config, ConfigPath, ".yaml"), (Soul, SoulPath, ".md") })
            {
                if (running.TryGetValue(kind, out string? digest) && Path.Combine(Releases, digest + suffix) is { } kept && File.Exists(kept) && Current().GetValueOrDefault(kind) != digest)
                {
                    AtomicFile.WriteAllBytes(path, File.ReadAllBytes(kept));
                }
            }

            return problem;
        }

        if (writes.Any(w => w.Path == SoulPath))
        {
            SoulLock.Pin(Safety.Soul.Load(SoulPath)); // the operator's registry is the reviewed change the pin asks for
        }

        return null;
    }

    private string? Check(IReadOnlyDictionary<string, string> wanted, string agent)
    {
        SeedConfig config;
        try
        {
            config = SeedConfig.Load(ConfigPath);
            _ = Safety.Soul.Load(SoulPath);
        }
        catch (Exception ex) when (ex is SeedConfigException or SoulException)
        {
            return $"the new files cannot be run: {ex.Message}";
        }

        if (config.Agent != agent)
        {
            return $"the new config.yaml is agent {config.Agent}'s, not {agent}'s";
        }

        if (wanted.TryGetValue(Chain, out string? chain) && ChainDigest(config) != chain)
        {
            return $"the new config.yaml's chain is {Short(ChainDigest(config))}, the registry wants {Short(chain)}";
        }

        if (SeedShipGate.Refused(directory, config) is [{ } refused, ..])
        {
            return $"ship gate: {refused.Reason}";
        }

        return null;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string Short(string digest) => digest.Length > 12 ? digest[..12] : digest;
}
