namespace Hermes.Sdk.Gitea;

// Request bodies (v1.26 swagger definitions). Null properties are not sent.

/// <summary>Creates an issue.</summary>
[GiteaSchema("CreateIssueOption")]
public sealed record CreateIssueOption
{
    /// <summary>Title (required).</summary>
    public required string Title { get; init; }

    /// <summary>Body.</summary>
    public string? Body { get; init; }

    /// <summary>Label ids (ids only here).</summary>
    public IReadOnlyList<long>? Labels { get; init; }

    /// <summary>Assignee user names.</summary>
    public IReadOnlyList<string>? Assignees { get; init; }

    /// <summary>Create it closed.</summary>
    public bool? Closed { get; init; }
}

/// <summary>Edits an issue: close/reopen with <see cref="State"/>; <see cref="Assignees"/> replaces the set (<c>[]</c> clears it).</summary>
[GiteaSchema("EditIssueOption")]
public sealed record EditIssueOption
{
    /// <summary>New title.</summary>
    public string? Title { get; init; }

    /// <summary>New body.</summary>
    public string? Body { get; init; }

    /// <summary><c>open</c> or <c>closed</c>.</summary>
    public string? State { get; init; }

    /// <summary>The whole new assignee set.</summary>
    public IReadOnlyList<string>? Assignees { get; init; }

    /// <summary>
    /// Gitea 1.26+: with <see cref="Body"/>, the <see cref="GiteaIssue.ContentVersion"/> this edit was based on — the
    /// body is replaced only if it is still that version, otherwise 409 (a compare-and-swap). Ignored before 1.26.
    /// </summary>
    public int? ContentVersion { get; init; }
}

/// <summary>Adds or replaces issue labels by id.</summary>
[GiteaSchema("IssueLabelsOption")]
public sealed record IssueLabelIdsOption
{
    /// <summary>Label ids. Unknown ids are silently dropped by Gitea.</summary>
    public required IReadOnlyList<long> Labels { get; init; }
}

/// <summary>Adds or replaces issue labels by name (Gitea 1.22+).</summary>
[GiteaSchema("IssueLabelsOption")]
public sealed record IssueLabelNamesOption
{
    /// <summary>Label names. Unknown names are silently dropped by Gitea.</summary>
    public required IReadOnlyList<string> Labels { get; init; }
}

/// <summary>Creates a repository label.</summary>
[GiteaSchema("CreateLabelOption")]
public sealed record CreateLabelOption
{
    /// <summary>Name (required).</summary>
    public required string Name { get; init; }

    /// <summary>Colour <c>#rrggbb</c> (required).</summary>
    public required string Color { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Exclusive (scoped) label.</summary>
    public bool? Exclusive { get; init; }
}

/// <summary>Creates a comment.</summary>
[GiteaSchema("CreateIssueCommentOption")]
public sealed record CreateIssueCommentOption
{
    /// <summary>Body (required).</summary>
    public required string Body { get; init; }
}

/// <summary>Edits a comment.</summary>
[GiteaSchema("EditIssueCommentOption")]
public sealed record EditIssueCommentOption
{
    /// <summary>New body (required).</summary>
    public required string Body { get; init; }
}

/// <summary>Opens a pull request.</summary>
[GiteaSchema("CreatePullRequestOption")]
public sealed record CreatePullRequestOption
{
    /// <summary>Head branch.</summary>
    public required string Head { get; init; }

    /// <summary>Base branch.</summary>
    public required string Base { get; init; }

    /// <summary>Title.</summary>
    public required string Title { get; init; }

    /// <summary>Body.</summary>
    public string? Body { get; init; }

    /// <summary>Label ids.</summary>
    public IReadOnlyList<long>? Labels { get; init; }

    /// <summary>Assignee user names.</summary>
    public IReadOnlyList<string>? Assignees { get; init; }
}

/// <summary>Edits a pull request; close with <see cref="State"/> = <c>closed</c>.</summary>
[GiteaSchema("EditPullRequestOption")]
public sealed record EditPullRequestOption
{
    /// <summary>New title.</summary>
    public string? Title { get; init; }

    /// <summary>New body.</summary>
    public string? Body { get; init; }

    /// <summary><c>open</c> or <c>closed</c>.</summary>
    public string? State { get; init; }
}

/// <summary>How to merge.</summary>
public enum GiteaMergeStyle
{
    /// <summary>A merge commit.</summary>
    Merge,

    /// <summary>Rebase onto the base.</summary>
    Rebase,

    /// <summary>Rebase, then a merge commit.</summary>
    RebaseMerge,

    /// <summary>Squash into one commit.</summary>
    Squash,

    /// <summary>Fast-forward only.</summary>
    FastForwardOnly,

