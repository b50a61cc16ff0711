namespace Hermes.Sdk.Gitea.Testing;

/// <summary>The Gitea release the forge plays, where releases differ in something a client relies on.</summary>
public enum GiteaTestVersion
{
    /// <summary>1.24: merging a merged pull request answers 405 with an empty message; no <c>content_version</c>.</summary>
    Gitea124,

    /// <summary>1.25: 405 "The PR is already merged"; no <c>content_version</c>.</summary>
    Gitea125,

    /// <summary>1.26 (the default): as 1.25, plus <c>content_version</c> compare-and-swap on PATCH issue (409 when stale).</summary>
    Gitea126,
}

/// <summary>How timeline event ids relate to the order writes commit (what the database behind Gitea does).</summary>
public enum TimelineIdOrder
{
    /// <summary>
    /// SQLite: writers are serialised from their first write, so a later id always belongs to a later commit. The forge
    /// allocates a write's ids when it commits.
    /// </summary>
    CommitOrder,

    /// <summary>
    /// MySQL, PostgreSQL, MSSQL: a label write inserts its timeline comment (allocating the id) before it takes the
    /// issue's row lock, so two concurrent writes can commit in the opposite order of their ids
    /// (models/issues/issue_label.go:116-155, models/issues/comment.go:821-927 at v1.26.1). The forge allocates a
    /// write's ids when the request arrives, before <see cref="GiteaTestServerOptions.BeforeCommitAsync"/> lets it commit.
    /// </summary>
    AllocatedBeforeLock,
}

/// <summary>A request the forge is about to apply, as <see cref="GiteaTestServerOptions.BeforeCommitAsync"/> sees it.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, e.g. <c>/api/v1/repos/o/r/issues/3/labels</c>.</param>
/// <param name="Caller">The authenticated login, or null for an anonymous request.</param>
/// <param name="ReadBack">
/// False: the request is about to be applied. True: a label write has committed and its answer — every label of the
/// issue, read afresh as Gitea does — is about to be read.
/// </param>
public sealed record GiteaTestRequest(string Method, string Path, string? Caller, bool ReadBack = false);

/// <summary>How a <see cref="GiteaTestServer"/> behaves.</summary>
public sealed class GiteaTestServerOptions
{
    /// <summary>The site admin <c>root</c>'s password. Default <c>root-password</c>.</summary>
    public string AdminPassword { get; set; } = "root-password";

    /// <summary>The release played. Default <see cref="GiteaTestVersion.Gitea126"/>.</summary>
    public GiteaTestVersion Version { get; set; } = GiteaTestVersion.Gitea126;

    /// <summary>How timeline ids relate to commit order. Default <see cref="TimelineIdOrder.CommitOrder"/> (SQLite).</summary>
    public TimelineIdOrder TimelineIds { get; set; } = TimelineIdOrder.CommitOrder;

    /// <summary>
    /// Called for every authenticated API request after it arrived (and, in <see cref="TimelineIdOrder.AllocatedBeforeLock"/>
    /// mode, after its ids were allocated) and before it is applied — and once more for a label write between its commit
    /// and the read of the labels it answers with (<see cref="GiteaTestRequest.ReadBack"/>): a test holds requests here
    /// to drive an exact interleaving. Null (the default) applies requests at once.
    /// </summary>
    public Func<GiteaTestRequest, CancellationToken, Task>? BeforeCommitAsync { get; set; }
}
