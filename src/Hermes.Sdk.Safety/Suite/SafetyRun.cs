using Hermes.Sdk.Models.Chain;
using Hermes.Sdk.Models.Configuration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Safety;

/// <summary>What a seed's safety run reads and writes (the files of <c>hermes-safety run</c> and a seed's <c>safety run</c>).</summary>
public sealed class SafetyRunSettings
{
    /// <summary>The model chain YAML; every model in it is tested on its own.</summary>
    public string ConfigPath { get; set; } = "config.yaml";

    /// <summary>The agent's SOUL.md.</summary>
    public string SoulPath { get; set; } = "SOUL.md";

    /// <summary>The test set (safety-tests.md format).</summary>
    public string TestSetPath { get; set; } = "safety-tests.md";

    /// <summary>Whose crisis line replies must name.</summary>
    public string Locale { get; set; } = "en-US";

    /// <summary>Samples per prompt × wrapper.</summary>
    public int Samples { get; set; } = 3;

    /// <summary>Requests in flight at once.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>
    /// The judge beside the deterministic checks: <c>auto</c> (the default) gives each model the first other model of
    /// the chain from another family (<see cref="ModelFamily"/>); a provider's name uses that one for every model;
    /// <c>none</c> (or null) uses no judge, and the report says so. A judge can only add failures, never clear one.
    /// </summary>
    public string? Judge { get; set; } = AutoJudge;

    /// <summary>The <see cref="Judge"/> value that chooses a judge of another family for each model.</summary>
    public const string AutoJudge = "auto";

    /// <summary>Where the reports are written.</summary>
    public string OutputDirectory { get; set; } = "safety";

    /// <summary>The ship records file.</summary>
    public string ShipRecordsPath { get; set; } = Path.Combine("safety", "ship-records.json");

    /// <summary>Test the models without the conscience in front (default: behind it, as deployed).</summary>
    public bool Bare { get; set; }
}

/// <summary>
/// A safety run with every input read and checked — the soul and its pin, the test set, the chain — before any model is
/// called. <see cref="Prepare"/> it (bad input throws), then <see cref="RunAsync"/>: the suite runs, the reports are
/// written and the results recorded for the <see cref="ShipGate"/>.
/// </summary>
public sealed class SafetyRun : IDisposable
{
    private readonly SafetyRunSettings _settings;
    private readonly ModelChain _chain;
    private readonly SafetySuite _suite;
    private readonly IReadOnlyList<SafetySubject> _subjects;
    private readonly string _soulSha256;

    private SafetyRun(SafetyRunSettings settings, ModelChain chain, SafetySuite suite, IReadOnlyList<SafetySubject> subjects, string soulSha256, SoulPinCheck pin, SafetyTestSet tests, CrisisLine line)
    {
        _settings = settings;
        _chain = chain;
        _suite = suite;
        _subjects = subjects;
        _soulSha256 = soulSha256;
        Pin = pin;
        Tests = tests;
        CrisisLine = line;
    }

    /// <summary>The soul's pin (a run under an unpinned soul is allowed, and worth a warning).</summary>
    public SoulPinCheck Pin { get; }

    /// <summary>The test set.</summary>
    public SafetyTestSet Tests { get; }

    /// <summary>The crisis line replies must name.</summary>
    public CrisisLine CrisisLine { get; }

    /// <summary>The models under test, as the report names them.</summary>
    public IReadOnlyList<string> ModelIds => [.. _subjects.Select(s => s.ModelId)];

    /// <summary>How many samples the run grades.</summary>
    public int TotalSamples => _subjects.Count * Tests.Prompts.Count * Tests.Wrappers.Count * _settings.Samples;

    /// <summary>One line saying what will run.</summary>
    public string Describe() =>
        $"{_subjects.Count} models × {Tests.Prompts.Count} prompts × {Tests.Wrappers.Count} wrappers × {_settings.Samples} samples; crisis line {CrisisLine.Name} ({CrisisLine.Number}); judges: {string.Join(", ", _subjects.Select(s => $"{s.ModelId} ← {s.JudgeId ?? (s.NoJudgeReason is null ? _settings.Judge ?? "none" : $"none ({s.NoJudgeReason})")}"))}";

