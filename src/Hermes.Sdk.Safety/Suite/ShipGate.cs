using Hermes.Sdk.Core;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Safety;

/// <summary>One model's suite result, as the ship gate records it.</summary>
/// <param name="ModelId">The model.</param>
/// <param name="SoulSha256">The soul it was tested under.</param>
/// <param name="TestSetSha256">The test set it ran.</param>
/// <param name="RecordedAt">When.</param>
/// <param name="Passed">Whether every cell passed.</param>
/// <param name="FailingCells">How many cells failed.</param>
/// <param name="Cells">How many cells ran.</param>
/// <param name="SamplesPerCell">Samples per cell.</param>
public sealed record ShipRecord(string ModelId, string SoulSha256, string TestSetSha256, DateTimeOffset RecordedAt, bool Passed, int FailingCells, int Cells, int SamplesPerCell);

/// <summary>Whether a model may ship, and why.</summary>
/// <param name="ModelId">The model.</param>
/// <param name="Cleared">Whether it may ship.</param>
/// <param name="Reason">Why (or why not), in one sentence.</param>
/// <param name="Record">The record that cleared it, or the newest one that did not.</param>
public sealed record ShipClearance(string ModelId, bool Cleared, string Reason, ShipRecord? Record);

/// <summary>
/// The ship gate: suite results are recorded with model id, soul hash, test-set hash and date; the seed's deploy and
/// canary steps call <see cref="EnsureCleared"/>, which refuses a model without a passing record for the current soul
/// and test set (and, by default, no older than 30 days). The records file is written atomically.
/// </summary>
public sealed class ShipGate
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly object FileLock = new();
    private readonly SafetyOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the gate.</summary>
    /// <param name="options">Where the soul, test set and records are.</param>
    /// <param name="timeProvider">The clock records are aged by.</param>
    public ShipGate(IOptions<SafetyOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Records every model of a report that answered every sample (an unreachable model is not recorded: nothing is known of it).</summary>
    /// <param name="report">The report.</param>
    /// <returns>The records added.</returns>
    public IReadOnlyList<ShipRecord> Record(SafetyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        // A model that did not answer every sample has shown nothing about its safety: nothing is recorded for it.
        ShipRecord[] added = [.. report.Models.Where(m => m.Conclusive).Select(m => new ShipRecord(m.ModelId, report.SoulSha256, report.TestSetSha256, report.RecordedAt, m.Passed, m.Cells.Count(c => !c.Passed), m.Cells.Count, report.SamplesPerCell))];
        lock (FileLock)
        {
            List<ShipRecord> all = [.. Read(), .. added];
            AtomicFile.WriteAllText(_options.ShipRecordsPath, JsonSerializer.Serialize(all, Json));
        }

        return added;
    }

    /// <summary>Every record.</summary>
    /// <returns>The records, oldest first.</returns>
    /// <exception cref="InvalidDataException">The records file is not valid (the message names it).</exception>
    public IReadOnlyList<ShipRecord> Read()
    {
        if (!File.Exists(_options.ShipRecordsPath))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<ShipRecord>>(File.ReadAllText(_options.ShipRecordsPath), Json) ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path.GetFullPath(_options.ShipRecordsPath)}:{(ex.LineNumber ?? 0) + 1}:{(ex.BytePositionInLine ?? 0) + 1}: ship records: {ex.Message}", ex);
        }
    }

    /// <summary>Whether a model may ship under the current soul and test set.</summary>
    /// <param name="modelId">The model, as the suite named it.</param>
    /// <returns>The clearance.</returns>
    public ShipClearance Check(string modelId)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        string soul = Soul.Load(_options.SoulPath).Sha256;
        if (!File.Exists(_options.TestSetPath))
        {
            return new ShipClearance(modelId, false, $"the safety test set {Path.GetFullPath(_options.TestSetPath)} does not exist: write it (hermes-safety init, or the seed's safety-tests.md) and run the suite", null);
        }

        string tests = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_options.TestSetPath)));
        List<ShipRecord> mine = [.. Read().Where(r => r.ModelId == modelId).OrderByDescending(r => r.RecordedAt)];
        ShipRecord? current = mine.FirstOrDefault(r => r.SoulSha256 == soul && r.TestSetSha256 == tests);
        if (current is null)
        {
            return new ShipClearance(modelId, false, mine.Count == 0
                ? $"{modelId} has never passed the safety suite: run it before deploying"
                : $"{modelId} has no safety result for the current soul ({soul[..12]}) and test set ({tests[..12]}): the soul or the tests changed since it was last tested — run the suite again", mine.FirstOrDefault());
        }

        if (!current.Passed)
        {
            return new ShipClearance(modelId, false, $"{modelId} failed the safety suite on {current.RecordedAt:u} ({current.FailingCells} of {current.Cells} cells): it is not ready to ship", current);
        }

        if (_options.ShipRecordMaxAge is { } maxAge && _time.GetUtcNow() - current.RecordedAt > maxAge)
        {
            return new ShipClearance(modelId, false, $"{modelId} last passed on {current.RecordedAt:u}, more than {maxAge.TotalDays:0} days ago: run the suite again (models change behind the same id)", current);
        }

        return new ShipClearance(modelId, true, $"{modelId} passed on {current.RecordedAt:u} under the current soul and test set", current);
    }

    /// <summary>Throws unless the model may ship — what deploy and canary steps call.</summary>
    /// <param name="modelId">The model.</param>
    /// <returns>The clearance.</returns>
    /// <exception cref="ShipGateException">The model is not cleared; the message says why.</exception>
    public ShipClearance EnsureCleared(string modelId)
    {
        ShipClearance clearance = Check(modelId);
        return clearance.Cleared ? clearance : throw new ShipGateException(clearance);
    }
}

/// <summary>A model that may not ship.</summary>
public sealed class ShipGateException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="clearance">The refused clearance.</param>
    public ShipGateException(ShipClearance clearance)
        : base("Ship gate: " + clearance?.Reason)
    {
        ArgumentNullException.ThrowIfNull(clearance);
        Clearance = clearance;
    }

    /// <summary>Why.</summary>
    public ShipClearance Clearance { get; }
}
