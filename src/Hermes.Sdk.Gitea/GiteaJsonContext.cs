using System.Text.Json.Serialization;

namespace Hermes.Sdk.Gitea;

/// <summary>Source-generated JSON metadata for every Gitea shape (snake_case, nulls not sent).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(GiteaUser))]
[JsonSerializable(typeof(GiteaRepository))]
[JsonSerializable(typeof(List<GiteaRepository>))]
[JsonSerializable(typeof(GiteaIssue))]
[JsonSerializable(typeof(List<GiteaIssue>))]
[JsonSerializable(typeof(GiteaLabel))]
[JsonSerializable(typeof(List<GiteaLabel>))]
[JsonSerializable(typeof(GiteaComment))]
[JsonSerializable(typeof(List<GiteaComment>))]
[JsonSerializable(typeof(GiteaTimelineEvent))]
[JsonSerializable(typeof(List<GiteaTimelineEvent>))]
[JsonSerializable(typeof(GiteaPullRequest))]
[JsonSerializable(typeof(List<GiteaPullRequest>))]
[JsonSerializable(typeof(GiteaPullReview))]
[JsonSerializable(typeof(List<GiteaPullReview>))]
[JsonSerializable(typeof(GiteaCommitStatus))]
[JsonSerializable(typeof(GiteaCombinedStatus))]
[JsonSerializable(typeof(GiteaAccessToken))]
[JsonSerializable(typeof(GiteaServerVersion))]
[JsonSerializable(typeof(GiteaApiSettings))]
[JsonSerializable(typeof(GiteaApiError))]
[JsonSerializable(typeof(CreateIssueOption))]
[JsonSerializable(typeof(EditIssueOption))]
[JsonSerializable(typeof(AddCollaboratorOption))]
[JsonSerializable(typeof(IssueLabelIdsOption))]
[JsonSerializable(typeof(IssueLabelNamesOption))]
[JsonSerializable(typeof(CreateLabelOption))]
[JsonSerializable(typeof(CreateIssueCommentOption))]
[JsonSerializable(typeof(EditIssueCommentOption))]
[JsonSerializable(typeof(CreatePullRequestOption))]
[JsonSerializable(typeof(EditPullRequestOption))]
[JsonSerializable(typeof(MergePullRequestOption))]
[JsonSerializable(typeof(CreatePullReviewOptions))]
[JsonSerializable(typeof(CreateStatusOption))]
[JsonSerializable(typeof(CreateUserOption))]
[JsonSerializable(typeof(CreateAccessTokenOption))]
[JsonSerializable(typeof(CreateRepoOption))]
public sealed partial class GiteaJsonContext : JsonSerializerContext;
