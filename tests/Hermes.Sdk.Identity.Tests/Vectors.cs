using System.Text.Json;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Identity.Tests;

/// <summary>Loads the known-answer vectors in tests/vectors.</summary>
internal static class Vectors
{
    public static JsonElement Nostr { get; } = Load("nostr-vectors.json");

    public static JsonElement NKeys { get; } = Load("nkeys-vectors.json");

    public static IEnumerable<string[]> Bip340Rows() =>
        File.ReadAllLines(Path.Combine(RepoPaths.Vectors, "bip340-test-vectors.csv"))
            .Skip(1)
            .Where(l => l.Trim().Length > 0)
            .Select(l => l.TrimEnd('\r').Split(','));

    public static TheoryData<int> Indexes(JsonElement root, string section)
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < root.GetProperty(section).GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static string? OptStr(this JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonElement Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Vectors, file))).RootElement;
}
