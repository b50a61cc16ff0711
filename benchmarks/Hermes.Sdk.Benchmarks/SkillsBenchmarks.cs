using BenchmarkDotNet.Attributes;
using Hermes.Sdk.Skills;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Benchmarks;

/// <summary>
/// Discovering and summarising 5,000 skills on disk (50 categories × 100 skills, ~6 KB each, page cache warm), against
/// reading and parsing every whole skill — what progressive loading saves.
/// </summary>
[MemoryDiagnoser]
public class SkillsBenchmarks
{
    private const int Categories = 50;
    private const int PerCategory = 100;
    private string _root = string.Empty;
    private SkillLibrary _library = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("hermes-skills-bench-").FullName;
        string steps = string.Concat(Enumerable.Range(1, 60).Select(i => $"{i}. A step of the procedure that explains what to do and why, in one line.\n"));
        for (int c = 0; c < Categories; c++)
        {
            for (int s = 0; s < PerCategory; s++)
            {
                string name = $"skill-{c:D2}-{s:D3}";
                string folder = Directory.CreateDirectory(Path.Combine(_root, $"category-{c:D2}", name)).FullName;
                File.WriteAllText(Path.Combine(folder, "SKILL.md"), SkillWriter.Render(new SkillDraft
                {
                    Name = name,
                    Description = $"Skill {name}: what it does and when to use it, in a sentence an agent can choose by.",
                    Trigger = "When the thing happens.",
                    Steps = steps,
                    Pitfalls = "What goes wrong.",
                    Verification = "How to tell it worked.",
                    Metadata = new Dictionary<string, string> { ["last-verified"] = "2026-11-01" },
                }));
            }
        }

        var options = new SkillLibraryOptions();
        options.Roots.Add(new SkillRoot("fleet", _root));
        _library = new SkillLibrary(Options.Create(options));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _library.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "parse every whole skill (5,000)")]
    public int ParseEverySkill() =>
        Directory.EnumerateFiles(_root, "SKILL.md", SearchOption.AllDirectories).AsParallel().Count(path => SkillParser.Read(path).IsValid);

    [Benchmark(Description = "discover + summarise 5,000 (front matter only)")]
    public async Task<int> Discover()
    {
        SkillCatalog catalog = await _library.DiscoverAsync();
        return catalog.Skills.Count == Categories * PerCategory ? catalog.Skills.Count : throw new InvalidOperationException($"found {catalog.Skills.Count}");
    }
}
