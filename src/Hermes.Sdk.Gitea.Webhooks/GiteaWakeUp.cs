namespace Hermes.Sdk.Gitea.Webhooks;

/// <summary>Why an agent was woken.</summary>
public enum GiteaWakeReason
{
    /// <summary>An issue now carries the ready label: workers and wolves have work.</summary>
    IssueReady,

    /// <summary>A pull request was opened, reopened, pushed to or had a review requested: strategists have a review.</summary>
    ReviewNeeded,
}

/// <summary>A delivery that should wake the agent.</summary>
/// <param name="Reason">Why.</param>
/// <param name="Repository">The repository, <c>owner/name</c>.</param>
/// <param name="Number">The issue or pull request.</param>
/// <param name="Delivery">Gitea's delivery id (<c>X-Gitea-Delivery</c>).</param>
public sealed record GiteaWakeUp(GiteaWakeReason Reason, string Repository, long Number, string? Delivery);
