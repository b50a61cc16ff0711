using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Refit;

namespace Hermes.Sdk.Gitea;

/// <summary>How a merge request ended.</summary>
public enum GiteaMergeOutcome
{
    /// <summary>This call merged it.</summary>
    Merged,

    /// <summary>It was already merged (Gitea's already-merged 405 of 1.24, 1.25 or 1.26, confirmed by <c>GET …/merge</c>).</summary>
    AlreadyMerged,
}

/// <summary>
/// The agent's Gitea client: the generated <see cref="IGiteaApi"/> plus paging as <see cref="IAsyncEnumerable{T}"/>
/// (following Gitea's <c>Link</c> headers and its maximum page size), label helpers, merges that wait out Gitea's
/// mergeability check, and the "spawn a wolf" account flow. Register with <c>services.AddHermesGitea(…)</c>, or
/// create a standalone one with <see cref="Create"/>.
/// </summary>
public sealed partial class GiteaClient : IDisposable
{
    private readonly GiteaClientOptions _options;
    private readonly ILogger _logger;
    private readonly IDisposable? _owned;
    private int _maxPageSize;

    /// <summary>Creates the client over a Refit implementation (as DI does).</summary>
    /// <param name="api">The API.</param>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger.</param>
    public GiteaClient(IGiteaApi api, IOptions<GiteaClientOptions> options, ILogger<GiteaClient>? logger = null)
        : this(api, options, logger, owned: null)
    {
    }

