using System.Text;
using Hermes.Sdk.Gitea.Testing.Git;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hermes.Sdk.Gitea.Testing;

/// <summary>
/// Branches, the contents API and git trees, as Gitea 1.26 serves them:
/// <list type="bullet">
/// <item>POST /branches (routers/api/v1/repo/branch.go CreateBranch): 201 Branch; 404 "Git Repository is empty." or
/// "The old branch does not exist"; 409 "The branch already exists.".</item>
/// <item>POST/PUT /contents/{path} (routers/api/v1/repo/file.go, handleChangeRepoFilesError; the checks are
/// services/repository/files/update.go ChangeRepoFiles and handleCheckErrors): the branch must exist (404; an empty
/// repository excepted), a <c>new_branch</c> must not (422); a create of an existing file is 422 "repository file
/// already exists"; an update of a missing file is 404; an update whose <c>sha</c> is not the file's blob SHA is 422
/// "sha does not match" — the compare-and-swap — and an update without <c>sha</c> overwrites (ChangeRepoFiles fills
/// LastCommitID with the branch head, so ErrSHAOrCommitIDNotProvided is unreachable from the API); a file where a
/// directory must go, or the reverse, is 422. Create answers 201, update 200, both with FileResponse.</item>
/// <item>GET /contents/{path}: a file with its base64 content, or a directory's entries without; 404 for an unknown
/// ref or path.</item>
/// </list>
/// </summary>
public sealed partial class GiteaTestServer
{
    private void MapContents(RouteGroupBuilder api)
    {
        api.MapGet("/repos/{owner}/{repo}/branches", (HttpContext c, string owner, string repo) => WithRepo(c, owner, repo, r =>
        {
            List<GiteaBranch> branches;
            lock (_gate)
            {
                branches = [.. r.Git.Branches.Select(b => ToBranch(b.Key, b.Value))];
            }

            return WritePageAsync(c, branches, Ctx.ListGiteaBranch);
        }));
        api.MapGet("/repos/{owner}/{repo}/branches/{**branch}", (HttpContext c, string owner, string repo, string branch) => WithRepo(c, owner, repo, r =>
        {
            TestCommit? head;
            lock (_gate)
            {
                head = r.Git.Branch(branch);
            }

            return head is null ? WriteErrorAsync(c, 404, "branch does not exist") : WriteJsonAsync(c, ToBranch(branch, head), Ctx.GiteaBranch);
        }));
        api.MapPost("/repos/{owner}/{repo}/branches", CreateBranchAsync);
        api.MapGet("/repos/{owner}/{repo}/contents", (HttpContext c, string owner, string repo) => GetContentsAsync(c, owner, repo, string.Empty));
        api.MapGet("/repos/{owner}/{repo}/contents/{**path}", GetContentsAsync);
        api.MapPost("/repos/{owner}/{repo}/contents/{**path}", (HttpContext c, string owner, string repo, string path) => ChangeFileAsync(c, owner, repo, path, create: true));
        api.MapPut("/repos/{owner}/{repo}/contents/{**path}", (HttpContext c, string owner, string repo, string path) => ChangeFileAsync(c, owner, repo, path, create: false));
        api.MapGet("/repos/{owner}/{repo}/git/trees/{sha}", GetTreeAsync);
    }

    private static GiteaBranch ToBranch(string name, TestCommit head) => new()
    {
        Name = name,
        Commit = new GiteaPayloadCommit { Id = head.Sha, Message = head.Message, Timestamp = head.When },
        UserCanPush = true,
    };

    private async Task CreateBranchAsync(HttpContext c, string owner, string repo)
    {
        CreateBranchRepoOption? body = await ReadAsync(c, Ctx.CreateBranchRepoOption).ConfigureAwait(false);
        await WithRepo(c, owner, repo, r =>
        {
            if (body is null || string.IsNullOrWhiteSpace(body.NewBranchName))
            {
                return WriteErrorAsync(c, 422, "BranchName: required");
            }

            TestCommit? from;
            lock (_gate)
            {
                if (r.Git.IsEmpty)
                {
                    return WriteErrorAsync(c, 404, "Git Repository is empty.");
                }

                from = r.Git.Resolve(body.OldRefName);
                if (from is null)
                {
                    return WriteErrorAsync(c, 404, "The old branch does not exist");
                }

                if (r.Git.Branch(body.NewBranchName) is not null)
                {
                    return WriteErrorAsync(c, 409, "The branch already exists.");
                }

                r.Git.SetBranch(body.NewBranchName, from);
            }

            return WriteJsonAsync(c, ToBranch(body.NewBranchName, from), Ctx.GiteaBranch, 201);
        }).ConfigureAwait(false);
    }

