using System.Text;

namespace Hermes.Sdk.Gitea;

// The repository-content shapes of Gitea's API (v1.26 swagger): branches, files, trees, a pull request's changed files
// and review comments. Like Models.cs, each property is checked against the schema its [GiteaSchema] names.

/// <summary>A branch.</summary>
[GiteaSchema("Branch")]
public sealed record GiteaBranch
{
    /// <summary>The branch's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Its head commit.</summary>
    public GiteaPayloadCommit? Commit { get; init; }

    /// <summary>Whether a protection rule covers it.</summary>
    public bool Protected { get; init; }

    /// <summary>Whether the caller may push to it.</summary>
    public bool UserCanPush { get; init; }
}

/// <summary>A commit as a branch or a push payload shows it.</summary>
[GiteaSchema("PayloadCommit")]
public sealed record GiteaPayloadCommit
{
    /// <summary>The commit's SHA.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>Its message.</summary>
    public string? Message { get; init; }

    /// <summary>When it was made.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>A file or directory entry of the contents API.</summary>
[GiteaSchema("ContentsResponse")]
public sealed record GiteaContents
{
    /// <summary>The entry's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Its path from the repository's root.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The git object's SHA: the blob SHA that an update must send back as its compare-and-swap.</summary>
    public string Sha { get; init; } = string.Empty;

    /// <summary><c>file</c>, <c>dir</c>, <c>symlink</c> or <c>submodule</c>.</summary>
    public string Type { get; init; } = string.Empty;

    /// <summary>Size in bytes.</summary>
    public long Size { get; init; }

    /// <summary><c>base64</c> when <see cref="Content"/> is set.</summary>
    public string? Encoding { get; init; }

    /// <summary>The file's bytes, base64 (files only, and only on a single-file read).</summary>
    public string? Content { get; init; }

    /// <summary>The last commit that touched it.</summary>
    public string? LastCommitSha { get; init; }

    /// <summary>The file's text, decoded from base64 as UTF-8; null for a directory or an entry without content.</summary>
    /// <returns>The text, or null.</returns>
    public string? DecodeText() =>
        Content is null || !string.Equals(Encoding, "base64", StringComparison.Ordinal) ? null : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Content));
}

/// <summary>What a file write answers: the file as written and the commit that wrote it.</summary>
[GiteaSchema("FileResponse")]
public sealed record GiteaFileResponse
{
    /// <summary>The file after the write.</summary>
    public GiteaContents? Content { get; init; }

    /// <summary>The commit.</summary>
    public GiteaFileCommit? Commit { get; init; }
}

/// <summary>The commit of a file write.</summary>
[GiteaSchema("FileCommitResponse")]
public sealed record GiteaFileCommit
{
    /// <summary>The commit's SHA.</summary>
    public string Sha { get; init; } = string.Empty;

    /// <summary>Its message.</summary>
    public string? Message { get; init; }

    /// <summary>Its page.</summary>
    public string? HtmlUrl { get; init; }
}

/// <summary>A git tree, possibly read recursively and paged.</summary>
[GiteaSchema("GitTreeResponse")]
public sealed record GiteaTree
{
    /// <summary>The tree's SHA.</summary>
    public string Sha { get; init; } = string.Empty;

    /// <summary>Its entries on this page.</summary>
    public List<GiteaTreeEntry> Tree { get; init; } = [];

    /// <summary>Whether more entries exist than this page shows.</summary>
    public bool Truncated { get; init; }

    /// <summary>This page's number.</summary>
    public int Page { get; init; }

    /// <summary>Entries in all.</summary>
    public int TotalCount { get; init; }
}

/// <summary>One entry of a git tree.</summary>
[GiteaSchema("GitEntry")]
public sealed record GiteaTreeEntry
{
    /// <summary>Its path.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The git mode (<c>100644</c>, <c>040000</c>, …).</summary>
    public string Mode { get; init; } = string.Empty;

    /// <summary><c>blob</c> or <c>tree</c>.</summary>
    public string Type { get; init; } = string.Empty;

    /// <summary>Size in bytes (blobs).</summary>
    public long Size { get; init; }

    /// <summary>The object's SHA.</summary>
    public string Sha { get; init; } = string.Empty;
}

/// <summary>A file a pull request changes.</summary>
[GiteaSchema("ChangedFile")]
public sealed record GiteaChangedFile
{
    /// <summary>The file's path.</summary>
    public string Filename { get; init; } = string.Empty;

    /// <summary>Its earlier path, when renamed.</summary>
    public string? PreviousFilename { get; init; }

    /// <summary><c>added</c>, <c>modified</c>, <c>deleted</c>, <c>renamed</c>, …</summary>
    public string Status { get; init; } = string.Empty;

    /// <summary>Lines added.</summary>
    public int Additions { get; init; }

    /// <summary>Lines deleted.</summary>
    public int Deletions { get; init; }

    /// <summary>Lines changed.</summary>
    public int Changes { get; init; }
}

/// <summary>A line comment of a review.</summary>
[GiteaSchema("PullReviewComment")]
public sealed record GiteaPullReviewComment
{
    /// <summary>The comment's id.</summary>
    public long Id { get; init; }

    /// <summary>What it says.</summary>
    public string? Body { get; init; }

    /// <summary>The file it is on.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The line of the new file it is on, or 0 when it is on an old line.</summary>
    public long Position { get; init; }

    /// <summary>The line of the old file it is on, or 0 when it is on a new line.</summary>
    public long OriginalPosition { get; init; }

    /// <summary>The commit it was made on.</summary>
    public string? CommitId { get; init; }

    /// <summary>The review it belongs to.</summary>
    public long PullRequestReviewId { get; init; }

    /// <summary>Who wrote it.</summary>
    public GiteaUser? User { get; init; }

    /// <summary>The diff hunk around its line.</summary>
    public string? DiffHunk { get; init; }
}

/// <summary>Base64 the way the contents API wants a file's bytes.</summary>
public static class GiteaContent
{
    /// <summary>Encodes text as UTF-8, then base64.</summary>
    /// <param name="text">The file's text.</param>
    /// <returns>The base64 string.</returns>
    public static string Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
    }
}
