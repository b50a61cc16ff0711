using System.Text.Json;

namespace Hermes.Sdk.TestSupport;

/// <summary>Reads a seed's <c>doctor --json</c> report.</summary>
public static class DoctorReport
{
    /// <summary>
    /// The statuses of the named checks, by name, to compare with what a test expects; a check the report lacks throws
    /// <see cref="KeyNotFoundException"/> naming it.
    /// </summary>
    /// <param name="report">The report's root element.</param>
    /// <param name="names">The checks to read.</param>
    /// <returns>Status by check name, in the order asked.</returns>
    public static Dictionary<string, string> Statuses(JsonElement report, params string[] names)
    {
        Dictionary<string, string> all = report.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString()!);
        return names.ToDictionary(name => name, name => all.TryGetValue(name, out string? status) ? status : throw new KeyNotFoundException($"doctor has no check '{name}': {report}"));
    }
}
