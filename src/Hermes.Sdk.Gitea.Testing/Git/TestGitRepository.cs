using System.Collections.Immutable;

namespace Hermes.Sdk.Gitea.Testing.Git;

/// <summary>
/// The git side of one forge repository, in memory: commits (each a whole tree) and branches pointing at them. No
/// merges of histories: a merge commit has the base as its only parent, which is all the API surface the forge serves
/// can observe.
/// </summary>
internal sealed class TestGitRepository(string defaultBranch)
{
    private readonly Dictionary<string, TestCommit> _commits = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, TestCommit> _branches = new(StringComparer.Ordinal);

    /// <summary>The branch the repository's default is.</summary>
    public string DefaultBranch { get; } = defaultBranch;

    /// <summary>Starts the history with a README, as Gitea's <c>auto_init</c> does.</summary>
    public void Initialize(GiteaUser author, string name, string? description) =>
        SetBranch(DefaultBranch, Commit(null, [new("README.md", string.IsNullOrWhiteSpace(description) ? $"# {name}\n" : $"# {name}\n\n{description}\n")], "Initial commit", author));

    /// <summary>Whether it has no commit yet (a repository created without <c>auto_init</c>).</summary>
    public bool IsEmpty => _branches.Count == 0;

    /// <summary>Every branch, by name.</summary>
    public IReadOnlyDictionary<string, TestCommit> Branches => _branches;

    /// <summary>A branch's head, or null.</summary>
    public TestCommit? Branch(string name) => _branches.GetValueOrDefault(name);

    /// <summary>A ref (branch name or full commit SHA; null: the default branch) resolved to its commit, or null.</summary>
    public TestCommit? Resolve(string? reference) =>
        string.IsNullOrEmpty(reference) ? Branch(DefaultBranch) : Branch(reference) ?? _commits.GetValueOrDefault(reference);

    /// <summary>Points <paramref name="branch"/> at <paramref name="commit"/> (creating it).</summary>
    public void SetBranch(string branch, TestCommit commit) => _branches[branch] = commit;

    /// <summary>Commits <paramref name="changes"/> (path → new text, or null to delete) on top of <paramref name="parent"/>.</summary>
    public TestCommit Commit(TestCommit? parent, IEnumerable<KeyValuePair<string, string?>> changes, string message, GiteaUser author, TestCommit? mergedFrom = null)
    {
        ImmutableSortedDictionary<string, string>.Builder files = (parent?.Files ?? ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal)).ToBuilder();
        foreach ((string path, string? text) in changes)
        {
            if (text is null)
            {
                files.Remove(path);
            }
            else
            {
                files[path] = text;
            }
        }

        TestCommit commit = GitObjects.Commit(parent, files.ToImmutable(), message, author, DateTimeOffset.UtcNow, mergedFrom);
        _commits[commit.Sha] = commit;
        return commit;
    }

    /// <summary>
    /// Merges <paramref name="source"/> into <paramref name="target"/>: a commit on <paramref name="target"/> with
    /// <paramref name="source"/> as its second parent, carrying what <paramref name="source"/> changed since their merge
    /// base. (The forge decides conflicts by its mergeability setting, not by content.)
    /// </summary>
    public TestCommit Merge(TestCommit target, TestCommit source, string message, GiteaUser author) =>
        Commit(target, Changes(target, source).Select(c => new KeyValuePair<string, string?>(c.Key, c.Value.New)), message, author, source);

    /// <summary>The newest commit both histories share (git's merge base), or null.</summary>
    public static TestCommit? MergeBase(TestCommit a, TestCommit b)
    {
        var ancestors = a.History().Select(c => c.Sha).ToHashSet(StringComparer.Ordinal);
        return b.History().FirstOrDefault(c => ancestors.Contains(c.Sha));
    }

    /// <summary>The files <paramref name="head"/> changed since its merge base with <paramref name="base"/>: path → (old, new), null for absent.</summary>
    public static SortedDictionary<string, (string? Old, string? New)> Changes(TestCommit @base, TestCommit head)
    {
        ImmutableSortedDictionary<string, string> from = MergeBase(@base, head)?.Files ?? ImmutableSortedDictionary<string, string>.Empty;
        var changes = new SortedDictionary<string, (string? Old, string? New)>(StringComparer.Ordinal);
        foreach (string path in from.Keys.Union(head.Files.Keys))
        {
            string? old = from.GetValueOrDefault(path);
            string? now = head.Files.GetValueOrDefault(path);
            if (old != now)
            {
                changes[path] = (old, now);
            }
        }

        return changes;
    }
}
