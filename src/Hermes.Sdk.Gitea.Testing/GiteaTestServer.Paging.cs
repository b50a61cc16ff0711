using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Hermes.Sdk.Gitea.Testing;

/// <summary>How a list endpoint pages, as the Gitea handler behind it does.</summary>
internal enum PageHeaders
{
    /// <summary>
    /// <c>X-Total-Count</c> of every match and a <c>Link</c> header: issues, pulls and repositories call both
    /// SetTotalCountHeader and SetLinkHeader (services/context/api.go:166-215).
    /// </summary>
    TotalAndLink,

    /// <summary><c>X-Total-Count</c> of every match, no <c>Link</c>: labels and reviews never call SetLinkHeader.</summary>
    TotalOnly,

    /// <summary>
    /// <c>X-Total-Count</c> of the items on this page, no <c>Link</c>: the timeline
    /// (routers/api/v1/repo/issue_comment.go:209, <c>ctx.SetTotalCountHeader(int64(len(apiComments)))</c>).
    /// </summary>
    PageCountOnly,
}

public sealed partial class GiteaTestServer
{
    /// <summary>Writes one page of <paramref name="all"/> with the headers the endpoint's handler sends.</summary>
    private static Task WritePageAsync<T>(HttpContext context, IReadOnlyList<T> all, JsonTypeInfo<List<T>> type, PageHeaders headers = PageHeaders.TotalAndLink)
    {
        List<T> page = PageOf(context, all, item => item);
        return WritePageAsync(context, page, headers == PageHeaders.PageCountOnly ? page.Count : all.Count, type, headers);
    }

    /// <summary>The request's page of <paramref name="all"/> (page and limit as Gitea reads them), projected item by item — only the page is.</summary>
    private static List<T> PageOf<TSource, T>(HttpContext context, IEnumerable<TSource> all, Func<TSource, T> project, bool clamp = true)
    {
        (int skip, int limit) = Window(context, clamp);
        return [.. all.Skip(skip).Take(limit).Select(project)];
    }

    /// <summary>The request's page as items to skip and items to take.</summary>
    private static (int Skip, int Limit) Window(HttpContext context, bool clamp = true)
    {
        (int page, int limit) = Paging(context, clamp);
        return ((int)Math.Min(int.MaxValue, (long)(page - 1) * limit), limit);
    }

    /// <summary>
    /// Page and limit as <c>GetListOptions</c> reads them: limit ≤ 0 is 30 and above 50 is 50
    /// (services/convert/utils.go:15-22 ToCorrectPageSize). <paramref name="clamp"/> false is <c>/repos/issues/search</c>,
    /// which takes any limit (routers/api/v1/repo/issue.go:240, <c>util.IfZero(ctx.FormInt("limit"), DefaultPagingNum)</c>).
    /// </summary>
    private static (int Page, int Limit) Paging(HttpContext context, bool clamp = true)
    {
        int page = int.TryParse(context.Request.Query["page"], CultureInfo.InvariantCulture, out int p) && p > 0 ? p : 1;
        int limit = int.TryParse(context.Request.Query["limit"], CultureInfo.InvariantCulture, out int l) ? l : 0;
        if (!clamp)
        {
            return (page, limit == 0 ? DefaultPagingNum : Math.Max(1, limit));
        }

        return (page, limit <= 0 ? DefaultPagingNum : Math.Min(limit, MaxResponseItems));
    }

    /// <summary>
    /// Writes one page with Gitea's headers: <c>X-Total-Count</c>, and for <see cref="PageHeaders.TotalAndLink"/> a
    /// <c>Link</c> of next, last, first and prev, each the request's URL on the server's root with the page replaced,
    /// the caller's own <c>limit</c> kept and the query keys sorted (url.Values.Encode), joined with ",".
    /// </summary>
    private static Task WritePageAsync<T>(HttpContext context, List<T> items, int total, JsonTypeInfo<List<T>> type, PageHeaders headers = PageHeaders.TotalAndLink, bool clamp = true)
    {
        context.Response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.AccessControlExposeHeaders = "X-Total-Count, Link";
        if (headers == PageHeaders.TotalAndLink)
        {
            WriteLink(context, total, clamp);
        }

        return WriteJsonAsync(context, items, type);
    }

    private static void WriteLink(HttpContext context, int total, bool clamp)
    {
        (int page, int limit) = Paging(context, clamp);
        int last = Math.Max(1, (total + limit - 1) / limit);
        string Url(int n)
        {
            var query = context.Request.Query
                .Where(q => q.Key != "page")
                .Select(q => (Key: q.Key, Value: q.Value.ToString()))
                .Append((Key: "page", Value: n.ToString(CultureInfo.InvariantCulture)))
                .OrderBy(q => q.Key, StringComparer.Ordinal)
                .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}");
            return $"<{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}?{string.Join('&', query)}>";
        }

        var links = new List<string>();
        if (page < last)
        {
            links.Add($"{Url(page + 1)}; rel=\"next\"");
            links.Add($"{Url(last)}; rel=\"last\"");
        }

        if (page > 1)
        {
            links.Add($"{Url(1)}; rel=\"first\"");
            links.Add($"{Url(page - 1)}; rel=\"prev\"");
        }

        if (links.Count > 0)
        {
            context.Response.Headers.Link = string.Join(',', links);
        }
    }
}
