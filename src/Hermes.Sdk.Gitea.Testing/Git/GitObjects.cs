using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hermes.Sdk.Gitea.Testing.Git;

/// <summary>
/// Git's object ids, computed as git computes them (SHA-1 over <c>"&lt;type&gt; &lt;size&gt;\0" + body</c>), so that a
/// blob SHA the forge hands out is the one <c>git hash-object</c> gives for the same bytes, and a tree's entries sort
/// as git sorts them (a directory as its name followed by <c>/</c>).
/// </summary>
internal static class GitObjects
{
    /// <summary>The blob id of a file's UTF-8 text.</summary>
    public static string BlobSha(string content) => Hash("blob", Encoding.UTF8.GetBytes(content));

    /// <summary>The id of the tree holding <paramref name="files"/> under <paramref name="prefix"/> (empty: the root).</summary>
    public static string TreeSha(IReadOnlyDictionary<string, string> files, string prefix = "")
    {
        var entries = new List<(string SortKey, string Mode, string Name, string Sha)>();
        foreach (IGrouping<string, string> child in ChildrenOf(files.Keys, prefix))
        {
            string path = prefix.Length == 0 ? child.Key : $"{prefix}/{child.Key}";
            entries.Add(files.TryGetValue(path, out string? text)
                ? (child.Key, "100644", child.Key, BlobSha(text))
                : (child.Key + "/", "40000", child.Key, TreeSha(files, path)));
        }

        using var body = new MemoryStream();
        foreach ((_, string mode, string name, string sha) in entries.OrderBy(e => e.SortKey, StringComparer.Ordinal))
        {
            body.Write(Encoding.UTF8.GetBytes($"{mode} {name}\0"));
            body.Write(Convert.FromHexString(sha));
        }

        return Hash("tree", body.ToArray());
    }

    /// <summary>A commit object's id.</summary>
    public static string CommitSha(string treeSha, string? parentSha, string? secondParentSha, GiteaUser author, DateTimeOffset when, string message)
    {
        string person = $"{author.Login} <{author.Email ?? author.Login + "@noreply.localhost"}> {when.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)} +0000";
        var text = new StringBuilder().Append("tree ").Append(treeSha).Append('\n');
        if (parentSha is not null)
        {
            text.Append("parent ").Append(parentSha).Append('\n');
        }

        if (secondParentSha is not null)
        {
            text.Append("parent ").Append(secondParentSha).Append('\n');
        }

        text.Append("author ").Append(person).Append('\n').Append("committer ").Append(person).Append("\n\n").Append(message).Append('\n');
        return Hash("commit", Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The direct children of <paramref name="prefix"/>, grouped by name: a file, or a directory of files.</summary>
    public static IEnumerable<IGrouping<string, string>> ChildrenOf(IEnumerable<string> paths, string prefix)
    {
        string start = prefix.Length == 0 ? string.Empty : prefix + "/";
        return paths.Where(p => p.StartsWith(start, StringComparison.Ordinal)).GroupBy(p => p[start.Length..].Split('/')[0], StringComparer.Ordinal);
    }

    /// <summary>Makes a commit of <paramref name="files"/> on <paramref name="parent"/>.</summary>
    public static TestCommit Commit(TestCommit? parent, ImmutableSortedDictionary<string, string> files, string message, GiteaUser author, DateTimeOffset when, TestCommit? mergedFrom = null)
    {
        string tree = TreeSha(files);
        return new TestCommit(CommitSha(tree, parent?.Sha, mergedFrom?.Sha, author, when, message), tree, parent, files, message, author, when, mergedFrom);
    }

    private static string Hash(string type, byte[] body)
    {
        byte[] header = Encoding.ASCII.GetBytes($"{type} {body.Length.ToString(CultureInfo.InvariantCulture)}\0");
#pragma warning disable CA5350 // git's object ids are SHA-1 by definition; nothing here is a security use.
        return Convert.ToHexStringLower(SHA1.HashData([.. header, .. body]));
#pragma warning restore CA5350
    }
}
