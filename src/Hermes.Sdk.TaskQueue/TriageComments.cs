using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.TaskQueue;

/// <summary>Posting burn-night triage comments that follow the rubric (see <see cref="TriageComment"/>).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The two overloads differ in a required parameter's type (markdown or parts); only the cancellation token is optional, as everywhere.")]
public static class TriageComments
{
    /// <summary>
    /// Posts a burn-night triage comment, refusing one that lacks the rubric's evidence, recommended next action or
    /// confidence (see <see cref="TriageComment.Check"/>). Nothing is posted when it is refused.
    /// </summary>
    /// <param name="client">The agent's client.</param>
    /// <param name="owner">Owner.</param>
    /// <param name="repo">Repository.</param>
    /// <param name="index">The issue's number.</param>
    /// <param name="body">The comment's markdown.</param>
    /// <param name="cancellationToken">Cancels the post.</param>
    /// <returns>The posted comment.</returns>
    /// <exception cref="TriageRubricException">The comment lacks a part; the message says which.</exception>
    public static Task<GiteaComment> PostTriageCommentAsync(this GiteaClient client, string owner, string repo, long index, string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        IReadOnlyList<string> missing = TriageComment.Check(body);
        if (missing.Count > 0)
        {
            throw new TriageRubricException(missing);
        }

        return client.Api.CreateCommentAsync(owner, repo, index, new CreateIssueCommentOption { Body = body }, cancellationToken);
    }

    /// <summary>Posts a burn-night triage comment composed from its parts (checked like the markdown overload).</summary>
    /// <param name="client">The agent's client.</param>
    /// <param name="owner">Owner.</param>
    /// <param name="repo">Repository.</param>
    /// <param name="index">The issue's number.</param>
    /// <param name="comment">The triage.</param>
    /// <param name="cancellationToken">Cancels the post.</param>
    /// <returns>The posted comment.</returns>
    /// <exception cref="TriageRubricException">The comment lacks a part; the message says which.</exception>
    public static Task<GiteaComment> PostTriageCommentAsync(this GiteaClient client, string owner, string repo, long index, TriageComment comment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comment);
        return client.PostTriageCommentAsync(owner, repo, index, comment.ToMarkdown(), cancellationToken);
    }
}
