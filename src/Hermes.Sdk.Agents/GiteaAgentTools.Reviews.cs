using System.ComponentModel;
using System.Globalization;
using System.Text;
using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.Agents;

/// <summary>The review tools: pull requests, their files, diffs and statuses; reviews; the merge.</summary>
public sealed partial class GiteaAgentTools
{
    private async Task<string> ReadPullRequestAsync([Description("The pull request's number.")] long number, CancellationToken cancellationToken)
    {
        GiteaPullRequest pr = await _client.Api.GetPullRequestAsync(_owner, _repo, number, cancellationToken).ConfigureAwait(false);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"#{pr.Number} {pr.Title} by {pr.User?.Login} ({(pr.Merged ? "merged" : pr.State)}; {pr.Head?.Ref} at {pr.Head?.Sha} into {pr.Base?.Ref}; mergeable: {pr.Mergeable})").AppendLine();
        Quote(text, "description", pr.Body ?? string.Empty);
        return Cut(text.ToString());
    }

    private async Task<string> ListPullRequestFilesAsync([Description("The pull request's number.")] long number, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        await foreach (GiteaChangedFile file in _client.ListPullRequestFilesAsync(_owner, _repo, number, cancellationToken).ConfigureAwait(false))
        {
            text.Append(CultureInfo.InvariantCulture, $"{file.Status} {file.Filename} (+{file.Additions} -{file.Deletions})").AppendLine();
        }

        return text.Length == 0 ? $"#{number} changes no files." : Cut(text.ToString());
    }

    private async Task<string> ReadPullRequestDiffAsync([Description("The pull request's number.")] long number, CancellationToken cancellationToken)
    {
        string diff = await _client.Api.GetPullRequestDiffAsync(_owner, _repo, number, cancellationToken: cancellationToken).ConfigureAwait(false);
        var text = new StringBuilder();
        Quote(text, $"diff of #{number}", diff);
        return Cut(text.ToString());
    }

    private async Task<string> ReadStatusesAsync([Description("A branch or commit sha.")] string reference, CancellationToken cancellationToken)
    {
        GiteaCombinedStatus combined = await _client.Api.GetCombinedStatusAsync(_owner, _repo, reference, cancellationToken).ConfigureAwait(false);
        return StatusChecks.Describe(combined);
    }

    private async Task<string> PostReviewAsync(
        [Description("The pull request's number.")] long number,
        [Description("approve, request_changes or comment.")] string verdict,
        [Description("The review, in markdown: what you found and why.")] string body,
        [Description("Line comments on the new version of changed files (optional).")] IReadOnlyList<ReviewLineComment>? comments = null,
        CancellationToken cancellationToken = default)
    {
        string reviewEvent = verdict.Trim().ToUpperInvariant() switch
        {
            "APPROVE" or "APPROVED" => "APPROVED",
            "REQUEST_CHANGES" or "REQUEST CHANGES" or "CHANGES_REQUESTED" => "REQUEST_CHANGES",
            "COMMENT" => "COMMENT",
            _ => throw new ArgumentException($"verdict '{verdict}': use approve, request_changes or comment.", nameof(verdict)),
        };
        GiteaPullRequest pr = await _client.Api.GetPullRequestAsync(_owner, _repo, number, cancellationToken).ConfigureAwait(false);
        string head = pr.Head?.Sha ?? throw new InvalidOperationException($"#{number} has no head commit.");
        if (reviewEvent == "APPROVED")
        {
            GiteaCombinedStatus statuses = await _client.Api.GetCombinedStatusAsync(_owner, _repo, head, cancellationToken).ConfigureAwait(false);
            if (StatusChecks.Blocking(statuses) is { Count: > 0 } blocking)
            {
                throw new ToolRuleRefusedException($"Not approved: at {head} {string.Join(", ", blocking)}. A pull request whose checks fail or are still running is never approved; request changes or comment instead.");
            }
        }

        List<CreatePullReviewComment> lines = await CheckLineCommentsAsync(number, head, comments ?? [], cancellationToken).ConfigureAwait(false);
        GiteaPullReview review = await _client.Api.CreateReviewAsync(_owner, _repo, number, new CreatePullReviewOptions { Event = reviewEvent, Body = body, CommitId = head, Comments = lines }, cancellationToken).ConfigureAwait(false);
        return $"Posted review {review.Id} ({reviewEvent}) on #{number} at {head} with {lines.Count} line comment(s).";
    }

    /// <summary>Each comment must name a file the pull request changes and a line its new version has; refused whole otherwise, nothing posted.</summary>
    private async Task<List<CreatePullReviewComment>> CheckLineCommentsAsync(long number, string head, IReadOnlyList<ReviewLineComment> comments, CancellationToken cancellationToken)
    {
        if (comments.Count == 0)
        {
            return [];
        }

        var changed = new Dictionary<string, GiteaChangedFile>(StringComparer.Ordinal);
        await foreach (GiteaChangedFile file in _client.ListPullRequestFilesAsync(_owner, _repo, number, cancellationToken).ConfigureAwait(false))
        {
            changed[file.Filename] = file;
        }

        var checkedComments = new List<CreatePullReviewComment>(comments.Count);
        var lineCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (ReviewLineComment comment in comments)
        {
            string path = comment.Path.Trim('/');
            if (!changed.TryGetValue(path, out GiteaChangedFile? file) || file.Status == "deleted")
            {
                throw new ArgumentException($"Line comment on {path}: #{number} does not change that file (it changes {string.Join(", ", changed.Keys)}). Nothing was posted.");
            }

            if (!lineCounts.TryGetValue(path, out int count))
            {
                GiteaContents content = await _client.Api.GetFileAsync(_owner, _repo, path, head, cancellationToken).ConfigureAwait(false);
                lineCounts[path] = count = LineCount(content.DecodeText() ?? string.Empty);
            }

            if (comment.Line < 1 || comment.Line > count)
            {
                throw new ArgumentException($"Line comment on {path}:{comment.Line}: the file has {count} lines at the head. Nothing was posted.");
            }

            checkedComments.Add(new CreatePullReviewComment { Path = path, NewPosition = comment.Line, Body = comment.Body });
        }

        return checkedComments;
    }

    private async Task<string> MergePullRequestAsync([Description("The pull request's number.")] long number, CancellationToken cancellationToken)
    {
        GiteaPullRequest pr = await _client.Api.GetPullRequestAsync(_owner, _repo, number, cancellationToken).ConfigureAwait(false);
        string head = pr.Head?.Sha ?? throw new InvalidOperationException($"#{number} has no head commit.");
        GiteaCombinedStatus statuses = await _client.Api.GetCombinedStatusAsync(_owner, _repo, head, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> blocking = StatusChecks.Blocking(statuses);
        if (statuses.Statuses.Count == 0 || blocking.Count > 0)
        {
            string why = blocking.Count > 0 ? string.Join(", ", blocking) : "no status check has reported";
            throw new ToolRuleRefusedException($"Not merged: {why} at {head}. A merge needs every status check green at the head.");
        }

        // head_commit_id: the merge happens at the commit whose statuses were read, or not at all (409 "head out of date").
        GiteaMergeOutcome outcome = await _client.MergeAsync(_owner, _repo, number, GiteaMergeStyle.Merge, head, cancellationToken).ConfigureAwait(false);
        return $"#{number} {(outcome == GiteaMergeOutcome.AlreadyMerged ? "was already merged" : "merged")} at {head}.";
    }

    private static int LineCount(string text) => text.Length == 0 ? 0 : text.Split('\n').Length - (text.EndsWith('\n') ? 1 : 0);
}
