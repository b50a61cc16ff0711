namespace Hermes.Sdk.Gitea;

/// <summary>Creates a branch from a branch, tag or commit (the default branch when neither is given).</summary>
[GiteaSchema("CreateBranchRepoOption")]
public sealed record CreateBranchRepoOption
{
    /// <summary>The new branch's name.</summary>
    public required string NewBranchName { get; init; }

    /// <summary>The branch, tag or commit SHA it starts from.</summary>
    public string? OldRefName { get; init; }
}

/// <summary>Creates a file (422 when it exists).</summary>
[GiteaSchema("CreateFileOptions")]
public sealed record CreateFileOptions
{
    /// <summary>The file's bytes, base64 (<see cref="GiteaContent.Encode"/>).</summary>
    public required string Content { get; init; }

    /// <summary>The commit message.</summary>
    public string? Message { get; init; }

    /// <summary>The branch to commit to (the default branch when null); it must exist.</summary>
    public string? Branch { get; init; }

    /// <summary>A new branch to create from <see cref="Branch"/> for this commit (422 when it exists).</summary>
    public string? NewBranch { get; init; }
}

/// <summary>
/// Updates a file. <see cref="Sha"/> is the compare-and-swap the contents API offers: the blob SHA the writer read; a
/// file changed since answers 422.
/// </summary>
[GiteaSchema("UpdateFileOptions")]
public sealed record UpdateFileOptions
{
    /// <summary>The file's new bytes, base64 (<see cref="GiteaContent.Encode"/>).</summary>
    public required string Content { get; init; }

    /// <summary>The blob SHA of the file as read.</summary>
    public required string Sha { get; init; }

    /// <summary>The commit message.</summary>
    public string? Message { get; init; }

    /// <summary>The branch to commit to (the default branch when null); it must exist.</summary>
    public string? Branch { get; init; }

    /// <summary>A new branch to create from <see cref="Branch"/> for this commit (422 when it exists).</summary>
    public string? NewBranch { get; init; }
}

/// <summary>A line comment of a review being submitted.</summary>
[GiteaSchema("CreatePullReviewComment")]
public sealed record CreatePullReviewComment
{
    /// <summary>The file's path.</summary>
    public required string Path { get; init; }

    /// <summary>What it says.</summary>
    public required string Body { get; init; }

    /// <summary>The line of the new file (0 when on an old line).</summary>
    public long NewPosition { get; init; }

    /// <summary>The line of the old file (0 when on a new line); it wins when both are set.</summary>
    public long OldPosition { get; init; }
}
