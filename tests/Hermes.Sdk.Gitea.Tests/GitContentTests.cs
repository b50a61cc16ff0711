using System.Diagnostics;
using System.Globalization;

namespace Hermes.Sdk.Gitea.Tests;

/// <summary>
/// Branches, the contents API, trees, a pull request's files and diff, and review line comments — each checked against
/// what Gitea's source does (the rows are in the forge's XML docs) and, for every object id and diff, against the real
/// <c>git</c> binary fed the same files.
/// </summary>
public sealed class GitContentTests
{
    private const string O = ForgeFixture.Owner;
    private const string R = ForgeFixture.Repo;

    [Fact]
    public async Task Branches_are_created_once_from_an_existing_ref()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        GiteaBranch main = await fx.Api.GetBranchAsync(O, R, "main");

        GiteaBranch made = await fx.Api.CreateBranchAsync(O, R, new CreateBranchRepoOption { NewBranchName = "hermes/worker-1/7", OldRefName = "main" });

        Assert.Equal(main.Commit!.Id, made.Commit!.Id);
        Assert.Equal(made.Commit.Id, (await fx.Api.GetBranchAsync(O, R, "hermes/worker-1/7")).Commit!.Id);
        var again = await Assert.ThrowsAsync<GiteaConflictException>(() => fx.Api.CreateBranchAsync(O, R, new CreateBranchRepoOption { NewBranchName = "hermes/worker-1/7" }));
        Assert.Equal("The branch already exists.", again.GiteaMessage);
        await Assert.ThrowsAsync<GiteaNotFoundException>(() => fx.Api.CreateBranchAsync(O, R, new CreateBranchRepoOption { NewBranchName = "x", OldRefName = "nope" }));
        await Assert.ThrowsAsync<GiteaNotFoundException>(() => fx.Api.GetBranchAsync(O, R, "nope"));
        Assert.Empty(fx.SpecViolations);
    }

    [Fact]
    public async Task A_ref_with_slashes_names_its_branch_in_every_path_parameter()
    {
        // Clients send hermes/worker-1/7 as one segment, hermes%2Fworker-1%2F7; Gitea unescapes every path parameter
        // (services/context/base_path.go PathParam), so the tree and the statuses at that ref are the branch's.
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        const string Branch = "hermes/worker-1/7";
        await fx.Api.CreateBranchAsync(O, R, new CreateBranchRepoOption { NewBranchName = Branch, OldRefName = "main" });
        GiteaFileResponse created = await fx.Api.CreateFileAsync(O, R, "limits.txt", new CreateFileOptions { Content = GiteaContent.Encode("limit = 10\n"), Branch = Branch });
        await fx.Api.CreateStatusAsync(O, R, created.Commit!.Sha, new CreateStatusOption { State = "failure", Context = "ci/tests" });

        GiteaTree tree = await fx.Api.GetTreeAsync(O, R, Branch, recursive: true);
        GiteaCombinedStatus statuses = await fx.Api.GetCombinedStatusAsync(O, R, Branch);

        Assert.Contains(tree.Tree, e => e.Path == "limits.txt");
        Assert.Equal(created.Commit.Sha, statuses.Sha);
        Assert.Equal("failure", Assert.Single(statuses.Statuses).Status);
        Assert.Equal(Branch, (await fx.Api.GetBranchAsync(O, R, Branch)).Name);
        Assert.Empty(fx.SpecViolations);
    }

    [Fact]
    public async Task File_writes_are_a_compare_and_swap_on_the_blob_sha()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        await fx.Api.CreateBranchAsync(O, R, new CreateBranchRepoOption { NewBranchName = "work" });

        GiteaFileResponse created = await fx.Api.CreateFileAsync(O, R, "src/api/limits.cs", new CreateFileOptions { Content = GiteaContent.Encode("limit = 10\n"), Branch = "work", Message = "Add limits" });
        Assert.Equal(await GitAsync(null, "hash-object --stdin", "limit = 10\n"), created.Content!.Sha);
        var exists = await Assert.ThrowsAsync<GiteaValidationException>(() => fx.Api.CreateFileAsync(O, R, "src/api/limits.cs", new CreateFileOptions { Content = GiteaContent.Encode("x"), Branch = "work" }));
        Assert.StartsWith("repository file already exists", exists.GiteaMessage, StringComparison.Ordinal);

        GiteaContents read = await fx.Api.GetFileAsync(O, R, "src/api/limits.cs", "work");
        Assert.Equal("limit = 10\n", read.DecodeText());
        GiteaFileResponse updated = await fx.Api.UpdateFileAsync(O, R, "src/api/limits.cs", new UpdateFileOptions { Content = GiteaContent.Encode("limit = 20\n"), Sha = read.Sha, Branch = "work" });
        Assert.Equal("limit = 20\n", (await fx.Api.GetFileAsync(O, R, "src/api/limits.cs", "work")).DecodeText());

        // A writer holding the old SHA loses: 422 "sha does not match" (models.ErrSHADoesNotMatch → handleChangeRepoFilesError).
        var stale = await Assert.ThrowsAsync<GiteaValidationException>(() => fx.Api.UpdateFileAsync(O, R, "src/api/limits.cs", new UpdateFileOptions { Content = GiteaContent.Encode("limit = 30\n"), Sha = read.Sha, Branch = "work" }));
        Assert.StartsWith("sha does not match", stale.GiteaMessage, StringComparison.Ordinal);
        Assert.Equal(updated.Content!.Sha, (await fx.Api.GetFileAsync(O, R, "src/api/limits.cs", "work")).Sha);

        await Assert.ThrowsAsync<GiteaNotFoundException>(() => fx.Api.UpdateFileAsync(O, R, "missing.txt", new UpdateFileOptions { Content = GiteaContent.Encode("x"), Sha = read.Sha, Branch = "work" }));
        await Assert.ThrowsAsync<GiteaNotFoundException>(() => fx.Api.CreateFileAsync(O, R, "a.txt", new CreateFileOptions { Content = GiteaContent.Encode("x"), Branch = "no-such-branch" }));
        await Assert.ThrowsAsync<GiteaValidationException>(() => fx.Api.CreateFileAsync(O, R, "src/api/limits.cs/inner.txt", new CreateFileOptions { Content = GiteaContent.Encode("x"), Branch = "work" }));
        await Assert.ThrowsAsync<GiteaNotFoundException>(() => fx.Api.GetFileAsync(O, R, "src/api/limits.cs", "main"));
        Assert.Empty(fx.SpecViolations);
    }

    [Fact]
    public async Task Directories_and_trees_list_what_git_would_and_tree_ids_are_gits()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        var files = new Dictionary<string, string> { ["README.md"] = $"# {R}\n", ["src/a.cs"] = "class A {}\n", ["src/b/c.cs"] = "class C {}\n", ["src-x.txt"] = "dash sorts before slash\n" };
        foreach ((string path, string text) in files.Where(f => f.Key != "README.md"))
        {
            await fx.Api.CreateFileAsync(O, R, path, new CreateFileOptions { Content = GiteaContent.Encode(text) });
        }

        List<GiteaContents> src = await fx.Api.ListDirectoryAsync(O, R, "src");
        Assert.Equal([("a.cs", "file"), ("b", "dir")], src.Select(e => (e.Name, e.Type)).OrderBy(e => e.Name, StringComparer.Ordinal));
        Assert.All(src, e => Assert.Null(e.Content));

        GiteaTree tree = await fx.Api.GetTreeAsync(O, R, "main", recursive: true);
        Assert.Equal(["README.md", "src", "src-x.txt", "src/a.cs", "src/b", "src/b/c.cs"], tree.Tree.Select(e => e.Path).Order(StringComparer.Ordinal));
        using TempRepo git = await TempRepo.CreateAsync(files);
        Assert.Equal(await git.RunAsync("write-tree"), tree.Sha);
        Assert.Equal(await git.RunAsync("rev-parse HEAD:src/b"), tree.Tree.Single(e => e.Path == "src/b").Sha);
        Assert.Empty(fx.SpecViolations);
    }

    [Fact]
    public async Task A_pull_requests_files_and_diff_are_what_git_diff_gives()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        string before = string.Join('\n', Enumerable.Range(1, 30).Select(i => $"line {i}")) + "\n";
        string after = before.Replace("line 3\n", "line three\n", StringComparison.Ordinal).Replace("line 20\n", "line 20\nline 20b\n", StringComparison.Ordinal).Replace("line 30\n", "line 30", StringComparison.Ordinal);
        await fx.Api.CreateFileAsync(O, R, "api/server.cs", new CreateFileOptions { Content = GiteaContent.Encode(before) });
        await fx.Api.CreateFileAsync(O, R, "old.txt", new CreateFileOptions { Content = GiteaContent.Encode("gone\n") });
        await fx.Api.CreateBranchAsync(O, R, new CreateBranchRepoOption { NewBranchName = "feature" });
        GiteaContents server = await fx.Api.GetFileAsync(O, R, "api/server.cs", "feature");
        await fx.Api.UpdateFileAsync(O, R, "api/server.cs", new UpdateFileOptions { Content = GiteaContent.Encode(after), Sha = server.Sha, Branch = "feature" });
        await fx.Api.CreateFileAsync(O, R, "api/rate_limit.cs", new CreateFileOptions { Content = GiteaContent.Encode("one\ntwo\n"), Branch = "feature" });
        // A commit to main after the branch: not part of the pull request (the diff is from the merge base).
        await fx.Api.CreateFileAsync(O, R, "later-on-main.txt", new CreateFileOptions { Content = GiteaContent.Encode("main moved\n") });
        GiteaPullRequest pr = await fx.Api.CreatePullRequestAsync(O, R, new CreatePullRequestOption { Head = "feature", Base = "main", Title = "rate limits" });

        string diff = await fx.Api.GetPullRequestDiffAsync(O, R, pr.Number);
        List<GiteaChangedFile> changed = (await fx.Api.ListPullRequestFilesAsync(O, R, pr.Number)).Content!;

        var baseFiles = new Dictionary<string, string> { ["README.md"] = $"# {R}\n", ["api/server.cs"] = before, ["old.txt"] = "gone\n" };
        var headFiles = new Dictionary<string, string>(baseFiles) { ["api/server.cs"] = after, ["api/rate_limit.cs"] = "one\ntwo\n" };
        using TempRepo git = await TempRepo.CreateAsync(baseFiles);
        string baseCommit = await git.RunAsync("rev-parse HEAD");
        await git.CommitAsync(headFiles);
        Assert.Equal(await git.RunAsync($"diff {baseCommit} HEAD", trim: false), diff);
        string numstat = await git.RunAsync($"diff --numstat {baseCommit} HEAD");
        Assert.Equal(
            numstat.Split('\n').Select(l => l.Split('\t')).Select(p => (p[2], int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture))).OrderBy(p => p.Item1, StringComparer.Ordinal),
            changed.Select(f => (f.Filename, f.Additions, f.Deletions)).OrderBy(p => p.Filename, StringComparer.Ordinal));
        Assert.Equal("added", changed.Single(f => f.Filename == "api/rate_limit.cs").Status);
        Assert.Empty(fx.SpecViolations);
    }

    [Fact]
    public async Task Review_line_comments_land_on_the_line_they_name()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        GiteaPullRequest pr = await fx.OpenPullAsync("feature", "pr", "api/auth.cs", "using System;\nvar token = Request.Query[\"token\"];\nLog(token);\n");
        GiteaClient strategist = fx.AddAgent("strategist-1");

        GiteaPullReview review = await strategist.Api.CreateReviewAsync(O, R, pr.Number, new CreatePullReviewOptions
        {
            Event = "REQUEST_CHANGES",
            Body = "The token is logged.",
            Comments = [new CreatePullReviewComment { Path = "api/auth.cs", NewPosition = 3, Body = "This logs a secret." }],
        });
        List<GiteaPullReviewComment> comments = await strategist.Api.ListReviewCommentsAsync(O, R, pr.Number, review.Id);

        GiteaPullReviewComment comment = Assert.Single(comments);
        Assert.Equal(1, review.CommentsCount);
        Assert.Equal(("api/auth.cs", 3L, 0L), (comment.Path, comment.Position, comment.OriginalPosition));
        Assert.Equal(pr.Head!.Sha, comment.CommitId);
        Assert.EndsWith("+Log(token);", comment.DiffHunk, StringComparison.Ordinal);
        var empty = await Assert.ThrowsAsync<GiteaValidationException>(() => strategist.Api.CreateReviewAsync(O, R, pr.Number, new CreatePullReviewOptions { Event = "COMMENT" }));
        Assert.Contains("requires a body", empty.GiteaMessage, StringComparison.Ordinal);
        Assert.Empty(fx.SpecViolations);
    }

    private static async Task<string> GitAsync(string? directory, string arguments, string? input = null, bool trim = true)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, UseShellExecute = false, WorkingDirectory = directory ?? Path.GetTempPath() };
        foreach (string a in arguments.Split(' '))
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["HOME"] = directory ?? Path.GetTempPath();
        using Process git = Process.Start(start)!;
        if (input is not null)
        {
            await git.StandardInput.WriteAsync(input);
            git.StandardInput.Close();
        }

        string output = await git.StandardOutput.ReadToEndAsync();
        string error = await git.StandardError.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.True(git.ExitCode == 0, $"git {arguments}: {error}");
        return trim ? output.Trim() : output;
    }

    /// <summary>A throwaway repository of the real git, to compute what git says for the same files.</summary>
    private sealed class TempRepo : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("hermes-git-").FullName;

        public static async Task<TempRepo> CreateAsync(IReadOnlyDictionary<string, string> files)
        {
            var repo = new TempRepo();
            await repo.RunAsync("init -q -b main");
            await repo.RunAsync("config user.email t@example.invalid");
            await repo.RunAsync("config user.name t");
            await repo.CommitAsync(files);
            return repo;
        }

        public async Task CommitAsync(IReadOnlyDictionary<string, string> files)
        {
            foreach (string existing in Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.git/", StringComparison.Ordinal)))
            {
                File.Delete(existing);
            }

            foreach ((string path, string text) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_dir, path))!);
                await File.WriteAllTextAsync(Path.Combine(_dir, path), text);
            }

            await RunAsync("add -A");
            await RunAsync("commit -q -m change");
        }

        public Task<string> RunAsync(string arguments, bool trim = true) => GitAsync(_dir, arguments, trim: trim);

        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }
}
