using Refit;

namespace Hermes.Sdk.Gitea;

/// <summary>
/// Gitea's REST API (v1, paths relative to <c>…/api/v1</c>), as a Refit interface whose implementation is generated at
/// compile time. Every method and path is checked against Gitea's official swagger by a test. Failures throw
/// <see cref="GiteaException"/> subtypes; list methods return the response so paging headers can be followed — use
/// <see cref="GiteaClient"/> for paging as <see cref="IAsyncEnumerable{T}"/> and the label task queue.
/// </summary>
/// <remarks>Paths take the per-repository issue <em>number</em> (<c>index</c>), never the global issue id.</remarks>
public interface IGiteaApi
{
    /// <summary>The server version.</summary>
    [Get("/version")]
    Task<GiteaServerVersion> GetVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>The server's paging limits.</summary>
    [Get("/settings/api")]
    Task<GiteaApiSettings> GetApiSettingsAsync(CancellationToken cancellationToken = default);

    /// <summary>The authenticated user.</summary>
    [Get("/user")]
    Task<GiteaUser> GetCurrentUserAsync(CancellationToken cancellationToken = default);

    /// <summary>One page of an organisation's repositories.</summary>
    [Get("/orgs/{org}/repos")]
    Task<IApiResponse<List<GiteaRepository>>> ListOrgReposAsync(string org, int? page = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>One page of a user's repositories.</summary>
    [Get("/users/{username}/repos")]
    Task<IApiResponse<List<GiteaRepository>>> ListUserReposAsync(string username, int? page = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>One page of the authenticated user's repositories.</summary>
    [Get("/user/repos")]
    Task<IApiResponse<List<GiteaRepository>>> ListMyReposAsync(int? page = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Creates a repository for the authenticated user.</summary>
    [Post("/user/repos")]
    Task<GiteaRepository> CreateMyRepoAsync([Body] CreateRepoOption body, CancellationToken cancellationToken = default);

    /// <summary>Creates a repository in an organisation.</summary>
    [Post("/orgs/{org}/repos")]
    Task<GiteaRepository> CreateOrgRepoAsync(string org, [Body] CreateRepoOption body, CancellationToken cancellationToken = default);

    /// <summary>A repository.</summary>
    [Get("/repos/{owner}/{repo}")]
    Task<GiteaRepository> GetRepoAsync(string owner, string repo, CancellationToken cancellationToken = default);

    /// <summary>One page of a repository's issues (pull requests too unless <paramref name="type"/> is <c>issues</c>).</summary>
    /// <param name="owner">Owner.</param>
    /// <param name="repo">Repository.</param>
    /// <param name="state"><c>open</c>, <c>closed</c> or <c>all</c>.</param>
    /// <param name="labels">Comma-separated label names, any-of; unknown names are discarded by Gitea.</param>
    /// <param name="type"><c>issues</c> or <c>pulls</c>.</param>
    /// <param name="assignedBy">Only issues assigned to this user.</param>
    /// <param name="q">Search text.</param>
    /// <param name="page">1-based page.</param>
    /// <param name="limit">Page size (clamped by the server).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    [Get("/repos/{owner}/{repo}/issues")]
    Task<IApiResponse<List<GiteaIssue>>> ListIssuesAsync(
        string owner,
        string repo,
        string? state = null,
        string? labels = null,
        string? type = null,
        [AliasAs("assigned_by")] string? assignedBy = null,
        string? q = null,
        int? page = null,
        int? limit = null,
        CancellationToken cancellationToken = default);

    /// <summary>One page of issues across repositories the user can see.</summary>
    [Get("/repos/issues/search")]
    Task<IApiResponse<List<GiteaIssue>>> SearchIssuesAsync(
        string? q = null,
        string? state = null,
        string? labels = null,
        string? type = null,
        string? owner = null,
        int? page = null,
        int? limit = null,
        CancellationToken cancellationToken = default);

    /// <summary>An issue by number.</summary>
    [Get("/repos/{owner}/{repo}/issues/{index}")]
    Task<GiteaIssue> GetIssueAsync(string owner, string repo, long index, CancellationToken cancellationToken = default);

    /// <summary>Creates an issue.</summary>
    [Post("/repos/{owner}/{repo}/issues")]
    Task<GiteaIssue> CreateIssueAsync(string owner, string repo, [Body] CreateIssueOption body, CancellationToken cancellationToken = default);

    /// <summary>Edits an issue (close, reopen, assignees). Gitea answers 201.</summary>
    [Patch("/repos/{owner}/{repo}/issues/{index}")]
    Task<GiteaIssue> EditIssueAsync(string owner, string repo, long index, [Body] EditIssueOption body, CancellationToken cancellationToken = default);

    /// <summary>One page of a repository's labels.</summary>
    [Get("/repos/{owner}/{repo}/labels")]
    Task<IApiResponse<List<GiteaLabel>>> ListLabelsAsync(string owner, string repo, int? page = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Creates a repository label.</summary>
    [Post("/repos/{owner}/{repo}/labels")]
    Task<GiteaLabel> CreateLabelAsync(string owner, string repo, [Body] CreateLabelOption body, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a repository label, and with it every issue's use of it (204; routers/api/v1/repo/label.go DeleteLabel →
    /// models/issues/label.go DeleteLabel, which deletes the issue_label rows too).
    /// </summary>
    [Delete("/repos/{owner}/{repo}/labels/{id}")]
    Task DeleteLabelAsync(string owner, string repo, long id, CancellationToken cancellationToken = default);

    /// <summary>An issue's labels (not paged).</summary>
    [Get("/repos/{owner}/{repo}/issues/{index}/labels")]
    Task<List<GiteaLabel>> GetIssueLabelsAsync(string owner, string repo, long index, CancellationToken cancellationToken = default);

    /// <summary>Adds labels by id; returns the issue's labels afterwards (unknown ids are silently dropped).</summary>
    [Post("/repos/{owner}/{repo}/issues/{index}/labels")]
    Task<List<GiteaLabel>> AddIssueLabelsAsync(string owner, string repo, long index, [Body] IssueLabelIdsOption body, CancellationToken cancellationToken = default);

    /// <summary>Adds labels by name; returns the issue's labels afterwards (unknown names are silently dropped).</summary>
    [Post("/repos/{owner}/{repo}/issues/{index}/labels")]
    Task<List<GiteaLabel>> AddIssueLabelsByNameAsync(string owner, string repo, long index, [Body] IssueLabelNamesOption body, CancellationToken cancellationToken = default);

    /// <summary>Replaces the issue's labels by id.</summary>
    [Put("/repos/{owner}/{repo}/issues/{index}/labels")]
    Task<List<GiteaLabel>> ReplaceIssueLabelsAsync(string owner, string repo, long index, [Body] IssueLabelIdsOption body, CancellationToken cancellationToken = default);

    /// <summary>Makes a user a collaborator with a permission (repository admins only; 204).</summary>
    [Put("/repos/{owner}/{repo}/collaborators/{collaborator}")]
    Task AddCollaboratorAsync(string owner, string repo, string collaborator, [Body] AddCollaboratorOption body, CancellationToken cancellationToken = default);

    /// <summary>Removes one label (by id) from an issue.</summary>
    [Delete("/repos/{owner}/{repo}/issues/{index}/labels/{id}")]
    Task RemoveIssueLabelAsync(string owner, string repo, long index, long id, CancellationToken cancellationToken = default);

    /// <summary>Removes every label from an issue.</summary>
    [Delete("/repos/{owner}/{repo}/issues/{index}/labels")]
    Task ClearIssueLabelsAsync(string owner, string repo, long index, CancellationToken cancellationToken = default);

    /// <summary>An issue's comments (not paged).</summary>
    [Get("/repos/{owner}/{repo}/issues/{index}/comments")]
    Task<List<GiteaComment>> ListCommentsAsync(string owner, string repo, long index, CancellationToken cancellationToken = default);

    /// <summary>Comments on an issue.</summary>
    [Post("/repos/{owner}/{repo}/issues/{index}/comments")]
    Task<GiteaComment> CreateCommentAsync(string owner, string repo, long index, [Body] CreateIssueCommentOption body, CancellationToken cancellationToken = default);

    /// <summary>Edits a comment by its global id.</summary>
    [Patch("/repos/{owner}/{repo}/issues/comments/{id}")]
    Task<GiteaComment> EditCommentAsync(string owner, string repo, long id, [Body] EditIssueCommentOption body, CancellationToken cancellationToken = default);

    /// <summary>One page of an issue's timeline: comments and events in the order the forge recorded them.</summary>
    [Get("/repos/{owner}/{repo}/issues/{index}/timeline")]
    Task<IApiResponse<List<GiteaTimelineEvent>>> ListTimelineAsync(string owner, string repo, long index, int? page = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>One page of pull requests.</summary>
    [Get("/repos/{owner}/{repo}/pulls")]
    Task<IApiResponse<List<GiteaPullRequest>>> ListPullRequestsAsync(string owner, string repo, string? state = null, int? page = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>A pull request by number.</summary>
    [Get("/repos/{owner}/{repo}/pulls/{index}")]
    Task<GiteaPullRequest> GetPullRequestAsync(string owner, string repo, long index, CancellationToken cancellationToken = default);

    /// <summary>Opens a pull request.</summary>
    [Post("/repos/{owner}/{repo}/pulls")]
    Task<GiteaPullRequest> CreatePullRequestAsync(string owner, string repo, [Body] CreatePullRequestOption body, CancellationToken cancellationToken = default);

    /// <summary>Edits (or closes) a pull request. Gitea answers 201.</summary>
    [Patch("/repos/{owner}/{repo}/pulls/{index}")]
    Task<GiteaPullRequest> EditPullRequestAsync(string owner, string repo, long index, [Body] EditPullRequestOption body, CancellationToken cancellationToken = default);

    /// <summary>Merges a pull request (200, empty). 405: not mergeable now; 409: conflict or head moved.</summary>
    [Post("/repos/{owner}/{repo}/pulls/{index}/merge")]
    Task MergePullRequestAsync(string owner, string repo, long index, [Body] MergePullRequestOption body, CancellationToken cancellationToken = default);

    /// <summary>204 when merged; <see cref="GiteaNotFoundException"/> when not.</summary>
    [Get("/repos/{owner}/{repo}/pulls/{index}/merge")]
    Task IsPullRequestMergedAsync(string owner, string repo, long index, CancellationToken cancellationToken = default);

    /// <summary>Merges the base branch into the head branch (<paramref name="style"/>: <c>merge</c> or <c>rebase</c>).</summary>
    [Post("/repos/{owner}/{repo}/pulls/{index}/update")]
    Task UpdatePullRequestBranchAsync(string owner, string repo, long index, string? style = null, CancellationToken cancellationToken = default);

    /// <summary>One page of a pull request's reviews.</summary>
    [Get("/repos/{owner}/{repo}/pulls/{index}/reviews")]
    Task<IApiResponse<List<GiteaPullReview>>> ListReviewsAsync(string owner, string repo, long index, int? page = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Submits a review.</summary>
    [Post("/repos/{owner}/{repo}/pulls/{index}/reviews")]
    Task<GiteaPullReview> CreateReviewAsync(string owner, string repo, long index, [Body] CreatePullReviewOptions body, CancellationToken cancellationToken = default);

    /// <summary>A branch; <see cref="GiteaNotFoundException"/> when it does not exist.</summary>
    [Get("/repos/{owner}/{repo}/branches/{branch}")]
    Task<GiteaBranch> GetBranchAsync(string owner, string repo, string branch, CancellationToken cancellationToken = default);

    /// <summary>Creates a branch (201). 409: it exists; 404: the ref it starts from does not.</summary>
    [Post("/repos/{owner}/{repo}/branches")]
    Task<GiteaBranch> CreateBranchAsync(string owner, string repo, [Body] CreateBranchRepoOption body, CancellationToken cancellationToken = default);

    /// <summary>A file with its content (base64), at <paramref name="reference"/> or the default branch.</summary>
    [Get("/repos/{owner}/{repo}/contents/{**filepath}")]
    Task<GiteaContents> GetFileAsync(string owner, string repo, string filepath, [AliasAs("ref")] string? reference = null, CancellationToken cancellationToken = default);

    /// <summary>A directory's entries (no content), at <paramref name="reference"/> or the default branch.</summary>
    [Get("/repos/{owner}/{repo}/contents/{**filepath}")]
    Task<List<GiteaContents>> ListDirectoryAsync(string owner, string repo, string filepath, [AliasAs("ref")] string? reference = null, CancellationToken cancellationToken = default);

    /// <summary>Creates a file in one commit (201). 422: it exists or the new branch does; 404: the branch does not.</summary>
    [Post("/repos/{owner}/{repo}/contents/{**filepath}")]
    Task<GiteaFileResponse> CreateFileAsync(string owner, string repo, string filepath, [Body] CreateFileOptions body, CancellationToken cancellationToken = default);

    /// <summary>Updates a file in one commit (200). 422: its SHA moved since it was read; 404: it or the branch does not exist.</summary>
    [Put("/repos/{owner}/{repo}/contents/{**filepath}")]
    Task<GiteaFileResponse> UpdateFileAsync(string owner, string repo, string filepath, [Body] UpdateFileOptions body, CancellationToken cancellationToken = default);

    /// <summary>A git tree by SHA or ref name, optionally recursive; paged by <paramref name="page"/> and <c>per_page</c>.</summary>
    [Get("/repos/{owner}/{repo}/git/trees/{sha}")]
    Task<GiteaTree> GetTreeAsync(string owner, string repo, string sha, bool? recursive = null, int? page = null, [AliasAs("per_page")] int? perPage = null, CancellationToken cancellationToken = default);

    /// <summary>One page of the files a pull request changes.</summary>
    [Get("/repos/{owner}/{repo}/pulls/{index}/files")]
    Task<IApiResponse<List<GiteaChangedFile>>> ListPullRequestFilesAsync(string owner, string repo, long index, int? page = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>A pull request's unified diff (<paramref name="diffType"/> <c>diff</c>) or patch (<c>patch</c>).</summary>
    [Get("/repos/{owner}/{repo}/pulls/{index}.{diffType}")]
    Task<string> GetPullRequestDiffAsync(string owner, string repo, long index, string diffType = "diff", CancellationToken cancellationToken = default);

    /// <summary>A review's line comments.</summary>
    [Get("/repos/{owner}/{repo}/pulls/{index}/reviews/{id}/comments")]
    Task<List<GiteaPullReviewComment>> ListReviewCommentsAsync(string owner, string repo, long index, long id, CancellationToken cancellationToken = default);

    /// <summary>Sets a commit status.</summary>
    [Post("/repos/{owner}/{repo}/statuses/{sha}")]
    Task<GiteaCommitStatus> CreateStatusAsync(string owner, string repo, string sha, [Body] CreateStatusOption body, CancellationToken cancellationToken = default);

    /// <summary>The combined status of a ref (branch, tag or SHA).</summary>
    [Get("/repos/{owner}/{repo}/commits/{ref}/status")]
    Task<GiteaCombinedStatus> GetCombinedStatusAsync(string owner, string repo, [AliasAs("ref")] string reference, CancellationToken cancellationToken = default);

    /// <summary>Creates a user (site admin only).</summary>
    [Post("/admin/users")]
    Task<GiteaUser> AdminCreateUserAsync([Body] CreateUserOption body, CancellationToken cancellationToken = default);

    /// <summary>Creates an access token for a user. Needs Basic auth as that user (or an admin) — see <see cref="GiteaClient.CreateAccessTokenAsync"/>.</summary>
    [Post("/users/{username}/tokens")]
    Task<GiteaAccessToken> CreateAccessTokenAsync(string username, [Body] CreateAccessTokenOption body, [Header("Authorization")] string basicAuthorization, CancellationToken cancellationToken = default);
}