    /// <summary>Mark as merged manually.</summary>
    ManuallyMerged,
}

/// <summary>Merges a pull request.</summary>
[GiteaSchema("MergePullRequestOption")]
public sealed record MergePullRequestOption
{
    /// <summary>The style: <c>merge</c>, <c>rebase</c>, <c>rebase-merge</c>, <c>squash</c>, <c>fast-forward-only</c> or <c>manually-merged</c>.</summary>
    public required string Do { get; init; }

    /// <summary>The head SHA you reviewed: if the head moved, Gitea answers 409 "head out of date" (a safe compare-and-swap).</summary>
    public string? HeadCommitId { get; init; }

    /// <summary>Merge commit title.</summary>
    public string? MergeTitleField { get; init; }

    /// <summary>Merge commit message.</summary>
    public string? MergeMessageField { get; init; }

    /// <summary>Delete the head branch afterwards.</summary>
    public bool? DeleteBranchAfterMerge { get; init; }

    /// <summary>The wire value of a style.</summary>
    /// <param name="style">The style.</param>
    /// <returns>The value of <c>do</c>.</returns>
    public static string ToWire(GiteaMergeStyle style) => style switch
    {
        GiteaMergeStyle.Merge => "merge",
        GiteaMergeStyle.Rebase => "rebase",
        GiteaMergeStyle.RebaseMerge => "rebase-merge",
        GiteaMergeStyle.Squash => "squash",
        GiteaMergeStyle.FastForwardOnly => "fast-forward-only",
        GiteaMergeStyle.ManuallyMerged => "manually-merged",
        _ => throw new ArgumentOutOfRangeException(nameof(style), style, "unknown merge style"),
    };
}

/// <summary>Submits a review.</summary>
[GiteaSchema("CreatePullReviewOptions")]
public sealed record CreatePullReviewOptions
{
    /// <summary><c>APPROVED</c>, <c>REQUEST_CHANGES</c>, <c>COMMENT</c> or <c>PENDING</c>.</summary>
    public required string Event { get; init; }

    /// <summary>Body.</summary>
    public string? Body { get; init; }

    /// <summary>The commit reviewed.</summary>
    public string? CommitId { get; init; }

    /// <summary>Line comments.</summary>
    public IReadOnlyList<CreatePullReviewComment>? Comments { get; init; }
}

/// <summary>Sets a commit status.</summary>
[GiteaSchema("CreateStatusOption")]
public sealed record CreateStatusOption
{
    /// <summary><c>pending</c>, <c>success</c>, <c>error</c>, <c>failure</c>, <c>warning</c> or <c>skipped</c>.</summary>
    public required string State { get; init; }

    /// <summary>Which check.</summary>
    public string? Context { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Link to details.</summary>
    public string? TargetUrl { get; init; }
}

/// <summary>Creates a user (admin). <see cref="MustChangePassword"/> defaults to false here: Gitea's own default (true) locks bots out of the API.</summary>
[GiteaSchema("CreateUserOption")]
public sealed record CreateUserOption
{
    /// <summary>User name (required).</summary>
    public required string Username { get; init; }

    /// <summary>E-mail (required).</summary>
    public required string Email { get; init; }

    /// <summary>Password. Never logged.</summary>
    public string? Password { get; init; }

    /// <summary>Full name.</summary>
    public string? FullName { get; init; }

    /// <summary>Always sent; false by default so agent accounts can use the API at once.</summary>
    public bool MustChangePassword { get; init; }

    /// <summary>The password is redacted.</summary>
    /// <returns>A description without the password.</returns>
    public override string ToString() => $"CreateUserOption {{ Username = {Username}, Email = {Email} }}";
}

/// <summary>Creates an access token (Basic auth as the user, or an admin).</summary>
[GiteaSchema("CreateAccessTokenOption")]
public sealed record CreateAccessTokenOption
{
    /// <summary>Name (required, unique per user).</summary>
    public required string Name { get; init; }

    /// <summary>Scopes, e.g. <c>write:issue</c>, <c>write:repository</c>, <c>read:user</c>.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }
}

/// <summary>Creates a repository.</summary>
[GiteaSchema("CreateRepoOption")]
public sealed record CreateRepoOption
{
    /// <summary>Name (required).</summary>
    public required string Name { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Private.</summary>
    public bool? Private { get; init; }

    /// <summary>Create an initial commit.</summary>
    public bool? AutoInit { get; init; }

    /// <summary>Default branch.</summary>
    public string? DefaultBranch { get; init; }
}

/// <summary>Grants a user a permission on a repository (as a collaborator).</summary>
[GiteaSchema("AddCollaboratorOption")]
public sealed record AddCollaboratorOption
{
    /// <summary><c>read</c>, <c>write</c> or <c>admin</c>.</summary>
    public string? Permission { get; init; }
}
