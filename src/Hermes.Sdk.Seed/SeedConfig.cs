using Hermes.Sdk.Agents;
using Hermes.Sdk.Core;
using Hermes.Sdk.Core.Yaml;
using Hermes.Sdk.Models.Configuration;
using Hermes.Sdk.Safety;
using YamlDotNet.RepresentationModel;

using Hermes.Sdk.Fleet;

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
public sealed record SeedGitea(Uri? Url, string Owner, string Repo, string TokenEnvironmentVariable, string AdminTokenEnvironmentVariable)
{
    /// <summary>
    /// The scopes the agent's token was created with (<c>gitea.token_scopes</c>): Gitea does not tell a token its own
    /// scopes, and the agent loop offers only the tools they allow. Default: what the role needs.
    /// </summary>
    public IReadOnlyList<string> TokenScopes { get; init; } = [];

    /// <summary>Whether a strategist may merge (<c>gitea.allow_merge</c>; default no): green statuses and the checked head are still required.</summary>
    public bool AllowMerge { get; init; }

    /// <summary>Whether a worker may commit to the default branch (<c>gitea.allow_default_branch_writes</c>; default no).</summary>
    public bool AllowDefaultBranchWrites { get; init; }

    /// <summary>
    /// Where <c>run</c> receives Gitea's webhooks (<c>gitea.webhook_listen</c>, a loopback or Tailscale http address with
    /// its path), waking when an issue turns ready or a pull request needs review; null to poll only.
    /// </summary>
    public Uri? WebhookListen { get; init; }

    /// <summary>The variable holding the webhook's secret (<c>gitea.webhook_secret_env</c>; default <c>GITEA_WEBHOOK_SECRET</c>).</summary>
    public string WebhookSecretEnvironmentVariable { get; init; } = "GITEA_WEBHOOK_SECRET";
}

