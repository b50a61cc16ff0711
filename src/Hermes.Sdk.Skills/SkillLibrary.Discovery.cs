using System.Collections.Concurrent;
using Hermes.Sdk.Core;

namespace Hermes.Sdk.Skills;

/// <summary>Finding skills under the roots and a skill's own files: real paths, links never followed out, loops never walked.</summary>
public sealed partial class SkillLibrary
{
    private SkillCatalog Discover(CancellationToken cancellationToken)
    {
        var found = new List<(int Root, string Path, string? Category)>();
        for (int r = 0; r < _options.Roots.Count; r++)
        {
            string root = Path.GetFullPath(_options.Roots[r].Path);
            if (Directory.Exists(root))
            {
                FindSkillFiles(root, root, r, found, new HashSet<string>(StringComparer.Ordinal), depth: 0, cancellationToken);
            }
        }

        var read = new SkillFrontMatter?[found.Count];
        Parallel.For(0, found.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => read[i] = SafeReadFrontMatter(found[i].Path));

        var diagnostics = new ConcurrentBag<SourceProblem>();
        var chosen = new Dictionary<string, SkillSummary>(StringComparer.Ordinal);
        for (int i = 0; i < found.Count; i++)
        {
            (int r, string path, string? category) = found[i];
            if (read[i] is not { } front || string.IsNullOrWhiteSpace(front.Name))
            {
                // Rare: read the whole file for the parser's own problems, with their real lines and columns.
                foreach (SourceProblem problem in WhyUnreadable(path))
                {
                    diagnostics.Add(problem);
                }

                continue;
            }

            var summary = new SkillSummary(front.Name, front.Description, category, _options.Roots[r].Name, path);
            if (chosen.TryGetValue(front.Name, out SkillSummary? winner))
            {
                bool sameRoot = winner.Root == summary.Root;
                diagnostics.Add(SkillProblems.Create(
                    sameRoot ? ProblemSeverity.Warning : ProblemSeverity.Info,
                    sameRoot ? "SKILL020" : "SKILL021",
                    path,
                    1,
                    1,
                    sameRoot ? $"skill '{front.Name}' is defined twice in root '{summary.Root}'; {winner.Path} is used" : $"skill '{front.Name}' from root '{summary.Root}' is shadowed by root '{winner.Root}' ({winner.Path})",
                    sameRoot ? "rename or remove one of them" : "rename it if both are wanted; roots earlier in the list win"));
                continue;
            }

            chosen[front.Name] = summary;
        }

        var catalog = new SkillCatalog([.. chosen.Values.OrderBy(s => s.Name, StringComparer.Ordinal)], [.. diagnostics.OrderBy(d => d.File, StringComparer.Ordinal)]);
        _catalog = catalog;
        return catalog;
    }

    /// <summary>
    /// Every <c>SKILL.md</c> under a root: in any folder, dot-folders included (<c>.curated/</c>, <c>.system/</c>) and
    /// skills nested inside another skill's folder; never in <c>.history/</c> or <c>.git/</c>, and never twice through a
    /// link (each real folder is walked once). The category is the path from the root to the skill's folder.
    /// </summary>
    private static void FindSkillFiles(string root, string directory, int rootIndex, List<(int Root, string Path, string? Category)> found, HashSet<string> seen, int depth, CancellationToken cancellationToken)
    {
        const int MaxDepth = 8;
        cancellationToken.ThrowIfCancellationRequested();
        if (!seen.Add(RealPath(directory)))
        {
            return;
        }

        if (depth > 0 && File.Exists(Path.Combine(directory, FileName)))
        {
            string? parent = Path.GetRelativePath(root, Path.GetDirectoryName(directory)!).Replace('\\', '/');
            found.Add((rootIndex, Path.Combine(directory, FileName), parent == "." ? null : parent));
        }

        if (depth == MaxDepth)
        {
            return;
        }

        var here = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (string sub in Directory.EnumerateDirectories(directory, "*", here).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(sub) is not (HistoryFolder or ".git" or "node_modules"))
            {
                FindSkillFiles(root, sub, rootIndex, found, seen, depth + 1, cancellationToken);
            }
        }
    }

    private static SkillFrontMatter? SafeReadFrontMatter(string path)
    {
        try
        {
            return SkillParser.ReadFrontMatterOnly(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Why a skill's front matter could not be read: the parser's errors at their places, or the file's own error.</summary>
    private static IEnumerable<SourceProblem> WhyUnreadable(string path)
    {
        SourceProblem[] why;
        try
        {
            why = [.. SkillParser.Read(path).Diagnostics.Where(d => d.Severity == ProblemSeverity.Error)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            why = [SkillProblems.Error("SKILL000", path, 1, 1, $"the file cannot be read: {ex.Message}", "check the file's permissions")];
        }

        return (why.Length > 0 ? why : [SkillProblems.Error("SKILL003", path, 1, 1, "name is missing", "add 'name: <folder-name>'")])
            .Select(p => p with { Message = $"{p.Message}; the skill is not listed" });
    }

    private static void Walk(string directory, string realFolder, List<string> files, int depth, CancellationToken cancellationToken)
    {
        const int MaxDepth = 16;
        var here = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (string file in Directory.EnumerateFiles(directory, "*", here))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (new FileInfo(file).LinkTarget is null || IsInside(RealPath(file), realFolder))
            {
                files.Add(file);
            }
        }

        if (depth < MaxDepth)
        {
            foreach (string sub in Directory.EnumerateDirectories(directory, "*", here))
            {
                // A linked folder is never entered; a folder with its own SKILL.md is another skill's.
                if (new DirectoryInfo(sub).LinkTarget is null && !File.Exists(Path.Combine(sub, FileName)))
                {
                    Walk(sub, realFolder, files, depth + 1, cancellationToken);
                }
            }
        }
    }

    /// <summary>The path with every link on the way resolved (the file or folder a link finally points to).</summary>
    private static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string? parent = Path.GetDirectoryName(full);
        string resolvedParent = parent is null || parent == full ? full : RealPath(parent);
        string here = parent is null || parent == full ? full : Path.Combine(resolvedParent, Path.GetFileName(full));
        FileSystemInfo info = Directory.Exists(here) ? new DirectoryInfo(here) : new FileInfo(here);
        return info.LinkTarget is null ? here : RealPath(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? here);
    }

    private static bool IsInside(string path, string folder) =>
        path.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
