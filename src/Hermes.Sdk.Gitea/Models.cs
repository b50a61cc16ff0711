using System.Text.Json.Serialization;

namespace Hermes.Sdk.Gitea;

// Data shapes of Gitea's API (v1.26 swagger). Property names are the spec's snake_case (see GiteaJsonContext); a test
// checks every property against the schema named by [GiteaSchema]. Only the fields an agent fleet uses are modelled.

/// <summary>Names the swagger definition a type models; checked by the spec-conformance test.</summary>
/// <param name="name">The definition's name in Gitea's swagger.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class GiteaSchemaAttribute(string name) : Attribute
{
    /// <summary>The definition's name.</summary>
    public string Name { get; } = name;
}

/// <summary>A Gitea user (or bot account).</summary>
[GiteaSchema("User")]
public sealed record GiteaUser
{
    /// <summary>Global id.</summary>
    public long Id { get; init; }

    /// <summary>User name.</summary>
    public string Login { get; init; } = string.Empty;

    /// <summary>Full name.</summary>
    public string? FullName { get; init; }

    /// <summary>E-mail address (visible to admins and the user).</summary>
    public string? Email { get; init; }

    /// <summary>Whether the user is a site admin.</summary>
    public bool IsAdmin { get; init; }

    /// <summary>Whether the account is active.</summary>
    public bool Active { get; init; }
}

/// <summary>A repository.</summary>
[GiteaSchema("Repository")]
public sealed record GiteaRepository
{
    /// <summary>Global id.</summary>
    public long Id { get; init; }

    /// <summary>Repository name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary><c>owner/name</c>.</summary>
    public string FullName { get; init; } = string.Empty;

    /// <summary>The owner.</summary>
    public GiteaUser? Owner { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Whether it is private.</summary>
    public bool Private { get; init; }

    /// <summary>Whether it is archived (writes answer 423).</summary>
    public bool Archived { get; init; }

    /// <summary>The default branch.</summary>
    public string? DefaultBranch { get; init; }

    /// <summary>Open issues.</summary>
    public int OpenIssuesCount { get; init; }

    /// <summary>Web address.</summary>
    public string? HtmlUrl { get; init; }

    /// <summary>HTTP clone address.</summary>
    public string? CloneUrl { get; init; }
}

/// <summary>A label.</summary>
[GiteaSchema("Label")]
public sealed record GiteaLabel
{
    /// <summary>Label id (label sub-resources take ids).</summary>
    public long Id { get; init; }

    /// <summary>Name, e.g. <c>ready</c> or <c>assigned:wolf-1</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Colour, <c>#rrggbb</c> or <c>rrggbb</c>.</summary>
    public string Color { get; init; } = string.Empty;

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Exclusive (scoped) label: adding one removes the others of its scope.</summary>
    public bool Exclusive { get; init; }
}

/// <summary>Pull-request fields carried by an issue that is a pull request.</summary>
[GiteaSchema("PullRequestMeta")]
public sealed record GiteaPullRequestMeta
{
    /// <summary>Whether it is merged.</summary>
    public bool Merged { get; init; }

    /// <summary>Whether it is a draft.</summary>
    public bool Draft { get; init; }
}

/// <summary>An issue (pull requests are issues too; <see cref="PullRequest"/> is set for them).</summary>
[GiteaSchema("Issue")]
public sealed record GiteaIssue
{
    /// <summary>Global id — not what paths take.</summary>
    public long Id { get; init; }

    /// <summary>The per-repository number (<c>{index}</c> in paths).</summary>
    public long Number { get; init; }

    /// <summary>Title.</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>Body (markdown).</summary>
    public string? Body { get; init; }

    /// <summary><c>open</c> or <c>closed</c>.</summary>
    public string State { get; init; } = "open";

    /// <summary>The author.</summary>
    public GiteaUser? User { get; init; }

    /// <summary>Labels.</summary>
    public IReadOnlyList<GiteaLabel> Labels { get; init; } = [];

    /// <summary>Assignees.</summary>
    public IReadOnlyList<GiteaUser>? Assignees { get; init; }

    /// <summary>Number of comments.</summary>
    public int Comments { get; init; }

    /// <summary>Created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last updated.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Closed, if closed.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Set when the issue is a pull request.</summary>
    public GiteaPullRequestMeta? PullRequest { get; init; }

    /// <summary>Web address.</summary>
    public string? HtmlUrl { get; init; }

    /// <summary>The repository it belongs to (what tells issues apart in a search across repositories).</summary>
    public GiteaRepositoryMeta? Repository { get; init; }