    private GiteaClient(IGiteaApi api, IOptions<GiteaClientOptions> options, ILogger? logger, IDisposable? owned)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        Api = api;
        _options = options.Value;
        _logger = logger ?? NullLogger.Instance;
        _owned = owned;
    }

    /// <summary>The typed API, one call per method.</summary>
    public IGiteaApi Api { get; }

    /// <summary>A standalone client with the same pipeline as DI (auth, typed errors, retries), owning its services.</summary>
    /// <param name="options">The options (validated).</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <param name="primaryHandler">The innermost HTTP handler (tests, proxies); default sockets.</param>
    /// <returns>The client; dispose it.</returns>
    public static GiteaClient Create(GiteaClientOptions options, ILoggerFactory? loggerFactory = null, HttpMessageHandler? primaryHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var services = new ServiceCollection();
        if (loggerFactory is not null)
        {
            services.AddSingleton(loggerFactory);
        }

        services.AddLogging();
        IHttpClientBuilder http = services.AddHermesGitea(o => Copy(options, o));
        if (primaryHandler is not null)
        {
            http.ConfigurePrimaryHttpMessageHandler(() => primaryHandler);
        }

        ServiceProvider provider = services.BuildServiceProvider();
        return new GiteaClient(
            provider.GetRequiredService<IGiteaApi>(),
            provider.GetRequiredService<IOptions<GiteaClientOptions>>(),
            provider.GetService<ILogger<GiteaClient>>(),
            provider);
    }

    /// <summary>Every repository of an organisation.</summary>
    public IAsyncEnumerable<GiteaRepository> ListOrgReposAsync(string org, CancellationToken cancellationToken = default) =>
        PageAsync((page, limit, ct) => Api.ListOrgReposAsync(org, page, limit, ct), cancellationToken);

    /// <summary>Every repository of a user.</summary>
    public IAsyncEnumerable<GiteaRepository> ListUserReposAsync(string username, CancellationToken cancellationToken = default) =>
        PageAsync((page, limit, ct) => Api.ListUserReposAsync(username, page, limit, ct), cancellationToken);

    /// <summary>Every issue matching the filter (only issues by default, not pull requests).</summary>
    /// <param name="owner">Owner.</param>
    /// <param name="repo">Repository.</param>
    /// <param name="state"><c>open</c> (default), <c>closed</c> or <c>all</c>.</param>
    /// <param name="labels">Label names, <em>all-of</em> as Gitea filters (models/issues/issue_search.go:159-165); a filter of only unknown names is no filter.</param>
    /// <param name="assignedTo">Only issues assigned to this user.</param>
    /// <param name="type"><c>issues</c> (default) or <c>pulls</c>, or null for both.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The issues, page after page.</returns>
    public IAsyncEnumerable<GiteaIssue> ListIssuesAsync(string owner, string repo, string state = "open", IEnumerable<string>? labels = null, string? assignedTo = null, string? type = "issues", CancellationToken cancellationToken = default)
    {
        string? labelFilter = labels is null ? null : string.Join(',', labels);
        return PageAsync((page, limit, ct) => Api.ListIssuesAsync(owner, repo, state, labelFilter, type, assignedTo, null, page, limit, ct), cancellationToken);
    }

    /// <summary>Every issue matching a search across the repositories the agent can see.</summary>
    public IAsyncEnumerable<GiteaIssue> SearchIssuesAsync(string? query, string state = "open", IEnumerable<string>? labels = null, string? owner = null, CancellationToken cancellationToken = default)
    {
        string? labelFilter = labels is null ? null : string.Join(',', labels);
        return PageAsync((page, limit, ct) => Api.SearchIssuesAsync(query, state, labelFilter, "issues", owner, page, limit, ct), cancellationToken);
    }

    /// <summary>Every label of a repository.</summary>
    public IAsyncEnumerable<GiteaLabel> ListLabelsAsync(string owner, string repo, CancellationToken cancellationToken = default) =>
        PageAsync((page, limit, ct) => Api.ListLabelsAsync(owner, repo, page, limit, ct), cancellationToken);

    /// <summary>
    /// Every comment and event on an issue, in Gitea's order (created second, then id). The timeline is paged until a
    /// page comes back empty: Gitea sends no <c>Link</c> here, its <c>X-Total-Count</c> counts only the page
    /// (routers/api/v1/repo/issue_comment.go:209), and code comments are filtered out, so a page can be short mid-list.
    /// </summary>
    public IAsyncEnumerable<GiteaTimelineEvent> ListTimelineAsync(string owner, string repo, long index, CancellationToken cancellationToken = default) =>
        PageAsync((page, limit, ct) => Api.ListTimelineAsync(owner, repo, index, page, limit, ct), cancellationToken, untilEmptyPage: true);

    /// <summary>Every pull request in a state.</summary>
    public IAsyncEnumerable<GiteaPullRequest> ListPullRequestsAsync(string owner, string repo, string state = "open", CancellationToken cancellationToken = default) =>
        PageAsync((page, limit, ct) => Api.ListPullRequestsAsync(owner, repo, state, page, limit, ct), cancellationToken);

    /// <summary>Every file a pull request changes.</summary>
    public IAsyncEnumerable<GiteaChangedFile> ListPullRequestFilesAsync(string owner, string repo, long index, CancellationToken cancellationToken = default) =>
        PageAsync((page, limit, ct) => Api.ListPullRequestFilesAsync(owner, repo, index, page, limit, ct), cancellationToken);

    /// <summary>Every review of a pull request.</summary>
    public IAsyncEnumerable<GiteaPullReview> ListReviewsAsync(string owner, string repo, long index, CancellationToken cancellationToken = default) =>
        PageAsync((page, limit, ct) => Api.ListReviewsAsync(owner, repo, index, page, limit, ct), cancellationToken);

    /// <summary>
    /// Finds a label by name (the lowest id, should the name repeat), creating it when missing. Gitea creates a label
    /// whatever names exist (models/issues/label.go NewLabel is a bare insert; go-gitea#37192), so two callers creating
    /// the same name at once each get their own: the task queue settles such duplicates.
    /// </summary>
    public async Task<GiteaLabel> EnsureLabelAsync(string owner, string repo, string name, string color = "#cccccc", string? description = null, CancellationToken cancellationToken = default)
    {
        return await FindLabelAsync(owner, repo, name, cancellationToken).ConfigureAwait(false)
            ?? await Api.CreateLabelAsync(owner, repo, new CreateLabelOption { Name = name, Color = color, Description = description }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The label of that name with the lowest id: Gitea allows duplicate names (models/issues/label.go NewLabel), and the first one created is the one every agent settles on.</summary>
    private async Task<GiteaLabel?> FindLabelAsync(string owner, string repo, string name, CancellationToken cancellationToken)
    {
        GiteaLabel? found = null;
        await foreach (GiteaLabel label in ListLabelsAsync(owner, repo, cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(label.Name, name, StringComparison.Ordinal) && (found is null || label.Id < found.Id))
            {
                found = label;
            }
        }

        return found;
    }

    /// <summary>
    /// Merges a pull request. Gitea answers 405 "Please try again later" both while it checks mergeability and once its
    /// check found a conflict (and <c>mergeable</c> is false in both), so this waits with bounded backoff, confirms on each
    /// such answer that nobody merged it meanwhile, and then reports it as not mergeable
    /// (<see cref="GiteaNotMergeableException"/>) instead of retrying on. The already-merged answer of 1.24 (empty), 1.25
    /// and 1.26 ("The PR is already merged") is success once <c>GET …/merge</c> confirms it. Pass the head SHA you
    /// reviewed: if the head moved, or the merge itself meets a conflict, Gitea refuses with 409
    /// (<see cref="GiteaConflictException"/>).
    /// </summary>
    /// <param name="owner">Owner.</param>
    /// <param name="repo">Repository.</param>
    /// <param name="index">The pull request's number.</param>
    /// <param name="style">The merge style.</param>
    /// <param name="headCommitId">The head SHA that was reviewed and tested.</param>
    /// <param name="cancellationToken">Cancels the merge.</param>
    /// <returns>Whether this call merged it or it already was.</returns>
    public async Task<GiteaMergeOutcome> MergeAsync(string owner, string repo, long index, GiteaMergeStyle style, string? headCommitId = null, CancellationToken cancellationToken = default)
    {
        var option = new MergePullRequestOption { Do = MergePullRequestOption.ToWire(style), HeadCommitId = headCommitId };
        TimeSpan delay = _options.RetryDelay;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await Api.MergePullRequestAsync(owner, repo, index, option, cancellationToken).ConfigureAwait(false);
                return GiteaMergeOutcome.Merged;
            }
            catch (GiteaNotMergeableException ex) when (ex.IsTryAgainLater)
            {
                if (await IsMergedAsync(owner, repo, index, cancellationToken).ConfigureAwait(false))
                {
                    return GiteaMergeOutcome.AlreadyMerged;
                }

                if (attempt >= _options.MaxRetries)
                {
                    throw new GiteaNotMergeableException(ex.StatusCode, ex.Method, ex.Path, $"{ex.GiteaMessage} (still not mergeable after {attempt + 1} attempts: it conflicts with its base, or Gitea's check has not finished)");
                }

                LogMergeNotReady(owner, repo, index, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
            catch (GiteaNotMergeableException ex) when (ex.MayBeAlreadyMerged)
            {
                if (await IsMergedAsync(owner, repo, index, cancellationToken).ConfigureAwait(false))
                {
                    return GiteaMergeOutcome.AlreadyMerged;
                }

                throw;
            }
        }
    }

    /// <summary>Whether a pull request is merged (204 vs 404).</summary>
    public async Task<bool> IsMergedAsync(string owner, string repo, long index, CancellationToken cancellationToken = default)
    {
        try
        {
            await Api.IsPullRequestMergedAsync(owner, repo, index, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (GiteaNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Creates an access token for a user with Basic auth as that user (Gitea refuses token auth here). The password
    /// is used for this one request only; the returned token's secret (<see cref="GiteaAccessToken.Sha1"/>) is shown
    /// once — store it 0600.
    /// </summary>
    public Task<GiteaAccessToken> CreateAccessTokenAsync(string username, string password, string tokenName, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        string basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
        return Api.CreateAccessTokenAsync(username, new CreateAccessTokenOption { Name = tokenName, Scopes = scopes }, basic, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _owned?.Dispose();

    /// <summary>
    /// Follows Gitea's paging: asks for the server's maximum page size, then follows <c>rel="next"</c>; without a
    /// <c>Link</c>, a short page or the total count ends it — or, for <paramref name="untilEmptyPage"/> lists whose
    /// count is of the page, only an empty page.
    /// </summary>
    private async IAsyncEnumerable<T> PageAsync<T>(Func<int, int, CancellationToken, Task<IApiResponse<List<T>>>> fetch, [EnumeratorCancellation] CancellationToken cancellationToken, bool untilEmptyPage = false)
    {
        int limit = await GetMaxPageSizeAsync(cancellationToken).ConfigureAwait(false);
        int page = 1;
        int seen = 0;
        while (true)
        {
            GiteaPage<T> current = await FetchPageAsync(fetch, page, limit, cancellationToken).ConfigureAwait(false);
            foreach (T item in current.Items)
            {
                yield return item;
            }

            seen += current.Items.Count;
            if (current.Items.Count == 0)
            {
                yield break;
            }

            if (current.NextPage is { } n)
            {
                page = n;
                continue;
            }

            // No Link header (an old server or a proxy that strips it): a short page or the total count ends it.
            if (!untilEmptyPage && (current.HasLink || current.Items.Count < limit || (current.TotalCount is { } t && seen >= t)))
            {
                yield break;
            }

            page++;
        }
    }

    /// <summary>
    /// One page of open or closed issues, as Gitea pages them: with <c>X-Total-Count</c> as the count of all that match.
    /// Gitea's <paramref name="labels"/> filter is <em>all-of</em> (models/issues/issue_search.go:159-165), and a filter
    /// of only unknown names is no filter: ask for one label at a time where the answer matters.
    /// </summary>
    /// <param name="owner">Owner.</param>
    /// <param name="repo">Repository.</param>
    /// <param name="page">The page, from 1.</param>
    /// <param name="limit">The page size; at most the forge's largest (see <see cref="GetMaxPageSizeAsync"/>).</param>
    /// <param name="state"><c>open</c> (default), <c>closed</c> or <c>all</c>.</param>
    /// <param name="labels">Comma-separated label names (all-of), or null.</param>
    /// <param name="type"><c>issues</c> (default) or <c>pulls</c>, or null for both.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    public Task<GiteaPage<GiteaIssue>> GetIssuesPageAsync(string owner, string repo, int page, int limit, string state = "open", string? labels = null, string? type = "issues", CancellationToken cancellationToken = default) =>
        FetchPageAsync((p, l, ct) => Api.ListIssuesAsync(owner, repo, state, labels, type, null, null, p, l, ct), page, limit, cancellationToken);

    /// <summary>One page of a list, with what Gitea's headers say about the rest; typed errors on failure.</summary>
    internal async Task<GiteaPage<T>> FetchPageAsync<T>(Func<int, int, CancellationToken, Task<IApiResponse<List<T>>>> fetch, int page, int limit, CancellationToken cancellationToken)
    {
        limit = Math.Min(limit, await GetMaxPageSizeAsync(cancellationToken).ConfigureAwait(false));
        using IApiResponse<List<T>> response = await fetch(page, limit, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessful || response.Content is null)
        {
            throw GiteaErrors.Recorded(response)
                ?? (Exception?)response.Error
                ?? GiteaException.Create(response.StatusCode ?? HttpStatusCode.BadGateway, "GET", response.RequestMessage?.RequestUri?.AbsolutePath ?? string.Empty, null);
        }

        return new GiteaPage<T>(response.Content, limit, NextPage(response.Headers), response.Headers.Contains("Link"), TotalCount(response.Headers));
    }

    /// <summary>
    /// The largest page the forge serves (its <c>MAX_RESPONSE_ITEMS</c>, read once from <c>/settings/api</c>, at most
    /// <see cref="GiteaClientOptions.PageSize"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page size.</returns>
    public async ValueTask<int> GetMaxPageSizeAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _maxPageSize) is > 0 and var known)
        {
            return known;
        }

        int size = _options.PageSize;
        try
        {
            GiteaApiSettings settings = await Api.GetApiSettingsAsync(cancellationToken).ConfigureAwait(false);
            if (settings.MaxResponseItems > 0)
            {
                size = Math.Min(size, settings.MaxResponseItems);
            }
        }
        catch (GiteaException)
        {
            // Settings hidden by a proxy: keep the configured size; paging still follows the server's headers.
        }

        Volatile.Write(ref _maxPageSize, size);
        return size;
    }

    internal static int? NextPage(HttpResponseHeaders headers)
    {
        if (!headers.TryGetValues("Link", out IEnumerable<string>? values))
        {
            return null;
        }

        // <https://forge/api/v1/repos/o/r/issues?limit=50&page=2>; rel="next", … — follow the page number, not the
        // host (Link is built from ROOT_URL, which can be wrong behind a proxy).
        foreach (Match link in LinkPattern().Matches(string.Join(',', values)))
        {
            if (link.Groups["rel"].Value == "next" && PagePattern().Match(link.Groups["url"].Value) is { Success: true } page)
            {
                return int.Parse(page.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static long? TotalCount(HttpResponseHeaders headers) =>
        headers.TryGetValues("X-Total-Count", out IEnumerable<string>? values) && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long total) ? total : null;

    private static void Copy(GiteaClientOptions from, GiteaClientOptions to)
    {
        to.BaseUrl = from.BaseUrl;
        to.TokenEnvironmentVariable = from.TokenEnvironmentVariable;
        to.TokenFile = from.TokenFile;
        to.MaxRetries = from.MaxRetries;
        to.RetryDelay = from.RetryDelay;
        to.AttemptTimeout = from.AttemptTimeout;
        to.PageSize = from.PageSize;
    }

    [GeneratedRegex("<(?<url>[^>]*)>\\s*;\\s*rel=\"(?<rel>[a-z]+)\"")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("[?&]page=(\\d+)")]
    private static partial Regex PagePattern();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Gitea is still checking whether {Owner}/{Repo}#{Index} can be merged; retrying in {Delay}.")]
    private partial void LogMergeNotReady(string owner, string repo, long index, TimeSpan delay);
}

/// <summary>One page of a Gitea list, with what the forge's headers said about the rest.</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class GiteaPage<T>
{
    internal GiteaPage(List<T> items, int limit, int? nextPage, bool hasLink, long? totalCount)
    {
        Items = items;
        Limit = limit;
        NextPage = nextPage;
        HasLink = hasLink;
        TotalCount = totalCount;
    }

    /// <summary>The page's items.</summary>
    public IReadOnlyList<T> Items { get; }

    /// <summary>The next page's number from the <c>Link</c> header, when Gitea sent one for this list.</summary>
    public int? NextPage { get; }

    /// <summary>
    /// The <c>X-Total-Count</c> header: all matching items for issues, pulls, labels and reviews; on the timeline, the
    /// items on this page (routers/api/v1/repo/issue_comment.go:209).
    /// </summary>
    public long? TotalCount { get; }

    internal int Limit { get; }

    internal bool HasLink { get; }
}
