using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Hermes.Sdk.Benchmarks;

/// <summary>One recorded round of <see cref="TaskQueueBenchmarks"/>: each case's rate over the raw rate, and lost races.</summary>
/// <param name="ClaimsOverRaw">Claims per second ÷ raw label writes per second.</param>
/// <param name="ReadThenWriteOverRaw">Read-then-write per second ÷ raw label writes per second.</param>
/// <param name="LostPerThousand">Claims lost to another agent per 1,000 issues.</param>
internal sealed record RoundResult(double ClaimsOverRaw, double ReadThenWriteOverRaw, double LostPerThousand);

/// <summary>The columns that report what <see cref="TaskQueueBenchmarks"/>' rounds recorded (the run is in-process).</summary>
internal static class ClaimRateColumns
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<RoundResult>> Rounds = new();

    public static IColumn[] All { get; } =
    [
        new Column("claims/s ÷ raw (median)", "Median over the measured rounds of claims per second over raw label writes per second (target ≥ 0.8)", r => Median(r.Select(x => x.ClaimsOverRaw)).ToString("0.00", CultureInfo.InvariantCulture)),
        new Column("claims/s ÷ raw (range)", "Lowest and highest round", r => $"{r.Min(x => x.ClaimsOverRaw).ToString("0.00", CultureInfo.InvariantCulture)}–{r.Max(x => x.ClaimsOverRaw).ToString("0.00", CultureInfo.InvariantCulture)}"),
        new Column("read+write/s ÷ raw (median)", "Median of read-then-write per second over raw label writes per second", r => Median(r.Select(x => x.ReadThenWriteOverRaw)).ToString("0.00", CultureInfo.InvariantCulture)),
        new Column("lost races per 1,000 (median)", "Median over the measured rounds of claims lost to another agent per 1,000 issues", r => Median(r.Select(x => x.LostPerThousand)).ToString("0.0", CultureInfo.InvariantCulture)),
        new Column("rounds", "Measured rounds", r => r.Count.ToString(CultureInfo.InvariantCulture)),
    ];

    public static void Record(string key, RoundResult result) => Rounds.GetOrAdd(key, _ => new()).Enqueue(result);

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed class Column(string name, string legend, Func<List<RoundResult>, string> value) : IColumn
    {
        public string Id => name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            string key = benchmarkCase.Parameters["Case"]?.ToString() ?? string.Empty;
            return Rounds.TryGetValue(key, out ConcurrentQueue<RoundResult>? rounds) && !rounds.IsEmpty ? value([.. rounds]) : "-";
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