    /// <summary>
    /// The body's version (Gitea 1.26+; null before): it grows with every change of the body, and an edit that names it
    /// (<see cref="EditIssueOption.ContentVersion"/>) is refused with 409 when the body changed since.
    /// </summary>
    public int? ContentVersion { get; init; }
}

/// <summary>The repository an issue belongs to, as Gitea names it on the issue (<c>RepositoryMeta</c>).</summary>
[GiteaSchema("RepositoryMeta")]
public sealed record GiteaRepositoryMeta
{
    /// <summary>Global id.</summary>
    public long Id { get; init; }

    /// <summary>The repository's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The owner's login.</summary>
    public string Owner { get; init; } = string.Empty;

    /// <summary><c>owner/name</c>.</summary>
    public string FullName { get; init; } = string.Empty;
}

/// <summary>A comment on an issue or pull request.</summary>
[GiteaSchema("Comment")]
public sealed record GiteaComment
{
    /// <summary>Global comment id (comment paths take it).</summary>
    public long Id { get; init; }

    /// <summary>Body (markdown).</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>The author.</summary>
    public GiteaUser? User { get; init; }

    /// <summary>Created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last updated.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Web address.</summary>
    public string? HtmlUrl { get; init; }
}

/// <summary>
/// One entry of an issue's timeline: comments and events (label added or removed, assignees changed, closed, …) share
/// Gitea's comment table, so their ids are one sequence. The ids are allocated when a row is inserted, which on MySQL
/// and PostgreSQL is before the write takes the issue's lock: they are not the order writes committed.
/// </summary>
[GiteaSchema("TimelineComment")]
public sealed record GiteaTimelineEvent
{
    /// <summary>The label event's <see cref="Body"/> when the label was added (Gitea stores "1"; removal stores "").</summary>
    public const string LabelAdded = "1";

    /// <summary>Global id, increasing in the order rows were inserted (not necessarily committed).</summary>
    public long Id { get; init; }

    /// <summary>The kind: <c>comment</c>, <c>label</c>, <c>assignees</c>, <c>close</c>, <c>reopen</c>, …</summary>
    public string Type { get; init; } = string.Empty;

    /// <summary>The comment text; for <c>label</c> events <see cref="LabelAdded"/> or empty (removed).</summary>
    public string? Body { get; init; }

    /// <summary>Who did it.</summary>
    public GiteaUser? User { get; init; }

    /// <summary>The label of a <c>label</c> event.</summary>
    public GiteaLabel? Label { get; init; }

    /// <summary>The user of an <c>assignees</c> event.</summary>
    public GiteaUser? Assignee { get; init; }

    /// <summary>Whether an <c>assignees</c> event removed <see cref="Assignee"/> (otherwise it added them).</summary>
    public bool RemovedAssignee { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last edited.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Whether this is a <c>label</c> event that added its label.</summary>
    [JsonIgnore]
    public bool IsLabelAdded => Type == "label" && Body == LabelAdded;

    /// <summary>Whether this is a <c>label</c> event that removed its label.</summary>
    [JsonIgnore]
    public bool IsLabelRemoved => Type == "label" && Body != LabelAdded;
}

/// <summary>One side of a pull request.</summary>
[GiteaSchema("PRBranchInfo")]
public sealed record GiteaBranchInfo
{
    /// <summary>Branch name.</summary>
    public string Ref { get; init; } = string.Empty;

    /// <summary>Commit SHA.</summary>
    public string Sha { get; init; } = string.Empty;

    /// <summary>Label (<c>owner:branch</c>).</summary>
    public string? Label { get; init; }

    /// <summary>Repository id.</summary>
    public long RepoId { get; init; }
}

/// <summary>A pull request.</summary>
[GiteaSchema("PullRequest")]
public sealed record GiteaPullRequest
{
    /// <summary>The pull request row id — differs from its issue's id.</summary>
    public long Id { get; init; }

    /// <summary>The per-repository number, shared with its issue.</summary>
    public long Number { get; init; }

    /// <summary>Title.</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>Body.</summary>
    public string? Body { get; init; }

    /// <summary><c>open</c> or <c>closed</c>.</summary>
    public string State { get; init; } = "open";

    /// <summary>The author.</summary>
    public GiteaUser? User { get; init; }

    /// <summary>Head branch.</summary>
    public GiteaBranchInfo? Head { get; init; }

    /// <summary>Base branch.</summary>
    public GiteaBranchInfo? Base { get; init; }

    /// <summary>Gitea's mergeability flag. Not a conflict flag: it is also false while being computed.</summary>
    public bool Mergeable { get; init; }

