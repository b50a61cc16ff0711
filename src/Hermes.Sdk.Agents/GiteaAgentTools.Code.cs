using System.ComponentModel;
using System.Globalization;
using System.Text;
using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.Agents;

/// <summary>The code tools: files and trees, the worker's branches, file writes and pull requests.</summary>
public sealed partial class GiteaAgentTools
{
    private async Task<string> ReadFileAsync(
        [Description("The file's path from the repository root.")] string path,
        [Description("A branch, tag or commit; empty for the default branch.")] string? reference = null,
        CancellationToken cancellationToken = default)
    {
        GiteaContents file = await _client.Api.GetFileAsync(_owner, _repo, path.Trim('/'), string.IsNullOrWhiteSpace(reference) ? null : reference, cancellationToken).ConfigureAwait(false);
        string text = file.DecodeText() ?? throw new InvalidOperationException($"{path} is a {file.Type}, not a file with text.");
        var output = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{file.Path} at {(string.IsNullOrWhiteSpace(reference) ? "the default branch" : reference)}: sha {file.Sha}, {file.Size} bytes").AppendLine();
        Quote(output, "file", text);
        return Cut(output.ToString());
    }

    private async Task<string> ListFilesAsync(
        [Description("A branch, tag or commit; empty for the default branch.")] string? reference = null,
        [Description("Only files under this folder; empty for all.")] string? folder = null,
        CancellationToken cancellationToken = default)
    {
        string at = string.IsNullOrWhiteSpace(reference) ? await DefaultBranchAsync(cancellationToken).ConfigureAwait(false) : reference;
        string prefix = string.IsNullOrWhiteSpace(folder) ? string.Empty : folder.Trim('/') + "/";
        var paths = new List<string>();
        for (int page = 1; ; page++)
        {
            GiteaTree tree = await _client.Api.GetTreeAsync(_owner, _repo, at, recursive: true, page: page, cancellationToken: cancellationToken).ConfigureAwait(false);
            paths.AddRange(tree.Tree.Where(e => e.Type == "blob" && e.Path.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Path));
            if (!tree.Truncated || tree.Tree.Count == 0)
            {
                break;
            }
        }

        return paths.Count == 0 ? $"No files under '{prefix}' at {at}." : Cut($"{paths.Count} files at {at}:\n{string.Join('\n', paths)}");
    }

    private async Task<string> CreateBranchAsync(
        [Description("The new branch's name; it must start with your prefix.")] string name,
        [Description("The branch or commit it starts from; empty for the default branch.")] string? from = null,
        CancellationToken cancellationToken = default)
    {
        RequireOwnBranch(name);
        GiteaBranch branch = await _client.Api.CreateBranchAsync(_owner, _repo, new CreateBranchRepoOption { NewBranchName = name, OldRefName = string.IsNullOrWhiteSpace(from) ? null : from }, cancellationToken).ConfigureAwait(false);
        return $"Created branch {branch.Name} at {branch.Commit?.Id}.";
    }

    private async Task<string> WriteFileAsync(
        [Description("The branch to commit to (one of yours).")] string branch,
        [Description("The file's path from the repository root.")] string path,
        [Description("The file's whole new content.")] string content,
        [Description("The sha read_file gave for this file; empty only for a new file.")] string? sha = null,
        [Description("The commit message.")] string? message = null,
        CancellationToken cancellationToken = default)
    {
        string repoDefault = await DefaultBranchAsync(cancellationToken).ConfigureAwait(false);
        if (branch == repoDefault ? !_options.AllowDefaultBranchWrites : !branch.StartsWith(_options.BranchPrefix, StringComparison.Ordinal))
        {
            throw new ToolRuleRefusedException(branch == repoDefault
                ? $"Writing to the default branch ({repoDefault}) is not allowed for this agent: write to a branch under {_options.BranchPrefix} and open a pull request."
                : $"{branch} is not one of your branches: you may write only under {_options.BranchPrefix}.");
        }

        path = path.Trim('/');
        string commitMessage = string.IsNullOrWhiteSpace(message) ? $"Update {path}" : message.Trim();
        try
        {
            GiteaFileResponse written = string.IsNullOrWhiteSpace(sha)
                ? await _client.Api.CreateFileAsync(_owner, _repo, path, new CreateFileOptions { Content = GiteaContent.Encode(content), Branch = branch, Message = commitMessage }, cancellationToken).ConfigureAwait(false)
                : await _client.Api.UpdateFileAsync(_owner, _repo, path, new UpdateFileOptions { Content = GiteaContent.Encode(content), Sha = sha.Trim(), Branch = branch, Message = commitMessage }, cancellationToken).ConfigureAwait(false);
            return $"Committed {path} to {branch} ({written.Commit?.Sha}); its new sha is {written.Content?.Sha}.";
        }
        catch (GiteaValidationException ex) when (ex.GiteaMessage?.StartsWith("repository file already exists", StringComparison.Ordinal) == true)
        {
            throw new InvalidOperationException($"{path} already exists on {branch}: read it with read_file and pass its sha to replace it.", ex);
        }
        catch (GiteaValidationException ex) when (ex.GiteaMessage?.StartsWith("sha does not match", StringComparison.Ordinal) == true)
        {
            throw new InvalidOperationException($"{path} changed on {branch} since you read it (the sha you passed is no longer its sha): read it again and redo your change on the new content.", ex);
        }
    }

    private async Task<string> OpenPullRequestAsync(
        [Description("Your branch with the change.")] string branch,
        [Description("The pull request's title.")] string title,
        [Description("What changed and why, in markdown.")] string body,
        [Description("The number of the issue it closes.")] long issue,
        CancellationToken cancellationToken = default)
    {
        RequireOwnBranch(branch);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        string repoDefault = await DefaultBranchAsync(cancellationToken).ConfigureAwait(false);
        GiteaPullRequest pr = await _client.Api.CreatePullRequestAsync(_owner, _repo, new CreatePullRequestOption { Head = branch, Base = repoDefault, Title = title.Trim(), Body = WithClosingReference(body, issue) }, cancellationToken).ConfigureAwait(false);
        return $"Opened pull request #{pr.Number} ({pr.HtmlUrl}) from {branch} into {repoDefault}; it closes #{issue}.";
    }

    /// <summary>The body, ending with Gitea's closing keyword for the issue unless it already has it.</summary>
    /// <param name="body">The body the model wrote.</param>
    /// <param name="issue">The issue.</param>
    /// <returns>The body with <c>Closes #n</c>.</returns>
    internal static string WithClosingReference(string? body, long issue)
    {
        string text = (body ?? string.Empty).TrimEnd();
        string closes = $"Closes #{issue.ToString(CultureInfo.InvariantCulture)}";
        bool has = text.Split('\n').Any(line => line.Trim().TrimEnd('.').Equals(closes, StringComparison.OrdinalIgnoreCase));
        return has ? text : (text.Length == 0 ? closes : $"{text}\n\n{closes}");
    }

    /// <summary>The repository's default branch, read once.</summary>
    private async Task<string> DefaultBranchAsync(CancellationToken cancellationToken) =>
        _defaultBranch ??= (await _client.Api.GetRepoAsync(_owner, _repo, cancellationToken).ConfigureAwait(false)).DefaultBranch ?? "main";

    private void RequireOwnBranch(string branch)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(branch);
        if (!branch.StartsWith(_options.BranchPrefix, StringComparison.Ordinal) || branch.Length == _options.BranchPrefix.Length)
        {
            throw new ToolRuleRefusedException($"{branch} is not one of your branches: yours are named {_options.BranchPrefix}<something>.");
        }
    }
}
