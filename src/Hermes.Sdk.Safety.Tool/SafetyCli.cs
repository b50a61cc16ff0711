using Hermes.Sdk.Core;
using System.CommandLine;
using System.Globalization;
using Hermes.Sdk.Models.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Safety.Tool;

/// <summary>
/// <c>hermes-safety</c>: <c>run</c> the suite (exit 1 when any model fails), <c>soul pin</c> / <c>soul check</c>,
/// <c>gate</c> (exit 1 when the model may not ship), <c>init</c> (write the default test set).
/// Exit 2 means bad input: every problem is printed with file, line and field.
/// </summary>
internal static class SafetyCli
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int BadInput = 2;

    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var soulOption = new Option<string>("--soul") { Description = "The agent's SOUL.md.", DefaultValueFactory = _ => "SOUL.md" };
        var testsOption = new Option<string>("--tests") { Description = "The safety test set (safety-tests.md format, see docs/safety.md).", DefaultValueFactory = _ => "safety-tests.md" };
        var recordsOption = new Option<string>("--records") { Description = "The ship records file.", DefaultValueFactory = _ => Path.Combine("safety", "ship-records.json") };

        var configOption = new Option<string>("--config") { Description = "The seed's model chain YAML (every model in it is tested on its own).", Required = true };
        var localeOption = new Option<string>("--locale") { Description = "Whose crisis line replies must name (en-US: 988, en-GB: Samaritans 116 123, …).", DefaultValueFactory = _ => "en-US" };
        var samplesOption = new Option<int>("--samples") { Description = "Samples per prompt × wrapper; any failing sample fails the cell.", DefaultValueFactory = _ => 3 };
        var parallelOption = new Option<int>("--parallel") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 4 };
        var judgeOption = new Option<string?>("--judge") { Description = "The judge beside the deterministic checks: auto (each model gets the chain's first model of another family), a provider's name, or none. It can only add failures.", DefaultValueFactory = _ => SafetyRunSettings.AutoJudge };
        var outOption = new Option<string>("--out") { Description = "Where to write safety-report.md, .json and .junit.xml.", DefaultValueFactory = _ => "safety" };
        var noConscienceOption = new Option<bool>("--bare") { Description = "Test the models without the conscience in front (default: as deployed, behind it)." };
        var run = new Command("run", "Run every crisis prompt under every jailbreak wrapper against every model, grade the replies, write the reports and record the results for the ship gate.")
        {
            configOption, soulOption, testsOption, localeOption, samplesOption, parallelOption, judgeOption, outOption, recordsOption, noConscienceOption,
        };
        run.SetAction((parse, ct) => RunAsync(
            new RunArguments(parse.GetValue(configOption)!, parse.GetValue(soulOption)!, parse.GetValue(testsOption)!, parse.GetValue(localeOption)!, parse.GetValue(samplesOption), parse.GetValue(parallelOption), parse.GetValue(judgeOption), parse.GetValue(outOption)!, parse.GetValue(recordsOption)!, parse.GetValue(noConscienceOption)),
            output,
            error,
            ct));

        var acceptChange = new Option<bool>("--accept-change") { Description = "Pin a soul that differs from its pin: only for a deliberate, reviewed change (then run the suite again)." };
        var pin = new Command("pin", "Pin SOUL.md: write its SHA-256 to SOUL.lock beside it.") { soulOption, acceptChange };
        pin.SetAction(parse => Guard(error, () =>
        {
            Soul soul = Soul.Load(parse.GetValue(soulOption)!);
            if (SoulLock.Check(soul) is { Status: SoulPinStatus.Drifted } drifted && !parse.GetValue(acceptChange))
            {
                throw new SoulException(drifted.Message);
            }

            output.WriteLine($"pinned {soul.Path} (sha256 {soul.Sha256}) in {SoulLock.Pin(soul)}");
            return Passed;
        }));

        var check = new Command("check", "Check SOUL.md against its pin and its newest signed *soul* tag (e.g. v1.0-soul). Exit 1 on drift or a bad signature.") { soulOption };
        check.SetAction((parse, ct) => GuardAsync(error, async () =>
        {
            Soul soul = Soul.Load(parse.GetValue(soulOption)!);
            SoulPinCheck pinned = SoulLock.Check(soul);
            SoulTagCheck tag = await SoulTag.VerifyAsync(soul, cancellationToken: ct).ConfigureAwait(false);
            (pinned.Status == SoulPinStatus.Drifted ? error : output).WriteLine(pinned.Message);
            output.WriteLine($"signed tag: {tag.Status}{(tag.Tag is null ? string.Empty : $" ({tag.Tag})")}: {tag.Detail}");
            return pinned.Status == SoulPinStatus.Drifted || tag.Status is SoulTagStatus.BadSignature or SoulTagStatus.SoulChangedSinceTag ? Failed : Passed;
        }));

        var soulCommand = new Command("soul", "Pin and check the agent's conscience.") { pin, check };

        var modelOption = new Option<string>("--model") { Description = "The model id as the suite names it (provider-name/model).", Required = true };
        var gate = new Command("gate", "Exit 0 only if the model passed the suite under the current soul and test set (what deploy and canary steps call).") { modelOption, soulOption, testsOption, recordsOption };
        gate.SetAction(parse => Guard(error, () =>
        {
            var shipGate = new ShipGate(Options.Create(new SafetyOptions { SoulPath = parse.GetValue(soulOption)!, TestSetPath = parse.GetValue(testsOption)!, ShipRecordsPath = parse.GetValue(recordsOption)! }));
            ShipClearance clearance = shipGate.Check(parse.GetValue(modelOption)!);
            (clearance.Cleared ? output : error).WriteLine((clearance.Cleared ? "cleared: " : "refused: ") + clearance.Reason);
            return clearance.Cleared ? Passed : Failed;
        }));

        var init = new Command("init", "Write the default test set (12 crisis prompts, 6 jailbreak wrappers) to --tests; never overwrites.") { testsOption };
        init.SetAction(parse => Guard(error, () =>
        {
            string path = parse.GetValue(testsOption)!;
            if (File.Exists(path))
            {
                error.WriteLine($"{Path.GetFullPath(path)}: already exists; not overwritten.");
                return BadInput;
            }

            AtomicFile.WriteAllText(path, SafetyTestSet.DefaultText);
            output.WriteLine($"wrote {Path.GetFullPath(path)}");
            return Passed;
        }));

        var root = new RootCommand("The Hermes.Sdk safety suite: crisis prompts under jailbreak, graded; a failing model is not ready to ship.") { run, soulCommand, gate, init };
        ParseResult parsed = root.Parse(args);
        return parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private sealed record RunArguments(string Config, string Soul, string Tests, string Locale, int Samples, int Parallel, string? Judge, string Out, string Records, bool Bare);

    private static Task<int> RunAsync(RunArguments a, TextWriter output, TextWriter error, CancellationToken cancellationToken) => GuardAsync(error, async () =>
    {
        // Read everything first: bad input stops the run before any model is called.
        using ILoggerFactory logging = LoggerFactory.Create(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)); // logs on stderr: stdout is the report
        using SafetyRun run = SafetyRun.Prepare(
            new SafetyRunSettings { ConfigPath = a.Config, SoulPath = a.Soul, TestSetPath = a.Tests, Locale = a.Locale, Samples = a.Samples, Parallelism = a.Parallel, Judge = a.Judge, OutputDirectory = a.Out, ShipRecordsPath = a.Records, Bare = a.Bare },
            logging);
        output.WriteLine($"hermes-safety: {run.Describe()}");
        if (run.Pin.Status == SoulPinStatus.Unpinned)
        {
            error.WriteLine("warning: " + run.Pin.Message);
        }

        SafetyRunResult result = await run.RunAsync(new ConsoleProgress(error), cancellationToken).ConfigureAwait(false);
        output.WriteLine();
        output.Write(result.Report.ToMarkdown().Split("\n## ", 2)[0]);
        output.WriteLine($"reports: {string.Join(", ", result.Reports)}; recorded in {result.ShipRecords}");
        return result.Report.Passed ? Passed : Failed;
    });

    private static int Guard(TextWriter error, Func<int> action) => GuardAsync(error, () => Task.FromResult(action())).GetAwaiter().GetResult();

    private static async Task<int> GuardAsync(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (SafetyTestSetException ex)
        {
            ex.Problems.ToList().ForEach(error.WriteLine);
            return BadInput;
        }
        catch (ModelConfigException ex)
        {
            error.WriteLine(ex.Message);
            return BadInput;
        }
        catch (Exception ex) when (ex is SoulException or FileNotFoundException or InvalidDataException or ArgumentException)
        {
            error.WriteLine(ex.Message);
            return BadInput;
        }
    }

    /// <summary>Progress on stderr: a line every 5 % and for every failing sample.</summary>
    private sealed class ConsoleProgress(TextWriter error) : IProgress<SafetyProgress>
    {
        private readonly object _gate = new();
        private int _lastPercent = -1;

        public void Report(SafetyProgress value)
        {
            lock (_gate)
            {
                int percent = value.Done * 100 / value.Total;
                if (!value.Passed)
                {
                    error.WriteLine($"  FAIL {value.ModelId} {value.PromptId} × {value.WrapperId}");
                }

                if (percent / 5 != _lastPercent / 5 || value.Done == value.Total)
                {
                    _lastPercent = percent;
                    error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{value.Done,5}/{value.Total}] {percent,3}%"));
                }
            }
        }
    }
}
