using System.Collections.Immutable;

namespace Hermes.Sdk.Gitea.Testing.Git;

/// <summary>A commit of the forge's in-memory git: the whole tree as path → text, and its parent.</summary>
/// <param name="Sha">The commit's object id, hashed as git hashes a commit object.</param>
/// <param name="TreeSha">The root tree's object id, hashed as git hashes tree objects.</param>
/// <param name="Parent">The parent commit, or null for a root commit.</param>
/// <param name="Files">Every file of the tree: path → content.</param>
/// <param name="Message">The commit message.</param>
/// <param name="Author">Who made it.</param>
/// <param name="When">When it was made.</param>
/// <param name="MergedFrom">A merge commit's second parent: the head it merged.</param>
internal sealed record TestCommit(string Sha, string TreeSha, TestCommit? Parent, ImmutableSortedDictionary<string, string> Files, string Message, GiteaUser Author, DateTimeOffset When, TestCommit? MergedFrom = null)
{
    /// <summary>Whether <paramref name="path"/> is a directory of this tree (some file lies under it).</summary>
    public bool IsDirectory(string path) =>
        path.Length == 0 || Files.Keys.Any(f => f.StartsWith(path + "/", StringComparison.Ordinal));

    /// <summary>This commit and every ancestor through both parents, nearest first.</summary>
    public IEnumerable<TestCommit> History()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<TestCommit>([this]);
        while (queue.TryDequeue(out TestCommit? c))
        {
            if (!seen.Add(c.Sha))
            {
                continue;
            }

            yield return c;
            foreach (TestCommit? parent in new[] { c.Parent, c.MergedFrom })
            {
                if (parent is not null)
                {
                    queue.Enqueue(parent);
                }
            }
        }
    }

    /// <summary>The newest commit of this history whose change touched <paramref name="path"/> (Gitea's last_commit_sha).</summary>
    public TestCommit LastCommitOf(string path)
    {
        TestCommit c = this;
        while (c.Parent is not null && c.Parent.Files.GetValueOrDefault(path) == c.Files.GetValueOrDefault(path))
        {
            c = c.Parent;
        }

        return c;
    }
}
