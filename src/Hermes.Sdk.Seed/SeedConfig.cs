using Hermes.Sdk.Models.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hermes.Sdk.Seed;

/// <summary>What an agent does in its fleet.</summary>
public enum SeedRole
{
    /// <summary>The seed: triages, prioritises, reviews.</summary>
    Strategist,

    /// <summary>Works tasks handed to it.</summary>
    Worker,

    /// <summary>A cheap agent on free models: claims issues and triages them (evidence, next action, confidence).</summary>
    Wolf,
}

/// <summary>The seed's Gitea workspace.</summary>
/// <param name="Url">The server (null until the user sets it).</param>
/// <param name="Owner">The repository owner.</param>
/// <param name="Repo">The repository the agent takes work from.</param>
/// <param name="TokenEnvironmentVariable">The variable holding the agent's own token.</param>
/// <param name="AdminTokenEnvironmentVariable">The variable holding an admin token (only <c>gitea setup</c> reads it).</param>
public sealed record SeedGitea(Uri? Url, string Owner, string Repo, string TokenEnvironmentVariable, string AdminTokenEnvironmentVariable);

/// <summary>
/// A seed's <c>config.yaml</c>: the agent, its Gitea workspace, its fleet and NATS server, its safety locale, and the
/// model chain (the blueprint's <c>model</c> / <c>fallback_providers</c>, read by <see cref="ModelChainConfig"/>).
/// Keys are environment variable names, never secrets.
/// </summary>
public sealed record SeedConfig(
    string Path,
    string Agent,
    SeedRole Role,
    string Fleet,
    SeedGitea Gitea,
    Uri? NatsUrl,
    string Locale,
    IReadOnlyList<string> SkillRoots,
    ModelChainOptions Chain)
{
    private static readonly Dictionary<string, string[]> Sections = new(StringComparer.Ordinal)
    {
        ["agent"] = ["name", "role"],
        ["gitea"] = ["url", "owner", "repo", "token_env", "admin_token_env"],
        ["fleet"] = ["name", "nats_url"],
        ["safety"] = ["locale"],
        ["skills"] = ["roots"],
    };

    private static readonly string[] ChainSections = ["model", "fallback_providers", "chain"];

    /// <summary>The seed folder (where config.yaml is).</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>Reads and checks the file: every problem is reported with file, line, column and field.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="SeedConfigException">The file is missing or invalid.</exception>
    public static SeedConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new SeedConfigException([new ModelConfigProblem(full, 1, 1, "(file)", "not found: a seed keeps its configuration in config.yaml (dotnet new hermes-seed writes one)")]);
        }

        var problems = new List<ModelConfigProblem>();
        var reader = new Reader(full, problems);
        string text = File.ReadAllText(full);
        YamlMappingNode root = reader.Root(text) ?? throw new SeedConfigException(problems);
        ModelChainOptions? chain = null;
        try
        {
            chain = ModelChainConfig.Parse(text, full);
        }
        catch (ModelConfigException ex)
        {
            problems.AddRange(ex.Problems);
        }

        foreach ((YamlNode key, YamlNode _) in root.Children)
        {
            string name = ((YamlScalarNode)key).Value ?? string.Empty;
            if (!Sections.ContainsKey(name) && !ChainSections.Contains(name))
            {
                reader.Add(key, name, $"unknown section '{name}' (expected one of: {string.Join(", ", Sections.Keys.Concat(ChainSections))})");
            }
        }

        YamlMappingNode? agent = reader.Section(root, "agent", required: true);
        string agentName = reader.Text(agent, "agent", "name", required: true) ?? "agent";
        if (Reader.Node(agent, "name") is { } nameNode && Identity.Storage.AgentNames.Validate(agentName) is { } nameProblem)
        {
            reader.Add(nameNode, "agent.name", nameProblem);
        }

        SeedRole role = SeedRole.Strategist;
        if (reader.Text(agent, "agent", "role", required: true) is { } roleText && !Enum.TryParse(roleText, ignoreCase: true, out role))
        {
            reader.Add(Reader.Node(agent, "role")!, "agent.role", $"unknown role '{roleText}' (expected one of: strategist, worker, wolf)");
        }

        YamlMappingNode? gitea = reader.Section(root, "gitea", required: false);
        Uri? giteaUrl = reader.Url(gitea, "gitea", "url", "http", "https");
        var giteaConfig = new SeedGitea(
            giteaUrl,
            reader.Text(gitea, "gitea", "owner") ?? agentName,
            reader.Text(gitea, "gitea", "repo") ?? $"{agentName}-workspace",
            reader.Text(gitea, "gitea", "token_env") ?? "GITEA_TOKEN",
            reader.Text(gitea, "gitea", "admin_token_env") ?? "GITEA_ADMIN_TOKEN");

        YamlMappingNode? fleet = reader.Section(root, "fleet", required: false);
        string fleetName = reader.Text(fleet, "fleet", "name") ?? agentName;
        Uri? natsUrl = reader.Url(fleet, "fleet", "nats_url", "nats", "tls");

        YamlMappingNode? safety = reader.Section(root, "safety", required: false);
        string locale = reader.Text(safety, "safety", "locale") ?? "en-US";

        YamlMappingNode? skills = reader.Section(root, "skills", required: false);
        List<string> roots = ["skills"];
        if (Reader.Node(skills, "roots") is { } rootsNode)
        {
            if (rootsNode is YamlSequenceNode list && list.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }))
            {
                roots = [.. list.Children.Select(c => ((YamlScalarNode)c).Value!)];
            }
            else
            {
                reader.Add(rootsNode, "skills.roots", "a list of folders (relative to the seed), for example [skills, ~/.hermes/skills]");
            }
        }

        if (problems.Count > 0 || chain is null)
        {
            throw new SeedConfigException(problems);
        }

        return new SeedConfig(full, agentName, role, fleetName, giteaConfig, natsUrl, locale, roots, chain);
    }

    /// <summary>Reads sections and fields, recording problems with their positions.</summary>
    private sealed class Reader(string file, List<ModelConfigProblem> problems)
    {
        public YamlMappingNode? Root(string text)
        {
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(text));
                if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode map)
                {
                    return map;
                }

                problems.Add(new ModelConfigProblem(file, 1, 1, "(document)", "expected a mapping with the sections agent, gitea, fleet, safety, model, fallback_providers"));
            }
            catch (YamlException ex)
            {
                problems.Add(new ModelConfigProblem(file, (int)ex.Start.Line, (int)ex.Start.Column, "(syntax)", ex.InnerException?.Message ?? ex.Message));
            }

            return null;
        }

        public void Add(YamlNode node, string field, string message) =>
            problems.Add(new ModelConfigProblem(file, (int)node.Start.Line, (int)node.Start.Column, field, message));

        public YamlMappingNode? Section(YamlMappingNode root, string name, bool required)
        {
            YamlNode? node = Node(root, name);
            if (node is YamlMappingNode map)
            {
                foreach ((YamlNode key, YamlNode _) in map.Children)
                {
                    string field = ((YamlScalarNode)key).Value ?? string.Empty;
                    if (!Sections[name].Contains(field))
                    {
                        Add(key, $"{name}.{field}", $"unknown field '{field}' (expected one of: {string.Join(", ", Sections[name])})");
                    }
                }

                return map;
            }

            if (node is not null)
            {
                Add(node, name, $"'{name}' must be a mapping of: {string.Join(", ", Sections[name])}");
            }
            else if (required)
            {
                problems.Add(new ModelConfigProblem(file, 1, 1, name, $"missing section '{name}' (fields: {string.Join(", ", Sections[name])})"));
            }

            return null;
        }

        public static YamlNode? Node(YamlMappingNode? map, string key) =>
            map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) ? node : null;

        public string? Text(YamlMappingNode? map, string section, string key, bool required = false)
        {
            YamlNode? node = Node(map, key);
            if (node is YamlScalarNode { Value: { Length: > 0 } value })
            {
                return value.Trim();
            }

            if (node is not null)
            {
                Add(node, $"{section}.{key}", "expected a non-empty text value");
            }
            else if (required && map is not null)
            {
                Add(map, $"{section}.{key}", $"missing field '{key}'");
            }

            return null;
        }

        public Uri? Url(YamlMappingNode? map, string section, string key, params string[] schemes)
        {
            string? text = Text(map, section, key);
            if (text is null)
            {
                return null;
            }

            if (Uri.TryCreate(text, UriKind.Absolute, out Uri? url) && schemes.Contains(url.Scheme, StringComparer.OrdinalIgnoreCase))
            {
                return url;
            }

            Add(Node(map, key)!, $"{section}.{key}", $"'{text}' is not a {string.Join(" or ", schemes.Select(s => s + "://"))} URL");
            return null;
        }
    }
}

/// <summary>The seed's config.yaml is missing or invalid; <see cref="Problems"/> lists every problem with its position.</summary>
public sealed class SeedConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problems">The problems.</param>
    public SeedConfigException(IReadOnlyList<ModelConfigProblem> problems)
        : base(string.Join(Environment.NewLine, problems.Select(p => p.ToString())))
    {
        Problems = problems;
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ModelConfigProblem> Problems { get; }
}