/// <summary>
/// A seed's <c>config.yaml</c>: the agent, its Gitea workspace, its fleet and NATS server, its safety locale, and the
/// model chain (the blueprint's <c>model</c> / <c>fallback_providers</c>, read by <see cref="ModelChainConfig"/>).
/// Keys are environment variable names, never secrets.
/// </summary>
public sealed partial record SeedConfig(
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
        ["gitea"] = ["url", "owner", "repo", "token_env", "admin_token_env", "token_scopes", "allow_merge", "allow_default_branch_writes", "webhook_listen", "webhook_secret_env"],
        ["fleet"] = ["name", "nats_url", "tiers", "operator"],
        ["safety"] = ["locale"],
        ["skills"] = ["roots"],
        ["work"] = ["max_tool_calls", "max_tokens", "max_wall_time", "burn_max_issues", "burn_stale_after"],
    };

    private static readonly string[] ChainSections = ["model", "fallback_providers", "chain"];

    private static readonly string[] OtherSections = ["mcp_servers", "schedules"];

    /// <summary>The MCP servers whose tools the agent may use (<c>mcp_servers</c>), besides those its skills ship.</summary>
    public IReadOnlyList<McpServerOptions> McpServers { get; init; } = [];

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
            throw new SeedConfigException([new SourceProblem(full, 1, 1, "(file)", "not found: a seed keeps its configuration in config.yaml (dotnet new hermes-seed writes one)")]);
        }

        var reader = new YamlSourceReader(full);
        string text = File.ReadAllText(full);
        YamlMappingNode root = reader.LoadMapping(text, "a mapping with the sections agent, gitea, fleet, safety, model, fallback_providers")
            ?? throw new SeedConfigException(reader.Problems);
        ModelChainOptions? chain = null;
        try
        {
            chain = ModelChainConfig.Parse(text, full);
        }
        catch (ModelConfigException ex)
        {
            foreach (SourceProblem problem in ex.Problems)
            {
                reader.Add(problem);
            }
        }

        foreach ((string name, YamlNode key, YamlNode _) in YamlSourceReader.Entries(root))
        {
            if (!Sections.ContainsKey(name) && !ChainSections.Contains(name) && !OtherSections.Contains(name))
            {
                reader.Add(key, name, $"unknown section '{name}' (expected one of: {string.Join(", ", Sections.Keys.Concat(ChainSections).Concat(OtherSections))})");
            }
        }

        YamlMappingNode? agent = reader.Mapping(root, "agent", Sections["agent"], required: true);
        string agentName = reader.Text(agent, "agent", "name", required: true) ?? "agent";
        if (YamlSourceReader.Get(agent, "name") is { } nameNode && Identity.Storage.AgentNames.Validate(agentName) is { } nameProblem)
        {
            reader.Add(nameNode, "agent.name", nameProblem);
        }

        SeedRole role = SeedRole.Strategist;
        if (reader.Text(agent, "agent", "role", required: true) is { } roleText && !Enum.TryParse(roleText, ignoreCase: true, out role))
        {
            reader.Add(YamlSourceReader.Get(agent, "role")!, "agent.role", $"unknown role '{roleText}' (expected one of: strategist, worker, wolf)");
        }

        YamlMappingNode? gitea = reader.Mapping(root, "gitea", Sections["gitea"], required: false);
        Uri? giteaUrl = reader.Url(gitea, "gitea", "url", "http", "https");
        var giteaConfig = new SeedGitea(
            giteaUrl,
            reader.Text(gitea, "gitea", "owner") ?? agentName,
            reader.Text(gitea, "gitea", "repo") ?? $"{agentName}-workspace",
            reader.Text(gitea, "gitea", "token_env") ?? "GITEA_TOKEN",
            reader.Text(gitea, "gitea", "admin_token_env") ?? "GITEA_ADMIN_TOKEN")
        {
            TokenScopes = ReadTokenScopes(reader, gitea) ?? DefaultScopes(role),
            AllowMerge = Flag(reader, gitea, "gitea", "allow_merge"),
            AllowDefaultBranchWrites = Flag(reader, gitea, "gitea", "allow_default_branch_writes"),
            WebhookListen = WebhookListen(reader, gitea),
            WebhookSecretEnvironmentVariable = reader.Text(gitea, "gitea", "webhook_secret_env") ?? "GITEA_WEBHOOK_SECRET",
        };
        List<McpServerOptions> mcpServers = ReadMcpServers(reader, root);

        YamlMappingNode? fleet = reader.Mapping(root, "fleet", Sections["fleet"], required: false);
        string fleetName = reader.Text(fleet, "fleet", "name") ?? agentName;
        Uri? natsUrl = reader.Url(fleet, "fleet", "nats_url", "nats", "tls");
        List<string> tiers = ReadTiers(reader, fleet, role);
        string operatorName = reader.Text(fleet, "fleet", "operator") ?? $"{fleetName}-operator";
        if (YamlSourceReader.Get(fleet, "operator") is { } operatorNode && Identity.Storage.AgentNames.Validate(operatorName) is { } operatorProblem)
        {
            reader.Add(operatorNode, "fleet.operator", operatorProblem);
        }

        List<FleetSchedule> schedules = ReadSchedules(reader, root, role);
        SeedWorkLimits work = ReadWork(reader, root);

        YamlMappingNode? safety = reader.Mapping(root, "safety", Sections["safety"], required: false);
        string locale = reader.Text(safety, "safety", "locale") ?? "en-US";

        YamlMappingNode? skills = reader.Mapping(root, "skills", Sections["skills"], required: false);
        List<string> roots = YamlSourceReader.Get(skills, "roots") is { } rootsNode
            ? TextList(reader, rootsNode, "skills.roots", "a list of folders (relative to the seed), for example [skills, ~/.hermes/skills]") ?? ["skills"]
            : ["skills"];

        if (reader.HasErrors || chain is null)
        {
            throw new SeedConfigException(reader.Problems);
        }

        return new SeedConfig(full, agentName, role, fleetName, giteaConfig, natsUrl, locale, roots, chain.UseCrisisLines(locale)) { McpServers = mcpServers, Tiers = tiers, Operator = operatorName, Schedules = schedules, Work = work };
    }
}

/// <summary>The seed's config.yaml is missing or invalid; <see cref="SourceProblemException.Problems"/> lists every problem with its position.</summary>
public sealed class SeedConfigException : SourceProblemException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problems">The problems.</param>
    public SeedConfigException(IReadOnlyList<SourceProblem> problems)
        : base("the seed's config.yaml", problems)
    {
    }
}