    /// <summary>Whether it is merged.</summary>
    public bool Merged { get; init; }

    /// <summary>When it was merged.</summary>
    public DateTimeOffset? MergedAt { get; init; }

    /// <summary>The merge commit.</summary>
    public string? MergeCommitSha { get; init; }

    /// <summary>Whether it is a draft.</summary>
    public bool Draft { get; init; }

    /// <summary>Labels.</summary>
    public IReadOnlyList<GiteaLabel> Labels { get; init; } = [];

    /// <summary>Web address.</summary>
    public string? HtmlUrl { get; init; }

    /// <summary>Who it is assigned to.</summary>
    public IReadOnlyList<GiteaUser>? Assignees { get; init; }

    /// <summary>Who was asked to review it (and has not yet).</summary>
    public IReadOnlyList<GiteaUser>? RequestedReviewers { get; init; }

    /// <summary>When it was opened.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A pull request review.</summary>
[GiteaSchema("PullReview")]
public sealed record GiteaPullReview
{
    /// <summary>Review id.</summary>
    public long Id { get; init; }

    /// <summary><c>APPROVED</c>, <c>PENDING</c>, <c>COMMENT</c>, <c>REQUEST_CHANGES</c>, …</summary>
    public string State { get; init; } = string.Empty;

    /// <summary>Body.</summary>
    public string? Body { get; init; }

    /// <summary>The reviewer.</summary>
    public GiteaUser? User { get; init; }

    /// <summary>The commit reviewed.</summary>
    public string? CommitId { get; init; }

    /// <summary>When it was submitted.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>How many line comments it carries (Gitea's <c>comments_count</c>: the review's code comments).</summary>
    public int CommentsCount { get; init; }
}

/// <summary>A commit status.</summary>
[GiteaSchema("CommitStatus")]
public sealed record GiteaCommitStatus
{
    /// <summary>Id.</summary>
    public long Id { get; init; }

    /// <summary><c>pending</c>, <c>success</c>, <c>error</c>, <c>failure</c>, <c>warning</c> or <c>skipped</c>.</summary>
    public string Status { get; init; } = string.Empty;

    /// <summary>The context (which check).</summary>
    public string? Context { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Link to details.</summary>
    public string? TargetUrl { get; init; }

    /// <summary>Who set it.</summary>
    public GiteaUser? Creator { get; init; }

    /// <summary>Created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The combined status of a ref.</summary>
[GiteaSchema("CombinedStatus")]
public sealed record GiteaCombinedStatus
{
    /// <summary>The worst state among the latest status of each context.</summary>
    public string State { get; init; } = string.Empty;

    /// <summary>The commit.</summary>
    public string Sha { get; init; } = string.Empty;

    /// <summary>The latest status per context.</summary>
    public IReadOnlyList<GiteaCommitStatus> Statuses { get; init; } = [];

    /// <summary>How many statuses.</summary>
    public int TotalCount { get; init; }
}

/// <summary>An access token. <see cref="Sha1"/> (the secret) is present only in the creation response.</summary>
[GiteaSchema("AccessToken")]
public sealed record GiteaAccessToken
{
    /// <summary>Id.</summary>
    public long Id { get; init; }

    /// <summary>Name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The secret, on creation only. Store it (0600) and never log it.</summary>
    public string? Sha1 { get; init; }

    /// <summary>The last eight characters, for recognising a token.</summary>
    public string? TokenLastEight { get; init; }

    /// <summary>Scopes, e.g. <c>write:issue</c>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The secret is redacted.</summary>
    /// <returns>A description without the secret.</returns>
    public override string ToString() => $"GiteaAccessToken {{ Id = {Id}, Name = {Name}, TokenLastEight = {TokenLastEight} }}";
}

/// <summary>The server's version.</summary>
[GiteaSchema("ServerVersion")]
public sealed record GiteaServerVersion
{
    /// <summary>Version string.</summary>
    public string Version { get; init; } = string.Empty;
}

/// <summary>The server's API paging settings.</summary>
[GiteaSchema("GeneralAPISettings")]
public sealed record GiteaApiSettings
{
    /// <summary>The largest page the server returns (default 50); larger limits are silently clamped.</summary>
    public int MaxResponseItems { get; init; }

    /// <summary>The page size when none is asked (default 30).</summary>
    public int DefaultPagingNum { get; init; }
}

/// <summary>Gitea's error body.</summary>
[GiteaSchema("APIError")]
public sealed record GiteaApiError
{
    /// <summary>The message.</summary>
    public string? Message { get; init; }

    /// <summary>Documentation link.</summary>
    public string? Url { get; init; }
}