    private Task GetContentsAsync(HttpContext c, string owner, string repo, string path) => WithRepo(c, owner, repo, r =>
    {
        path = path.Trim('/');
        string? reference = c.Request.Query["ref"].FirstOrDefault();
        lock (_gate)
        {
            TestCommit? at = r.Git.Resolve(reference);
            if (at is null)
            {
                return WriteErrorAsync(c, 404, $"object does not exist [id: {reference}, rel_path: ]");
            }

            if (at.Files.TryGetValue(path, out string? text))
            {
                return WriteJsonAsync(c, ToContents(at, path, text, withContent: true), Ctx.GiteaContents);
            }

            if (!at.IsDirectory(path))
            {
                return WriteErrorAsync(c, 404, $"object does not exist [id: {at.Sha}, rel_path: {path}]");
            }

            List<GiteaContents> entries = [.. GitObjects.ChildrenOf(at.Files.Keys, path).Select(child =>
            {
                string full = path.Length == 0 ? child.Key : $"{path}/{child.Key}";
                return at.Files.TryGetValue(full, out string? file)
                    ? ToContents(at, full, file, withContent: false)
                    : new GiteaContents { Name = child.Key, Path = full, Type = "dir", Sha = GitObjects.TreeSha(at.Files, full), LastCommitSha = at.LastCommitOf(full).Sha };
            })];
            return WriteJsonAsync(c, entries, Ctx.ListGiteaContents);
        }
    });

