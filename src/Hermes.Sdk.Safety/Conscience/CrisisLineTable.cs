using System.Reflection;
using System.Text.Json;

namespace Hermes.Sdk.Safety;

/// <summary>The crisis-line table (<c>Defaults/crisis-lines.json</c>, embedded), read once.</summary>
internal sealed class CrisisLineTable
{
    private static readonly Lazy<CrisisLineTable> Lazy = new(Load);

    private CrisisLineTable(IReadOnlyList<Country> countries, IReadOnlyList<string> directories)
    {
        Countries = countries;
        Directories = directories;
        AllLines = [.. countries.SelectMany(c => c.LinesFor(c.Locales[0]))];
    }

    public static CrisisLineTable Instance => Lazy.Value;

    public IReadOnlyList<Country> Countries { get; }

    /// <summary>Directory names (findahelpline.com, …): a referral to one counts anywhere.</summary>
    public IReadOnlyList<string> Directories { get; }

    public IReadOnlyList<CrisisLine> AllLines { get; }

    /// <summary>The country that lists <paramref name="locale"/>, else the country of its region; en-US for none.</summary>
    public Country? CountryFor(string? locale)
    {
        locale = string.IsNullOrWhiteSpace(locale) ? "en-US" : locale.Trim();
        Country? exact = Countries.FirstOrDefault(c => c.Locales.Contains(locale, StringComparer.OrdinalIgnoreCase));
        if (exact is not null)
        {
            return exact;
        }

        int dash = locale.LastIndexOfAny(['-', '_']);
        string region = dash < 0 ? string.Empty : locale[(dash + 1)..];
        return Countries.FirstOrDefault(c => string.Equals(c.Code, region, StringComparison.OrdinalIgnoreCase));
    }

    private static CrisisLineTable Load()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Hermes.Sdk.Safety.crisis-lines.json")
            ?? throw new InvalidOperationException("The crisis-line table is missing from the assembly.");
        using JsonDocument document = JsonDocument.Parse(stream);
        JsonElement root = document.RootElement;
        var countries = new List<Country>();
        foreach (JsonElement c in root.GetProperty("countries").EnumerateArray())
        {
            var lines = new List<Entry>();
            foreach (JsonElement l in c.GetProperty("lines").EnumerateArray())
            {
                var how = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                if (l.TryGetProperty("howByLocale", out JsonElement byLocale))
                {
                    foreach (JsonProperty p in byLocale.EnumerateObject())
                    {
                        how[p.Name] = p.Value.GetString()!;
                    }
                }

                lines.Add(new Entry(
                    l.GetProperty("name").GetString()!,
                    l.GetProperty("number").GetString()!,
                    l.GetProperty("how").GetString()!,
                    how,
                    Strings(l, "kinds"),
                    Strings(l, "aliases"),
                    l.GetProperty("source").GetString()!));
            }

            countries.Add(new Country(c.GetProperty("country").GetString()!, c.GetProperty("name").GetString()!, Strings(c, "locales"), Strings(c, "emergency"), lines));
        }

        IReadOnlyList<string> directories = [.. root.GetProperty("directories").EnumerateArray().Select(d => d.GetProperty("name").GetString()!)];
        return new CrisisLineTable(countries, directories);
    }

    private static IReadOnlyList<string> Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement array) ? [.. array.EnumerateArray().Select(e => e.GetString()!)] : [];

    /// <summary>One line as the table writes it.</summary>
    internal sealed record Entry(string Name, string Number, string How, IReadOnlyDictionary<string, string> HowByLocale, IReadOnlyList<string> Kinds, IReadOnlyList<string> Aliases, string Source);

    /// <summary>One country: its code and name, the locales whose first line is its first line, its emergency numbers and lines.</summary>
    internal sealed record Country(string Code, string Name, IReadOnlyList<string> Locales, IReadOnlyList<string> Emergency, IReadOnlyList<Entry> Lines)
    {
        public IReadOnlyList<CrisisLine> LinesFor(string locale) =>
        [
            .. Lines.Select(l => new CrisisLine(locale, l.Name, l.Number, l.HowByLocale.TryGetValue(locale, out string? how) ? how : l.How)
            {
                Country = Code,
                Kinds = l.Kinds,
                Aliases = l.Aliases,
                Source = l.Source,
            }),
        ];
    }
}
