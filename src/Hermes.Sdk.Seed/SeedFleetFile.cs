using Hermes.Sdk.Core;
using Hermes.Sdk.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hermes.Sdk.Seed;

/// <summary>
/// <c>fleet.yaml</c>: the operator's declaration of the fleet — its name, its NATS address, the identity of the
/// operator's key and the seed folders of its agents (each folder's config.yaml names its agent, role and tiers; this
/// file never repeats them). <c>dotnet new hermes-fleet</c> writes one; a lone seed without one is a fleet of itself.
/// </summary>
internal sealed record SeedFleetFile(string Path, string Fleet, Uri? NatsUrl, string Operator, IReadOnlyList<string> Folders)
{
    public const string FileName = "fleet.yaml";

    private static readonly string[] Fields = ["fleet", "nats_url", "operator", "agents"];

    /// <summary>The folder of the file: nats-server.conf and reports are written beside it.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>The generated server configuration's path.</summary>
    public string NatsConfigPath => System.IO.Path.Combine(Directory, "nats-server.conf");

    /// <summary>The fleet the seed belongs to: <paramref name="file"/>, or fleet.yaml in the seed's folder or its parent, or the seed alone.</summary>
    public static SeedFleetFile For(SeedSession s, string? file)
    {
        if (file is not null)
        {
            return Load(System.IO.Path.GetFullPath(file, s.Options.Directory));
        }

        string seed = System.IO.Path.GetFullPath(s.Options.Directory);
        foreach (string? folder in new[] { seed, System.IO.Path.GetDirectoryName(seed) })
        {
            if (folder is not null && System.IO.Path.Combine(folder, FileName) is { } candidate && File.Exists(candidate))
            {
                return Load(candidate);
            }
        }

        return new SeedFleetFile(System.IO.Path.Combine(seed, FileName), s.Config.Fleet, s.Config.NatsUrl, s.Config.Operator, [seed]);
    }

    /// <summary>Reads and checks the file: every problem with file, line and field.</summary>
    public static SeedFleetFile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new SeedInputException($"{path}: not found (dotnet new hermes-fleet writes one; --fleet-file names another).");
        }

        var reader = new YamlSourceReader(path);
        YamlMappingNode? root = reader.LoadMapping(File.ReadAllText(path), "a mapping with fleet, nats_url, operator and agents");
        if (root is null || !reader.RejectUnknownFields(root, "(file)", Fields))
        {
            throw new SeedConfigException(reader.Problems);
        }

        string fleet = reader.Text(root, string.Empty, "fleet", required: true) ?? "fleet";
        if (YamlSourceReader.Get(root, "fleet") is { } fleetNode && Identity.Storage.AgentNames.Validate(fleet) is { } problem)
        {
            reader.Add(fleetNode, "fleet", problem);
        }

        Uri? nats = reader.Url(root, string.Empty, "nats_url", "nats", "tls");
        string operatorName = reader.Text(root, string.Empty, "operator") ?? $"{fleet}-operator";
        var folders = new List<string>();
        if (YamlSourceReader.Get(root, "agents") is not YamlSequenceNode agents || agents.Children.Count == 0)
        {
            reader.Add((YamlNode?)YamlSourceReader.Get(root, "agents") ?? root, "agents", "a list of the agents' seed folders, relative to this file, for example [strategist, wolf]");
        }
        else
        {
            for (int i = 0; i < agents.Children.Count; i++)
            {
                string? folder = reader.Scalar(agents.Children[i], $"agents[{i}]");
                string full = System.IO.Path.GetFullPath(folder ?? ".", System.IO.Path.GetDirectoryName(path)!);
                if (folder is not null && !File.Exists(System.IO.Path.Combine(full, "config.yaml")))
                {
                    reader.Add(agents.Children[i], $"agents[{i}]", $"'{folder}' has no config.yaml: each entry is a seed's folder (dotnet new hermes-seed makes one)");
                }

                folders.Add(full);
            }
        }

        if (reader.HasErrors)
        {
            throw new SeedConfigException(reader.Problems);
        }

        return new SeedFleetFile(path, fleet, nats, operatorName, folders);
    }

    /// <summary>Each agent's config.yaml, checked: it must belong to this fleet, and no two may name the same agent.</summary>
    public IReadOnlyList<SeedConfig> Agents()
    {
        var configs = new List<SeedConfig>();
        foreach (string folder in Folders)
        {
            SeedConfig config = SeedConfig.Load(System.IO.Path.Combine(folder, "config.yaml"));
            if (config.Fleet != Fleet)
            {
                throw new SeedInputException($"{config.Path}: fleet.name: '{config.Fleet}', but {Path} declares fleet '{Fleet}'; make them agree.");
            }

            if (configs.Find(c => c.Agent == config.Agent) is { } twice)
            {
                throw new SeedInputException($"{config.Path}: agent.name: '{config.Agent}' is also {twice.Path}'s; each agent needs its own name.");
            }

            configs.Add(config);
        }

        if (configs.Find(c => c.Agent == Operator) is { } clash)
        {
            throw new SeedInputException($"{Path}: operator: '{Operator}' is also an agent ({clash.Path}); the operator's key must be its own.");
        }

        return configs;
    }

    /// <summary>Writes nats-server.conf for the fleet: loopback only, JetStream beside it, and the rights generated from the registry.</summary>
    public string WriteNatsConfig(string authorization)
    {
        Uri url = NatsUrl ?? new Uri("nats://127.0.0.1:4222");
        string text =
            $"# nats-server configuration of fleet {Fleet}, generated by `fleet init` from {FileName} and the agents' keys.\n" +
            "# Regenerate it after adding an agent; edits here are overwritten.\n" +
            $"listen: \"127.0.0.1:{(url.IsDefaultPort || url.Port <= 0 ? 4222 : url.Port)}\"\n" +
            "jetstream {\n  store_dir: \"./.nats\"\n}\n" +
            authorization;
        AtomicFile.WriteAllText(NatsConfigPath, text);
        return NatsConfigPath;
    }
}
