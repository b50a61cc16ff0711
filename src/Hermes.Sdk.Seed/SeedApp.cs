using Hermes.Sdk.Core;
using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hermes.Sdk.Identity.Storage;
using Hermes.Sdk.Safety;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Hermes.Sdk.Seed;

/// <summary>
/// The seed agent's command line (what <c>dotnet new hermes-seed</c> plants calls): <c>survey</c>,
/// <c>identity new|show</c>, <c>chain test</c>, <c>safety run</c>, <c>skills list|validate|new</c>, <c>gitea setup</c>,
/// <c>run [--once]</c>, <c>fleet init|registry|status|rollout|schedules|watch|report</c>, <c>command-center</c> and <c>doctor</c>. Every command takes <c>--json</c>. Exit codes: 0 done or ready, 1 a check or
/// test failed or the seed is not ready, 2 bad input (every problem printed with file, line and field; nothing written).
/// </summary>
public static partial class SeedApp
{
    /// <summary>Done, or ready.</summary>
    public const int Ok = 0;

    /// <summary>A check or test failed, or the seed is not ready.</summary>
    public const int NotReady = 1;

    /// <summary>Bad input: nothing was written.</summary>
    public const int BadInput = 2;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>"1 skill", "2 skills".</summary>
    internal static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>Parses the arguments and runs the command.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="options">Where the seed is and how it talks to the world; default: the current directory and console.</param>
    /// <param name="cancellationToken">Cancels the command (Ctrl+C).</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, SeedAppOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        options ??= new SeedAppOptions();
        RootCommand root = CreateCommand(options);
        ParseResult parse = root.Parse(args);
        options.Verbose |= parse.GetValue<bool>("--verbose");
        if (parse.Errors.Count > 0)
        {
            return BadUsageAsync(parse, options); // a missing or unknown option is bad input (2), with the usage
        }

        return parse.InvokeAsync(new InvocationConfiguration { Output = options.Out, Error = options.Error }, cancellationToken);
    }

    /// <summary>The command tree, to add commands of your own before invoking it.</summary>
    /// <param name="options">Where the seed is and how it talks to the world.</param>
    /// <returns>The root command.</returns>
    public static RootCommand CreateCommand(SeedAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var json = new Option<bool>("--json") { Description = "Write the result as JSON on standard output (problems still go to standard error).", Recursive = true };
        var verbose = new Option<bool>("--verbose") { Description = "On a failure, also write its stack trace (to standard error).", Recursive = true };
        var root = new RootCommand("A Hermes seed agent: values, a fallback chain and a workspace, ready to grow into a fleet.")
        {
            json,
            verbose,
            SurveyCommand(options, json),
            IdentityCommand(options, json),
            ChainCommand(options, json),
            SoulCommand(options, json),
            SafetyCommand(options, json),
            SkillsCommand(options, json),
            GiteaCommand(options, json),
            RunCommand(options, json),
            FleetCommand(options, json),
            CommandCenterCommand(options, json),
            DoctorCommand(options, json),
        };
        return root;
    }

    /// <summary>Runs a command body: writes its result (table or JSON) and maps bad input to exit 2 with every problem.</summary>
    internal static async Task<int> ExecuteAsync(SeedAppOptions options, bool json, Func<SeedSession, Task<SeedOutput>> body)
    {
        var session = new SeedSession(options, json);
        try
        {
            SeedOutput output = await body(session).ConfigureAwait(false);
            if (json)
            {
                await options.Out.WriteLineAsync(JsonSerializer.Serialize(output.Result, output.Result.GetType(), Json)).ConfigureAwait(false);
            }
            else
            {
                output.Render(session.Console);
            }

            return output.ExitCode;
        }
        catch (SeedNotReadyException ex)
        {
            await options.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            if (json)
            {
                await options.Out.WriteLineAsync(JsonSerializer.Serialize(new ErrorResult(false, [ex.Message], new ErrorDetail("not-ready", ex.Message)), Json)).ConfigureAwait(false);
            }

            return NotReady;
        }
        catch (Exception ex) when (Problems(ex) is { } problems)
        {
            foreach (string problem in problems)
            {
                await options.Error.WriteLineAsync(problem).ConfigureAwait(false);
            }

            if (json)
            {
                await options.Out.WriteLineAsync(JsonSerializer.Serialize(new ErrorResult(false, problems, new ErrorDetail("bad-input", problems[0])), Json)).ConfigureAwait(false);
            }

            return BadInput;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException { CancellationToken.IsCancellationRequested: true }) && DependencyFailure.Of(ex, session) is { } failure)
        {
            await options.Error.WriteLineAsync($"error: {failure.Message}").ConfigureAwait(false);
            if (session.Verbose)
            {
                await options.Error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            }

            if (json)
            {
                await options.Out.WriteLineAsync(JsonSerializer.Serialize(new ErrorResult(false, [failure.Message], new ErrorDetail(failure.Code, failure.Message)), Json)).ConfigureAwait(false);
            }

            return NotReady;
        }
        finally
        {
            session.Dispose();
        }
    }

    private static async Task<int> BadUsageAsync(ParseResult parse, SeedAppOptions options)
    {
        IReadOnlyList<string> problems = [.. parse.Errors.Select(e => e.Message)];
        foreach (string problem in problems)
        {
            await options.Error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
        }

        await options.Error.WriteLineAsync($"usage: {parse.CommandResult.Command.Name} --help shows the options").ConfigureAwait(false);
        if (parse.GetValue<bool>("--json"))
        {
            await options.Out.WriteLineAsync(JsonSerializer.Serialize(new ErrorResult(false, problems, new ErrorDetail("usage", problems[0])), Json)).ConfigureAwait(false);
        }

        return BadInput;
    }

    /// <summary>The problems of bad input, or null for anything else (which is a bug and propagates).</summary>
    private static IReadOnlyList<string>? Problems(Exception ex) => ex switch
    {
        SourceProblemException e => e.Problems.Count > 0 ? [.. e.Problems.Select(p => p.ToString())] : [e.Message], // config.yaml, the chain, the test set, a skill
        InsecureKeyFileException e => [e.Message],
        IdentityExistsException e => [$"{e.Directory}: the identity of '{e.AgentName}' already exists; not overwritten (identity show prints it)."],
        ArgumentNullException => null, // a bug, not bad input
        SoulException or SeedInputException or FileNotFoundException or InvalidDataException or ArgumentException => [ex.Message],
        _ => null,
    };

    internal sealed record ErrorResult(bool Ok, IReadOnlyList<string> Problems, ErrorDetail Error);

    internal sealed record ErrorDetail(string Code, string Message);
}

