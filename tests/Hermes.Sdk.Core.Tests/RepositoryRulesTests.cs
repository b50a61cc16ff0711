using System.Text.RegularExpressions;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Core.Tests;

/// <summary>Rules about the shipped packages as a whole, read from the repository.</summary>
public sealed partial class RepositoryRulesTests
{
    private static IEnumerable<string> ShippedProjects() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories);

    [Fact]
    public void Every_library_tracks_its_public_API()
    {
        foreach (string project in ShippedProjects().Where(p => !File.ReadAllText(p).Contains("<OutputType>Exe</OutputType>", StringComparison.Ordinal)))
        {
            string folder = Path.GetDirectoryName(project)!;
            Assert.True(File.Exists(Path.Combine(folder, "PublicAPI.Shipped.txt")), $"{project}: no PublicAPI.Shipped.txt");
            Assert.True(File.Exists(Path.Combine(folder, "PublicAPI.Unshipped.txt")), $"{project}: no PublicAPI.Unshipped.txt");
        }
    }

    [Fact]
    public void No_Polly_type_appears_in_a_public_API()
    {
        // Polly (under Microsoft.Extensions.Http.Resilience) asks companies above a revenue threshold for a fee since
        // 2026-11-16: our users must never need to name a Polly type to use Hermes.Sdk.
        foreach (string file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "PublicAPI.*.txt", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("Polly", File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_shipped_package_opens_its_internals_to_another_shipped_package()
    {
        var shipped = ShippedProjects().Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        foreach (string project in ShippedProjects())
        {
            foreach (Match m in InternalsVisibleTo().Matches(File.ReadAllText(project)))
            {
                Assert.False(shipped.Contains(m.Groups[1].Value), $"{Path.GetFileName(project)} opens its internals to {m.Groups[1].Value}: make what it needs public API");
            }
        }
    }

    [Fact]
    public void Every_runtime_dependency_is_in_the_third_party_notices()
    {
        string notices = File.ReadAllText(Path.Combine(RepoPaths.Root, "THIRD-PARTY-NOTICES.md"));
        string versions = File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Packages.props"));
        var buildOnly = new HashSet<string>(StringComparer.Ordinal) { "Microsoft.CodeAnalysis.PublicApiAnalyzers", "MinVer" };
        foreach (string project in ShippedProjects())
        {
            foreach (Match m in PackageReference().Matches(File.ReadAllText(project)))
            {
                string id = m.Groups[1].Value;
                if (!buildOnly.Contains(id))
                {
                    Assert.True(notices.Contains($"| {id} |", StringComparison.Ordinal), $"{id} (used by {Path.GetFileName(project)}) is not in THIRD-PARTY-NOTICES.md");
                    Assert.Contains($"Include=\"{id}\"", versions, StringComparison.Ordinal);
                }
            }
        }
    }

    [GeneratedRegex("<InternalsVisibleTo Include=\"([^\"]+)\"")]
    private static partial Regex InternalsVisibleTo();

    [GeneratedRegex("<PackageReference Include=\"([^\"]+)\"")]
    private static partial Regex PackageReference();
}