    private static GiteaContents ToContents(TestCommit at, string path, string text, bool withContent) => new()
    {
        Name = path[(path.LastIndexOf('/') + 1)..],
        Path = path,
        Type = "file",
        Sha = GitObjects.BlobSha(text),
        Size = Encoding.UTF8.GetByteCount(text),
        Encoding = withContent ? "base64" : null,
        Content = withContent ? Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) : null,
        LastCommitSha = at.LastCommitOf(path).Sha,
    };

    private async Task ChangeFileAsync(HttpContext c, string owner, string repo, string path, bool create)
    {
        (string? content, string? sha, string? message, string? branch, string? newBranch) = create
            ? await ReadAsync(c, Ctx.CreateFileOptions).ConfigureAwait(false) is { } made ? (made.Content, null, made.Message, made.Branch, made.NewBranch) : default
            : await ReadAsync(c, Ctx.UpdateFileOptions).ConfigureAwait(false) is { } edit ? (edit.Content, edit.Sha, edit.Message, edit.Branch, edit.NewBranch) : default;
        await WithRepo(c, owner, repo, r =>
        {
            path = path.Trim('/');
            string text;
            try
            {
                text = Encoding.UTF8.GetString(Convert.FromBase64String(content ?? throw new FormatException("content is required")));
            }
            catch (FormatException ex)
            {
                return WriteErrorAsync(c, 422, ex.Message);
            }

            if (path.Length == 0 || path.Split('/').Any(p => p is "" or "." or ".." or ".git"))
            {
                return WriteErrorAsync(c, 422, $"path contains a malformed path component [path: {path}]");
            }

            TestCommit written;
            string target;
            lock (_gate)
            {
                string from = string.IsNullOrEmpty(branch) ? r.Git.DefaultBranch : branch;
                target = string.IsNullOrEmpty(newBranch) ? from : newBranch;
                TestCommit? head = r.Git.Branch(from);
                if (head is null && !r.Git.IsEmpty)
                {
                    return WriteErrorAsync(c, 404, $"branch does not exist [name: {from}]");
                }

                if (target != from && r.Git.Branch(target) is not null)
                {
                    return WriteErrorAsync(c, 422, $"branch already exists [name: {target}]");
                }

                string? current = head?.Files.GetValueOrDefault(path);
                if (!create && current is null)
                {
                    return WriteErrorAsync(c, 404, $"object does not exist [id: {head?.Sha}, rel_path: {path}]");
                }

                if (!create && !string.IsNullOrEmpty(sha) && sha != GitObjects.BlobSha(current!))
                {
                    return WriteErrorAsync(c, 422, $"sha does not match [given: {sha}, expected: {GitObjects.BlobSha(current!)}]");
                }

                if (head is not null && PathConflict(head, path) is { } conflict)
                {
                    return WriteErrorAsync(c, 422, conflict);
                }

                if (create && current is not null)
                {
                    return WriteErrorAsync(c, 422, $"repository file already exists [path: {path}]");
                }

                string subject = string.IsNullOrWhiteSpace(message) ? $"{(create ? "Add" : "Update")} {path}" : message.Trim();
                written = r.Git.Commit(head, [new(path, text)], subject, Caller(c).User);
                r.Git.SetBranch(target, written);
            }

            var response = new GiteaFileResponse
            {
                Content = ToContents(written, path, text, withContent: true),
                Commit = new GiteaFileCommit { Sha = written.Sha, Message = written.Message, HtmlUrl = $"{r.Repository.HtmlUrl}/commit/{written.Sha}" },
            };
            return WriteJsonAsync(c, response, Ctx.GiteaFileResponse, create ? 201 : 200);
        }).ConfigureAwait(false);
    }

    /// <summary>handleCheckErrors' path walk: no part of the path but the last may be a file, and the last may not be a directory.</summary>
    private static string? PathConflict(TestCommit head, string path)
    {
        string[] parts = path.Split('/');
        for (int i = 1; i < parts.Length; i++)
        {
            string prefix = string.Join('/', parts[..i]);
            if (head.Files.ContainsKey(prefix))
            {
                return $"a file exists where you’re trying to create a subdirectory [path: {prefix}]";
            }
        }

        return head.IsDirectory(path) ? $"a directory exists where you’re trying to create a file [path: {path}]" : null;
    }

    /// <summary>GET git/trees/{sha} (routers/api/v1/repo/tree.go): a commit SHA, tree SHA or ref; <c>recursive</c>; paged by <c>per_page</c> (default 1000).</summary>
    private Task GetTreeAsync(HttpContext c, string owner, string repo, string sha) => WithRepo(c, owner, repo, r =>
    {
        bool recursive = ParseBool(c.Request.Query["recursive"].FirstOrDefault());
        int page = int.TryParse(c.Request.Query["page"].FirstOrDefault(), out int p) && p > 0 ? p : 1;
        int perPage = int.TryParse(c.Request.Query["per_page"].FirstOrDefault(), out int pp) && pp > 0 ? pp : 1000;
        lock (_gate)
        {
            TestCommit? at = r.Git.Resolve(sha) ?? r.Git.Branches.Values.SelectMany(b => b.History()).FirstOrDefault(h => h.TreeSha == sha);
            if (at is null)
            {
                return WriteErrorAsync(c, 400, $"sha {sha} not found");
            }

            List<GiteaTreeEntry> all = [.. TreeEntries(at, string.Empty, recursive)];
            var tree = new GiteaTree
            {
                Sha = at.TreeSha,
                Tree = [.. all.Skip((page - 1) * perPage).Take(perPage)],
                Truncated = page * perPage < all.Count,
                Page = page,
                TotalCount = all.Count,
            };
            return WriteJsonAsync(c, tree, Ctx.GiteaTree);
        }
    });

    /// <summary>Go's strconv.ParseBool, which ctx.FormBool uses: 1, t, T, TRUE, true and True are true.</summary>
    private static bool ParseBool(string? value) => value is "1" or "t" or "T" or "TRUE" or "true" or "True";

    private static IEnumerable<GiteaTreeEntry> TreeEntries(TestCommit at, string prefix, bool recursive)
    {
        foreach (IGrouping<string, string> child in GitObjects.ChildrenOf(at.Files.Keys, prefix).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            string full = prefix.Length == 0 ? child.Key : $"{prefix}/{child.Key}";
            if (at.Files.TryGetValue(full, out string? text))
            {
                yield return new GiteaTreeEntry { Path = full, Mode = "100644", Type = "blob", Size = Encoding.UTF8.GetByteCount(text), Sha = GitObjects.BlobSha(text) };
                continue;
            }

            yield return new GiteaTreeEntry { Path = full, Mode = "040000", Type = "tree", Sha = GitObjects.TreeSha(at.Files, full) };
            if (recursive)
            {
                foreach (GiteaTreeEntry nested in TreeEntries(at, full, recursive))
                {
                    yield return nested;
                }
            }
        }
    }
}
