using Hermes.Sdk.Gitea.Testing;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.Gitea.Tests;

/// <summary>A loopback forge with an agent account ("wolf-1", token in a private environment variable) and a repository.</summary>
internal sealed class ForgeFixture : IAsyncDisposable
{
    public const string Owner = "fleet";
    public const string Repo = "work";

    private ForgeFixture(GiteaTestServer server, string tokenVariable, string token)
    {
        Server = server;
        TokenVariable = tokenVariable;
        Token = token;
        Client = NewClient(tokenVariable);
    }

    public GiteaTestServer Server { get; }

    public string TokenVariable { get; }

    public string Token { get; }

    public GiteaClient Client { get; }

    public IGiteaApi Api => Client.Api;

    public CollectingLoggerProvider Logs { get; } = new();

    public static async Task<ForgeFixture> StartAsync(GiteaTestServerOptions? options = null)
    {
        GiteaTestServer server = await GiteaTestServer.StartAsync(options ?? new GiteaTestServerOptions());
        server.AddUser("wolf-1", "wolf-1-password");
        server.AddRepo(Owner, Repo);
        server.AddCollaborator(Owner, Repo, "wolf-1");
        string token = server.AddToken("wolf-1", "write:issue", "write:repository", "read:user");
        string variable = "HERMES_TEST_GITEA_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, token);
        return new ForgeFixture(server, variable, token);
    }

    /// <summary>A client whose every response is checked against Gitea's swagger; <see cref="DisposeAsync"/> reports what was not.</summary>
    public GiteaClient NewClient(string tokenVariable, ILoggerFactory? loggerFactory = null, HttpMessageHandler? primaryHandler = null)
    {
        var validating = primaryHandler is null ? new SpecValidatingHandler() : new SpecValidatingHandler(primaryHandler);
        _validators.Add(validating);
        return GiteaClient.Create(
            new GiteaClientOptions { BaseUrl = Server.BaseUrl, TokenEnvironmentVariable = tokenVariable, RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetries = 3 },
            loggerFactory,
            validating);
    }

    /// <summary>Responses that did not conform to the spec, across every client of this forge.</summary>
    public IReadOnlyList<string> SpecViolations => [.. _validators.SelectMany(v => v.Violations)];

    /// <summary>How many responses were checked against the spec.</summary>
    public int SpecChecked => _validators.Sum(v => v.Checked);

    /// <summary>Another agent: its own account and its own token, in its own environment variable.</summary>
    public GiteaClient AddAgent(string login, HttpMessageHandler? primaryHandler = null)
    {
        Server.AddUser(login, login + "-password");
        Server.AddCollaborator(Owner, Repo, login);
        string variable = "HERMES_TEST_GITEA_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, Server.AddToken(login, "write:issue", "write:repository", "read:user"));
        _variables.Add(variable);
        GiteaClient client = NewClient(variable, primaryHandler: primaryHandler);
        _clients.Add(client);
        return client;
    }

    /// <summary>Opens issues labelled ready (as wolf-1); their numbers.</summary>
    public async Task<List<long>> SeedReadyAsync(int count, string prefix = "task")
    {
        GiteaLabel ready = await Client.EnsureLabelAsync(Owner, Repo, "ready", "#0e8a16");
        var numbers = new List<long>();
        for (int i = 0; i < count; i++)
        {
            GiteaIssue issue = await Api.CreateIssueAsync(Owner, Repo, new CreateIssueOption { Title = $"{prefix} {i}", Labels = [ready.Id] });
            numbers.Add(issue.Number);
        }

        return numbers;
    }

    /// <summary>Opens a pull request the way a worker does: a branch from main, one file committed to it, the pull request.</summary>
    public async Task<GiteaPullRequest> OpenPullAsync(string branch, string title, string path = "change.txt", string text = "a change\n")
    {
        await Api.CreateBranchAsync(Owner, Repo, new CreateBranchRepoOption { NewBranchName = branch, OldRefName = "main" });
        await Api.CreateFileAsync(Owner, Repo, path, new CreateFileOptions { Content = GiteaContent.Encode(text), Branch = branch });
        return await Api.CreatePullRequestAsync(Owner, Repo, new CreatePullRequestOption { Head = branch, Base = "main", Title = title });
    }

    public async Task<IReadOnlyList<string>> LabelsOfAsync(long number) =>
        [.. (await Api.GetIssueLabelsAsync(Owner, Repo, number)).Select(l => l.Name).Order(StringComparer.Ordinal)];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _clients.ForEach(c => c.Dispose());
        Environment.SetEnvironmentVariable(TokenVariable, null);
        _variables.ForEach(v => Environment.SetEnvironmentVariable(v, null));
        await Server.DisposeAsync();
        Assert.True(SpecViolations.Count == 0, "The loopback forge answered outside Gitea's swagger:\n" + string.Join("\n", SpecViolations.Take(20)));
    }

    private readonly List<string> _variables = [];
    private readonly System.Collections.Concurrent.ConcurrentBag<SpecValidatingHandler> _validators = [];
    private readonly List<GiteaClient> _clients = [];
}
