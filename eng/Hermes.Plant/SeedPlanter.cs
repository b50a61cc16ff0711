using System.Diagnostics;
using System.Globalization;
using System.Text;

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
/// Plants seeds from this repository's own packages, offline: packs the SDK and the templates into a local feed at a
/// fresh version, installs the template package into a private hive (<c>--debug:custom-hive</c>), instantiates
/// <c>hermes-seed</c>, and builds the seed with warnings as errors against that feed and the packages already restored
/// on this machine. The README's main command and the template tests both drive it.
/// </summary>
public sealed class SeedPlanter
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
        _progress.Report($"packing the SDK and templates {version} into {Feed}");
        await RunCheckedAsync(RepositoryRoot, ["pack", Path.Combine(RepositoryRoot, "Hermes.Sdk.Packages.slnf"), "-c", "Release", $"-p:PackageVersion={version}", "-p:RunAnalyzers=false", "-o", Feed, "-nologo", "-v", "q"], cancellationToken).ConfigureAwait(false);
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

    /// <summary>Instantiates <c>hermes-seed</c> and writes the offline NuGet set-up beside it.</summary>
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

        WriteSeedsFolderSettings();
        _progress.Report($"dotnet new hermes-seed -n {spec.Name} --agent {spec.Agent} --role {spec.Role}");
        List<string> args = ["new", "hermes-seed", "-n", spec.Name, "-o", directory, "--agent", spec.Agent, "--role", spec.Role, "--debug:custom-hive", Hive];
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

        await RunCheckedAsync(SeedsDirectory, args, cancellationToken).ConfigureAwait(false);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), NuGetConfig());
        return directory;
    }

    /// <summary>Builds a planted seed with warnings as errors.</summary>
    /// <param name="directory">The seed.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    public async Task BuildAsync(string directory, CancellationToken cancellationToken = default)
    {
        _progress.Report($"building {directory} (warnings as errors, offline)");
        await RunCheckedAsync(directory, ["build", "-warnaserror", "-nologo", "-v", "q"], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a command of a built seed in its folder.</summary>
    /// <param name="directory">The seed.</param>
    /// <param name="environment">Extra environment variables (for example <c>HERMES_HOME</c>).</param>
    /// <param name="args">The seed's arguments.</param>
    /// <returns>The result.</returns>
    public static Task<CommandResult> RunSeedAsync(string directory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        string name = Path.GetFileName(directory);
        string dll = Path.Combine(directory, "bin", "Debug", "net10.0", name + ".dll");
        return RunAsync(directory, [dll, .. args], environment, CancellationToken.None);
    }

    /// <summary>Runs <c>dotnet</c> with arguments (never secrets) and captures its output.</summary>
    /// <param name="workingDirectory">Where.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <param name="cancellationToken">Cancels it (the process is killed).</param>
    /// <returns>The result.</returns>
    public static async Task<CommandResult> RunAsync(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
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
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
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

    private static async Task RunCheckedAsync(string workingDirectory, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        CommandResult result = await RunAsync(workingDirectory, args, null, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed with exit code {result.ExitCode} (in {workingDirectory}):{Environment.NewLine}{result.Output}{result.Error}");
        }
    }

    /// <summary>
    /// Sources for an offline build: the local feed, and the packages this machine already restored (the SDK's own
    /// dependencies). No network source; the mapping replaces any mapping of a nuget.config above the seed.
    /// </summary>
    private string NuGetConfig()
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return new StringBuilder()
            .AppendLine("""<?xml version="1.0" encoding="utf-8"?>""")
            .AppendLine("<!-- Written by Hermes.Plant: build offline from the locally packed Hermes.Sdk packages. -->")
            .AppendLine("<configuration>")
            .AppendLine("  <packageSources>")
            .AppendLine("    <clear />")
            .AppendLine(CultureInfo.InvariantCulture, $"""    <add key="hermes-local" value="{Feed}" />""")
            .AppendLine(CultureInfo.InvariantCulture, $"""    <add key="restored-on-this-machine" value="{cache}" />""")
            .AppendLine("  </packageSources>")
            .AppendLine("  <packageSourceMapping>")
            .AppendLine("    <clear />")
            .AppendLine("    <packageSource key=\"hermes-local\"><package pattern=\"Hermes.Sdk.*\" /></packageSource>")
            .AppendLine("    <packageSource key=\"restored-on-this-machine\"><package pattern=\"*\" /></packageSource>")
            .AppendLine("  </packageSourceMapping>")
            .AppendLine("</configuration>")
            .ToString();
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
