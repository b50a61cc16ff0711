using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Hermes.Plant;

/// <summary>What to plant.</summary>
/// <param name="Name">The project name (<c>dotnet new -n</c>).</param>
/// <param name="Agent">The agent's name.</param>
/// <param name="Role">strategist, worker or wolf.</param>
/// <param name="Fleet">The fleet's name (null: the agent's).</param>
/// <param name="GiteaUrl">The fleet's Gitea (null: the template's default).</param>
/// <param name="Nats">Whether the seed joins the fleet bus.</param>
public sealed record SeedSpec(string Name, string Agent, string Role = "strategist", string? Fleet = null, string? GiteaUrl = null, bool Nats = false);

/// <summary>A finished command.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record CommandResult(int ExitCode, string Output, string Error, TimeSpan Elapsed);

/// <summary>
/// Plants seeds from this repository's own packages: packs the SDK and the templates into a local feed at a
/// fresh version, installs the template package into a private hive (<c>--debug:custom-hive</c>), instantiates
/// <c>hermes-seed --feed</c>, and builds the seed with warnings as errors against that feed (and nuget.org for
/// everything else). The README's main command and the template tests both drive it.
/// </summary>
public sealed partial class SeedPlanter
{
    private readonly IProgress<string> _progress;

    /// <summary>Creates the planter.</summary>
    /// <param name="repositoryRoot">The repository (where Hermes.Sdk.sln is).</param>
    /// <param name="workDirectory">Where the feed, the hive and the seeds go (outside any project of the repository's build).</param>
    /// <param name="progress">Receives a line per step.</param>
    public SeedPlanter(string repositoryRoot, string workDirectory, IProgress<string>? progress = null)
    {
        RepositoryRoot = Path.GetFullPath(repositoryRoot);
        WorkDirectory = Path.GetFullPath(workDirectory);
        _progress = progress ?? new Progress<string>(_ => { });
    }

    /// <summary>The repository.</summary>
    public string RepositoryRoot { get; }

    /// <summary>Where the feed, hive and seeds go.</summary>
    public string WorkDirectory { get; }

    /// <summary>The local feed the packages are packed into.</summary>
    public string Feed => Path.Combine(WorkDirectory, "feed");

    /// <summary>The private template hive.</summary>
    public string Hive => Path.Combine(WorkDirectory, "hive");

    /// <summary>Where seeds are planted.</summary>
    public string SeedsDirectory => Path.Combine(WorkDirectory, "seeds");

    /// <summary>The version packed (set by <see cref="PackAsync"/>).</summary>
    public string? Version { get; private set; }

    /// <summary>Packs every Hermes.Sdk package and the templates (Release) into <see cref="Feed"/> at a fresh version.</summary>
    /// <param name="cancellationToken">Cancels the pack.</param>
    /// <returns>The version.</returns>
    public async Task<string> PackAsync(CancellationToken cancellationToken = default)
    {
        // A fresh prerelease per planting: NuGet caches packages by id and version, so reusing one would build seeds
        // against stale copies of the SDK. Analyzers are skipped: every build of the repository already runs them on
        // these sources, and packing is the slowest step of planting.
        string version = "0.1.0-local." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(Feed);
        string filter = Path.Combine(RepositoryRoot, "Hermes.Sdk.Packages.slnf");
        int total = CountProjects(filter);
        _progress.Report($"packing {total} projects (the SDK and the templates) at {version} into {Feed}");
        int packed = 0;
        var compiled = new HashSet<string>(StringComparer.Ordinal);
        void Progress(string line)
        {
            // dotnet pack's minimal output: "  Hermes.Sdk.Core -> /…/Hermes.Sdk.Core.dll" once a project is compiled,
            // "Successfully created package '/…/Hermes.Sdk.Core.0.1.0-local.….nupkg'." once it is packed.
            if (PackedLine().Match(line) is { Success: true } package)
            {
                _progress.Report($"packed {++packed} of {total}: {package.Groups["id"].Value}");
            }
            else if (CompiledLine().Match(line) is { Success: true } project && compiled.Add(project.Groups["project"].Value))
            {
                _progress.Report($"compiled {project.Groups["project"].Value}");
            }
        }

        await RunCheckedAsync(RepositoryRoot, ["pack", filter, "-c", "Release", $"-p:PackageVersion={version}", "-p:RunAnalyzers=false", "-o", Feed, "-nologo", "-v", "minimal", "-tl:off"], cancellationToken, Progress).ConfigureAwait(false);
        Version = version;
        return version;
    }