/// <summary>Something the user still has to do before the command can work (exit 1, "not ready"), named with what to do.</summary>
internal sealed class SeedNotReadyException(string message) : Exception(message);

/// <summary>Bad input the seed names precisely (file, field, what to do).</summary>
public sealed class SeedInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public SeedInputException(string message)
        : base(message)
    {
    }
}

/// <summary>A command's result: the object written with <c>--json</c>, its table, and the exit code.</summary>
internal sealed record SeedOutput(object Result, Action<IAnsiConsole> Render, int ExitCode = SeedApp.Ok);

/// <summary>What every command has to hand: the seed's files, its console and logging.</summary>
internal sealed class SeedSession : IDisposable
{
    private readonly ILoggerFactory? _ownedLogging;
    private SeedConfig? _config;
    private IdentityStore? _identities;

    public SeedSession(SeedAppOptions options, bool json)
    {
        Options = options;
        Json = json;
        Console = ConsoleOver(options.Out, System.Console.Out, InteractionSupport.No);
        Progress = ConsoleOver(options.Error, System.Console.Error, InteractionSupport.Detect);
        if (options.LoggerFactory is null)
        {
            // Logs go to standard error only, so standard output carries the result alone (one JSON document with --json).
            _ownedLogging = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddFilter((_, level) => level >= LogLevel.Warning));
        }
    }

    public SeedAppOptions Options { get; }

    public bool Json { get; }

    /// <summary>Tables and results (standard output).</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Progress and warnings (standard error, so <c>--json</c> output stays clean).</summary>
    public IAnsiConsole Progress { get; }

    public ILoggerFactory Logging => Options.LoggerFactory ?? _ownedLogging!;

    public string File(string name) => Path.Combine(Options.Directory, name);

    public string ConfigPath => File("config.yaml");

    public string SoulPath => File("SOUL.md");

    public string TestSetPath => File("safety-tests.md");

    public string ShipRecordsPath => SeedShipGate.ShipRecordsPath(Options.Directory);

    /// <summary>config.yaml, read once (bad input throws <see cref="SeedConfigException"/>).</summary>
    public SeedConfig Config => _config ??= SeedConfig.Load(ConfigPath);

    /// <summary>Reads config.yaml again at its next use (the seed switched to a new one).</summary>
    public void Reload() => _config = null;

    /// <summary>config.yaml if it was read, for messages about a failure.</summary>
    public SeedConfig? ConfigOrNull => _config;

    /// <summary>Whether <c>--verbose</c> asked for stack traces.</summary>
    public bool Verbose => Options.Verbose;

    /// <summary>The identity store, made once per command.</summary>
    public IdentityStore Identities => _identities ??= new(new IdentityStoreOptions { RootDirectory = Options.IdentityRoot }, Logging.CreateLogger<IdentityStore>());

    public string? Env(string name) => Options.Environment(name) is { Length: > 0 } value ? value : null;

    public void Warn(string message) => Options.Error.WriteLine("warning: " + message);

    /// <summary>The ship gate over this seed's soul, test set and records.</summary>
    public ShipGate ShipGate() => SeedShipGate.For(Options.Directory);

    /// <summary>Colour and live display only on the real terminal streams; plain text into anything else (tests, pipes to files).</summary>
    private static IAnsiConsole ConsoleOver(TextWriter writer, TextWriter terminal, InteractionSupport interaction) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = writer == terminal ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = writer == terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = interaction,
    });

    public void Dispose() => _ownedLogging?.Dispose();
}