    /// <summary>Reads and checks every input; no model is called.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="loggerFactory">Logging for the chain and the suite.</param>
    /// <param name="environment">Reads API key variables (default: the process environment).</param>
    /// <returns>The prepared run.</returns>
    /// <exception cref="ArgumentException">Samples or parallelism below 1, or no judge of that name.</exception>
    /// <exception cref="SoulException">The soul is missing or drifted from its pin.</exception>
    /// <exception cref="SafetyTestSetException">The test set is invalid.</exception>
    /// <exception cref="ModelConfigException">The chain configuration is invalid.</exception>
    public static SafetyRun Prepare(SafetyRunSettings settings, ILoggerFactory? loggerFactory = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Samples < 1 || settings.Parallelism < 1)
        {
            throw new ArgumentException("samples and parallelism must be at least 1.", nameof(settings));
        }

        Soul soul = Soul.Load(settings.SoulPath);
        SoulPinCheck pin = SoulLock.Check(soul);
        if (pin.Status == SoulPinStatus.Drifted)
        {
            throw new SoulException(pin.Message);
        }

        SafetyTestSet tests = SafetyTestSet.Load(settings.TestSetPath);
        ModelChainOptions chainOptions = ModelChainConfig.Load(settings.ConfigPath).UseCrisisLines(settings.Locale);
        int judgeIndex = -1;
        bool autoJudge = string.Equals(settings.Judge, SafetyRunSettings.AutoJudge, StringComparison.OrdinalIgnoreCase);
        if (settings.Judge is { } judgeName && !autoJudge && !string.Equals(judgeName, "none", StringComparison.OrdinalIgnoreCase))
        {
            judgeIndex = chainOptions.Providers.ToList().FindIndex(p => p.Name == judgeName);
            if (judgeIndex < 0)
            {
                throw new ArgumentException($"{Path.GetFullPath(settings.ConfigPath)}: judge: no provider named '{judgeName}' (names: {string.Join(", ", chainOptions.Providers.Select(p => p.Name))}).", nameof(settings));
            }
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        var chain = new ModelChain(chainOptions, loggerFactory: loggerFactory, environment: environment);
        IChatClient? judge = judgeIndex < 0 ? null : chain.GetProviderClient(judgeIndex);
        CrisisLine line = CrisisLine.ForLocale(settings.Locale);
        IReadOnlyList<SafetySubject> subjects = SafetySuite.SubjectsOf(chain, settings.Bare ? null : new Conscience(soul, line));
        if (autoJudge)
        {
            IReadOnlyList<(int Judge, string? Reason)> judges = ModelFamily.ChooseJudges(chainOptions.Providers);
            subjects = [.. subjects.Select((s, i) => judges[i].Judge < 0
                ? s with { NoJudgeReason = judges[i].Reason }
                : s with { Judge = chain.GetProviderClient(judges[i].Judge), JudgeId = SafetySuite.ModelIdOf(chainOptions.Providers[judges[i].Judge]) })];
        }
        var suite = new SafetySuite(tests, new SafetyGrader(line, judge), new SafetySuiteOptions { SamplesPerCell = settings.Samples, MaxParallelism = settings.Parallelism }, loggerFactory.CreateLogger<SafetySuite>());
        return new SafetyRun(settings, chain, suite, subjects, soul.Sha256, pin, tests, line);
    }

    /// <summary>Runs the suite, writes the reports and records the results for the ship gate.</summary>
    /// <param name="progress">Receives one report per graded sample.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The report and the files written.</returns>
    public async Task<SafetyRunResult> RunAsync(IProgress<SafetyProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        SafetyReport report = await _suite.RunAsync(_subjects, _soulSha256, progress, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> written = report.WriteTo(_settings.OutputDirectory);
        var gate = new ShipGate(Options.Create(new SafetyOptions { SoulPath = _settings.SoulPath, TestSetPath = _settings.TestSetPath, ShipRecordsPath = _settings.ShipRecordsPath }));
        gate.Record(report);
        return new SafetyRunResult(report, written, Path.GetFullPath(_settings.ShipRecordsPath));
    }

    /// <inheritdoc />
    public void Dispose() => _chain.Dispose();
}

/// <summary>A finished safety run.</summary>
/// <param name="Report">The report.</param>
/// <param name="Reports">The report files written (markdown, JSON, JUnit XML).</param>
/// <param name="ShipRecords">The ship records file the results were recorded in.</param>
public sealed record SafetyRunResult(SafetyReport Report, IReadOnlyList<string> Reports, string ShipRecords);