    /// <summary>Installs the packed template package into the private hive.</summary>
    /// <param name="cancellationToken">Cancels the install.</param>
    public async Task InstallTemplatesAsync(CancellationToken cancellationToken = default)
    {
        string package = Path.Combine(Feed, $"Hermes.Sdk.Templates.{Version ?? throw new InvalidOperationException("Pack first.")}.nupkg");
        _progress.Report($"installing {Path.GetFileName(package)} into the private hive {Hive}");
        await RunCheckedAsync(WorkDirectory, ["new", "install", package, "--debug:custom-hive", Hive], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Instantiates <c>hermes-seed</c> with <c>--feed</c>, so the seed's own <c>nuget.config</c> takes the Hermes.Sdk
    /// packages from <see cref="Feed"/> and everything else from nuget.org (already-restored packages are not
    /// downloaded again).
    /// </summary>
    /// <param name="spec">What to plant.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    /// <returns>The seed's folder.</returns>
    public async Task<string> InstantiateAsync(SeedSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string directory = Path.Combine(SeedsDirectory, spec.Name);
        if (Directory.Exists(directory))
        {
            throw new IOException($"{directory} already exists; plant elsewhere or remove it first (nothing was overwritten).");
        }

        _progress.Report($"dotnet new hermes-seed -n {spec.Name} --agent {spec.Agent} --role {spec.Role}");
        List<string> args = ["-n", spec.Name, "-o", directory, "--agent", spec.Agent, "--role", spec.Role, "--feed", Feed];
        if (spec.Fleet is { } fleet)
        {
            args.AddRange(["--fleet", fleet]);
        }

        if (spec.GiteaUrl is { } url)
        {
            args.AddRange(["--gitea-url", url]);
        }

        if (spec.Nats)
        {
            args.Add("--nats");
        }

        CommandResult result = await NewSeedAsync(args, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet new hermes-seed failed with exit code {result.ExitCode}:{Environment.NewLine}{result.Output}{result.Error}");
        }

        return directory;
    }

    /// <summary>
    /// Runs <c>dotnet new hermes-seed</c> with the given options in <see cref="SeedsDirectory"/> against the private
    /// hive, and returns what it did, failures included.
    /// </summary>
    /// <param name="args">The template's options (<c>-n</c>, <c>-o</c>, <c>--agent</c>, ...).</param>
    /// <param name="cancellationToken">Cancels it.</param>
    /// <returns>The result.</returns>
    public Task<CommandResult> NewSeedAsync(IEnumerable<string> args, CancellationToken cancellationToken = default) => NewAsync("hermes-seed", args, cancellationToken);

    /// <summary>
    /// Runs <c>dotnet new &lt;template&gt;</c> (<c>hermes-seed</c> or <c>hermes-fleet</c>) with the given options in
    /// <see cref="SeedsDirectory"/> against the private hive, and returns what it did, failures included.
    /// </summary>
    /// <param name="template">The template's short name.</param>
    /// <param name="args">The template's options.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    /// <returns>The result.</returns>
    public Task<CommandResult> NewAsync(string template, IEnumerable<string> args, CancellationToken cancellationToken = default)
    {
        WriteSeedsFolderSettings();
        return RunAsync(SeedsDirectory, ["new", template, .. args, "--debug:custom-hive", Hive], null, null, cancellationToken);
    }

    /// <summary>Builds a planted seed with warnings as errors.</summary>
    /// <param name="directory">The seed.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    public async Task BuildAsync(string directory, CancellationToken cancellationToken = default)
    {
        _progress.Report($"building {directory} (warnings as errors)");
        await RunCheckedAsync(directory, ["build", "-warnaserror", "-nologo", "-v", "q"], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a command of a built seed in its folder.</summary>
    /// <param name="directory">The seed.</param>
    /// <param name="environment">Extra environment variables (for example <c>HERMES_HOME</c>).</param>
    /// <param name="args">The seed's arguments.</param>
    /// <returns>The result.</returns>
    public static Task<CommandResult> RunSeedAsync(string directory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        string name = Path.GetFileNameWithoutExtension(Directory.GetFiles(directory, "*.csproj").Single());
        string dll = Path.Combine(directory, "bin", "Debug", "net10.0", name + ".dll");
        return RunAsync(directory, [dll, .. args], environment);
    }

    /// <summary>Runs <c>dotnet</c> with arguments (never secrets) and captures its output.</summary>
    /// <param name="workingDirectory">Where.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <param name="onOutputLine">Called with each line of standard output as it arrives.</param>
    /// <param name="cancellationToken">Cancels it (the process is killed).</param>
    /// <returns>The result.</returns>
    public static async Task<CommandResult> RunAsync(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, Action<string>? onOutputLine = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        Task<string> output = ReadLinesAsync(process.StandardOutput, onOutputLine, cancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CommandResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false), clock.Elapsed);
    }

    private static async Task<string> ReadLinesAsync(StreamReader reader, Action<string>? onLine, CancellationToken cancellationToken)
    {
        var all = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            all.AppendLine(line);
            onLine?.Invoke(line);
        }

        return all.ToString();
    }

    private static int CountProjects(string solutionFilter)
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(solutionFilter));
        return json.RootElement.GetProperty("solution").GetProperty("projects").GetArrayLength();
    }

    [GeneratedRegex(@"^\s*Successfully created package '.*[/\\](?<id>[A-Za-z.]+?)\.\d+\.\d+\.\d+[^/\\]*\.nupkg'")]
    private static partial Regex PackedLine();

    [GeneratedRegex(@"^\s+(?<project>[\w.]+) -> ")]
    private static partial Regex CompiledLine();

    private static async Task RunCheckedAsync(string workingDirectory, IReadOnlyList<string> args, CancellationToken cancellationToken, Action<string>? onOutputLine = null)
    {
        CommandResult result = await RunAsync(workingDirectory, args, null, onOutputLine, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed with exit code {result.ExitCode} (in {workingDirectory}):{Environment.NewLine}{result.Output}{result.Error}");
        }
    }

    /// <summary>
    /// Keeps seeds out of any build settings above them (a seed planted inside the repository must not inherit its
    /// central package management), and accepts NU1603: the registry copy on this machine lacks some exact lower bounds
    /// of third-party dependencies, so NuGet resolves a nearby higher version, as the repository itself does.
    /// </summary>
    private void WriteSeedsFolderSettings()
    {
        Directory.CreateDirectory(SeedsDirectory);
        File.WriteAllText(Path.Combine(SeedsDirectory, "Directory.Build.props"), """
            <Project>
              <!-- Written by Hermes.Plant: seeds here stand alone. NU1603: this machine's registry copy lacks some exact lower bounds. -->
              <PropertyGroup>
                <NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(SeedsDirectory, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(SeedsDirectory, "Directory.Packages.props"), "<Project>\n  <PropertyGroup>\n    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>\n  </PropertyGroup>\n</Project>\n");
    }
}
