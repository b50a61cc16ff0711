using System.Security.Cryptography;
using Hermes.Sdk.Gitea.Testing.Git;

namespace Hermes.Sdk.Gitea.Testing;

/// <summary>Whether a pull request can be merged right now (the test decides).</summary>
public enum TestMergeability
{
    /// <summary>It merges.</summary>
    Mergeable,

    /// <summary>Gitea is still computing mergeability: 405 "Please try again later".</summary>
    Checking,

    /// <summary>
    /// Gitea's background check found a conflict: the pull request shows <c>mergeable: false</c>, and a merge attempt
    /// answers 405 "Please try again later" like <see cref="Checking"/> (services/pull/check.go:164-165).
    /// </summary>
    Conflict,

    /// <summary>The check had passed, but the merge itself meets a conflict: 409 with Gitea's Go error struct as the body.</summary>
    ConflictWhileMerging,
}

public sealed partial class GiteaTestServer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, UserState> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TokenState> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RepoState> _repos = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Fault> _faults = [];
    private long _nextId = 1000;

    /// <summary>Creates a user directly (no HTTP). Admins may use the admin endpoints.</summary>
    /// <param name="login">User name.</param>
    /// <param name="password">Password (for Basic auth).</param>
    /// <param name="isAdmin">Site admin.</param>
    /// <returns>The user.</returns>
    public GiteaUser AddUser(string login, string password, bool isAdmin = false)
    {
        lock (_gate)
        {
            var user = new UserState(new GiteaUser { Id = NextId(), Login = login, Email = $"{login}@forge.test", IsAdmin = isAdmin, Active = true }, password, MustChangePassword: false);
            _users.Add(login, user);
            return user.User;
        }
    }

    /// <summary>Issues a token for a user directly (no HTTP).</summary>
    /// <param name="login">User name.</param>
    /// <param name="scopes">The token's scopes, enforced as Gitea does (e.g. <c>write:issue</c>, <c>read:repository</c>, <c>all</c>).</param>
    /// <returns>The token's secret.</returns>
    public string AddToken(string login, params string[] scopes)
    {
        lock (_gate)
        {
            return IssueToken(_users[login], $"token-{NextId()}", scopes).Sha1!;
        }
    }

    /// <summary>
    /// Creates a repository directly (no HTTP). Its owner (when a user) and site admins administer it; others need
    /// <see cref="AddCollaborator"/> to write, and cannot even see it when it is private.
    /// </summary>
    /// <param name="owner">Owner (a user or organisation name).</param>
    /// <param name="name">Name.</param>
    /// <param name="isPrivate">Private: invisible (404) to anyone without access.</param>
    /// <returns>The repository.</returns>
    public GiteaRepository AddRepo(string owner, string name, bool isPrivate = false)
    {
        lock (_gate)
        {
            return CreateRepo(owner, name, null, isPrivate, autoInit: true).Repository;
        }
    }

    /// <summary>
    /// Forgets a repository: its issues, pull requests, labels and the requests counted against its paths — so that a
    /// long run (a benchmark making a fresh repository per iteration) does not keep every one it made.
    /// </summary>
    /// <param name="owner">Owner.</param>
    /// <param name="name">Name.</param>
    /// <returns>Whether there was such a repository.</returns>
    public bool RemoveRepo(string owner, string name)
    {
        lock (_gate)
        {
            if (!_repos.Remove($"{owner}/{name}"))
            {
                return false;
            }

            string root = $"/api/v1/repos/{owner}/{name}";
            foreach ((string Method, string Path) key in _requestCounts.Keys
                .Where(k => k.Path.Equals(root, StringComparison.OrdinalIgnoreCase) || k.Path.StartsWith(root + "/", StringComparison.OrdinalIgnoreCase))
                .ToList())
            {
                _requestCounts.Remove(key);
            }

            return true;
        }
    }

    /// <summary>Sets whether a pull request can be merged.</summary>
    /// <param name="owner">Owner.</param>
    /// <param name="repo">Repository.</param>
    /// <param name="index">The pull request's number.</param>
    /// <param name="mergeability">What a merge attempt meets.</param>
    public void SetMergeability(string owner, string repo, long index, TestMergeability mergeability)
    {
        lock (_gate)
        {
            _repos[$"{owner}/{repo}"].Pulls[index].Mergeability = mergeability;
        }
    }

    /// <summary>Opens an issue directly, creating its labels where missing — quick seeding for tests and benchmarks.</summary>
    /// <param name="owner">Owner.</param>
    /// <param name="repo">Repository.</param>
    /// <param name="author">The author's login (an existing user).</param>
    /// <param name="title">Title.</param>
    /// <param name="labels">Label names.</param>
    /// <returns>The issue's number.</returns>
    public long AddIssue(string owner, string repo, string author, string title, params string[] labels)
    {
        lock (_gate)
        {
            RepoState state = _repos[$"{owner}/{repo}"];
            GiteaUser user = _users[author].User;
            var issue = new IssueState { Id = NextId(), Number = state.NextIndex, Title = title, Author = user };
            foreach (string name in labels)
            {
                GiteaLabel label = state.Labels.Find(l => l.Name == name) ?? new GiteaLabel { Id = NextId(), Name = name, Color = "cccccc" };
                if (!state.Labels.Contains(label))
                {
                    state.Labels.Add(label);
                }

                issue.Labels.Add(label);
                RecordEvent(issue, user, "label", label);
            }

            state.Issues.Add(issue);
            return issue.Number;
        }
    }

    /// <summary>Adds a repository label (another of the same name if one exists: Gitea allows duplicates).</summary>
    /// <param name="owner">Owner.</param>
    /// <param name="repo">Repository.</param>
    /// <param name="name">The label's name.</param>
    /// <param name="color">Its colour, six hex digits.</param>
    /// <returns>The label.</returns>
    public GiteaLabel AddLabel(string owner, string repo, string name, string color = "cccccc")
    {
        lock (_gate)
        {
            var label = new GiteaLabel { Id = NextId(), Name = name, Color = color };
            _repos[$"{owner}/{repo}"].Labels.Add(label);
            return label;
        }
    }

    /// <summary>Deletes a repository label, taking it off every issue (as deleting a label in Gitea's UI does).</summary>
    /// <param name="owner">Owner.</param>
    /// <param name="repo">Repository.</param>
    /// <param name="name">The label's name.</param>
    public void DeleteLabel(string owner, string repo, string name)
    {
        lock (_gate)
        {
            RepoState state = _repos[$"{owner}/{repo}"];
            state.Labels.RemoveAll(l => l.Name == name);
            foreach (IssueState issue in state.Issues)
            {
                issue.Labels.RemoveAll(l => l.Name == name);
            }
        }
    }

    /// <summary>Pushes a new commit to a pull request's head branch (it adds a file under <c>.pushes/</c>).</summary>
    /// <param name="owner">Owner.</param>
    /// <param name="repo">Repository.</param>
    /// <param name="index">The pull request's number.</param>
    /// <returns>The new head SHA.</returns>
    public string PushToHead(string owner, string repo, long index)
    {
        lock (_gate)
        {
            RepoState state = _repos[$"{owner}/{repo}"];
            PullState pull = state.Pulls[index];
            TestCommit head = state.Git.Branch(pull.HeadRef) ?? throw new InvalidOperationException($"the head branch {pull.HeadRef} is gone");
            int pushes = head.Files.Keys.Count(f => f.StartsWith(".pushes/", StringComparison.Ordinal));
            TestCommit pushed = state.Git.Commit(head, [new($".pushes/{pushes + 1}", $"push {pushes + 1}\n")], $"Push {pushes + 1}", head.Author);
            state.Git.SetBranch(pull.HeadRef, pushed);
            return pushed.Sha;
        }
    }

    /// <summary>Makes the next <paramref name="count"/> requests matching the method and path prefix answer <paramref name="status"/>.</summary>
    /// <param name="method">HTTP method.</param>
    /// <param name="pathPrefix">Path prefix, e.g. <c>/api/v1/repos/o/r/issues</c>.</param>
    /// <param name="status">The status to answer.</param>
    /// <param name="count">How many requests.</param>
    /// <param name="retryAfterSeconds">A Retry-After to send.</param>
    public void FailNext(string method, string pathPrefix, int status, int count = 1, int? retryAfterSeconds = null)
    {
        lock (_gate)
        {
            _faults.Add(new Fault(method, pathPrefix, status, retryAfterSeconds) { Remaining = count });
        }
    }

    /// <summary>How many requests reached the server (faults included), by <c>METHOD path</c>.</summary>
    /// <param name="method">HTTP method.</param>
    /// <param name="path">Exact path.</param>
    /// <returns>The count.</returns>
    public int RequestCount(string method, string path)
    {
        lock (_gate)
        {
            return _requestCounts.GetValueOrDefault((method, path));
        }
    }

    /// <summary>Every request so far, counted by <c>METHOD</c> and route shape (numbers replaced by <c>{n}</c>).</summary>
    /// <returns>Counts by route, e.g. <c>POST /api/v1/repos/fleet/work/issues/{n}/labels</c>.</returns>
    public IReadOnlyDictionary<string, int> RequestCountsByRoute()
    {
        lock (_gate)
        {
            return _requestCounts
                .GroupBy(kv => $"{kv.Key.Method} {System.Text.RegularExpressions.Regex.Replace(kv.Key.Path, "/[0-9]+(?=/|$)", "/{n}")}")
                .ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
        }
    }

    private readonly Dictionary<(string Method, string Path), int> _requestCounts = [];

    private long NextId() => ++_nextId;

    /// <summary>The next id for a timeline row: one allocated when the request arrived (ids before the lock), or a fresh one.</summary>
    private long NextEventId() => _reservedIds.Value is { Count: > 0 } reserved ? reserved.Dequeue() : NextId();

    /// <summary>Records a timeline event (caller holds the gate) and marks the issue updated, as Gitea does.</summary>
    private void RecordEvent(IssueState issue, GiteaUser doer, string type, GiteaLabel? label = null, bool added = true, GiteaUser? assignee = null, long? id = null, string? body = null)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        issue.Timeline.Add(new GiteaTimelineEvent
        {
            Id = id ?? NextEventId(),
            Type = type,
            Body = type == "label" ? (added ? GiteaTimelineEvent.LabelAdded : string.Empty) : body ?? string.Empty,
            User = doer,
            Label = label,
            Assignee = assignee,
            RemovedAssignee = assignee is not null && !added,
            CreatedAt = now,
            UpdatedAt = now,
        });
        issue.UpdatedAt = now;
    }

    private GiteaAccessToken IssueToken(UserState user, string name, IReadOnlyList<string> scopes)
    {
        string secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var token = new GiteaAccessToken { Id = NextId(), Name = name, Sha1 = secret, TokenLastEight = secret[^8..], Scopes = scopes };
        _tokens.Add(secret, new TokenState(user.User.Login, token));
        user.TokenNames.Add(name);
        return token;
    }

    private RepoState CreateRepo(string owner, string name, string? description, bool isPrivate, bool autoInit)
    {
        GiteaUser ownerUser = _users.TryGetValue(owner, out UserState? u) ? u.User : new GiteaUser { Id = NextId(), Login = owner };
        var repo = new RepoState(new GiteaRepository
        {
            Id = NextId(),
            Name = name,
            FullName = $"{owner}/{name}",
            Owner = ownerUser,
            Description = description,
            Private = isPrivate,
            DefaultBranch = "main",
            HtmlUrl = $"{BaseUrl}{owner}/{name}",
            CloneUrl = $"{BaseUrl}{owner}/{name}.git",
        });
        if (autoInit)
        {
            repo.Git.Initialize(ownerUser, name, description);
        }

        _repos.Add(repo.Repository.FullName, repo);
        return repo;
    }

    private sealed record UserState(GiteaUser User, string Password, bool MustChangePassword)
    {
        public List<string> TokenNames { get; } = [];
    }

    private sealed record TokenState(string Login, GiteaAccessToken Token);

    private sealed record Fault(string Method, string PathPrefix, int Status, int? RetryAfterSeconds)
    {
        public int Remaining { get; set; }
    }

    private sealed class RepoState(GiteaRepository repository)
    {
        public GiteaRepository Repository { get; } = repository;

        public TestGitRepository Git { get; } = new(repository.DefaultBranch ?? "main");

        /// <summary>The number the next issue or pull request gets.</summary>
        public long NextIndex => Issues.Count + 1;

        public List<GiteaLabel> Labels { get; } = [];

        /// <summary>
        /// Issues and pull requests, where number n is at n − 1: numbers are handed out in turn and never reused (the forge
        /// deletes none), so this is also their filing order.
        /// </summary>
        public List<IssueState> Issues { get; } = [];

        /// <summary>The issue or pull request with this number, or null.</summary>
        public IssueState? Find(long number) => number >= 1 && number <= Issues.Count ? Issues[(int)(number - 1)] : null;

        public Dictionary<long, PullState> Pulls { get; } = [];

        public Dictionary<string, List<GiteaCommitStatus>> Statuses { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, GiteaTestAccess> Collaborators { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    private sealed class IssueState
    {
        public required long Id { get; init; }

        public required long Number { get; init; }

        public required string Title { get; set; }

        public string? Body { get; set; }

        /// <summary>Grows with every change of the body (Gitea 1.26's content_version).</summary>
        public int ContentVersion { get; set; }

        public string State { get; set; } = "open";

        public required GiteaUser Author { get; init; }

        public List<GiteaLabel> Labels { get; } = [];

        public List<GiteaUser> Assignees { get; } = [];

        public List<GiteaComment> Comments { get; } = [];

        /// <summary>Comments and events in the order recorded (ids from the one sequence, as Gitea's comment table).</summary>
        public List<GiteaTimelineEvent> Timeline { get; } = [];

        public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

        public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

        public DateTimeOffset? ClosedAt { get; set; }

        public bool IsPull { get; init; }
    }

    private sealed class PullState
    {
        public required long Id { get; init; }

        public required string HeadRef { get; init; }

        public required string BaseRef { get; init; }

        /// <summary>The head as it was merged (the branch may move or go afterwards).</summary>
        public TestCommit? MergedHead { get; set; }

        /// <summary>The base as it was before the merge.</summary>
        public TestCommit? MergedBase { get; set; }

        public TestMergeability Mergeability { get; set; }

        public bool Merged { get; set; }

        public DateTimeOffset? MergedAt { get; set; }

        public string? MergeCommitSha { get; set; }

        public List<GiteaPullReview> Reviews { get; } = [];

        public List<GiteaPullReviewComment> ReviewComments { get; } = [];
    }
}
