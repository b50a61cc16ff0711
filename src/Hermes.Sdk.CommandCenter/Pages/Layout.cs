using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Hermes.Sdk.CommandCenter;

/// <summary>
/// The page around every view: no script at all (the page refreshes itself with a meta refresh), the navigation, and
/// the provenance strip — each source with its freshness, its own time, when it was fetched, and for an unknown source
/// the reason and the last good read. Every text is HTML-encoded.
/// </summary>
internal static class Layout
{
    private const string Style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
        header{background:#1b1f24;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center}
        header a{color:#c9d1d9;text-decoration:none}header a.here{color:#fff;font-weight:600}
        main{padding:12px 16px}table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}
        th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eaeef2}
        .live{color:#1a7f37}.stale{color:#9a6700;font-weight:600}.unknown{color:#57606a;font-weight:600}
        .red{background:#ffebe9}.amber{background:#fff8c5}.unknown-row{background:#eaeef2}.green{background:#dafbe1}
        .state{font-weight:600;padding:1px 6px;border-radius:4px}.lane{display:inline-block;vertical-align:top;width:19%;margin-right:1%}
        .card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:6px;margin:6px 0}.doubt{color:#9a6700}
        #sources{font-size:12px}
        """;

    private static readonly (string Path, string Title)[] Views = [("/", "Brief status"), ("/agents", "Agent health"), ("/reviews", "Review queue"), ("/cron", "Cron state"), ("/tasks", "Task board")];

    public static string Page(string path, string title, int refreshSeconds, DateTimeOffset at, IReadOnlyList<SourceStamp> sources, string body)
    {
        var html = new StringBuilder(4096 + body.Length);
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta http-equiv=\"refresh\" content=\"").Append(refreshSeconds.ToString(CultureInfo.InvariantCulture)).Append("\">")
            .Append("<title>").Append(E(title)).Append(" — Hermes command center</title><style>").Append(Style).Append("</style></head><body><header><strong>Hermes</strong>");
        foreach ((string p, string t) in Views)
        {
            html.Append("<a href=\"").Append(p).Append('"').Append(p == path ? " class=\"here\" aria-current=\"page\"" : string.Empty).Append('>').Append(E(t)).Append("</a>");
        }

        html.Append("<span style=\"margin-left:auto\">rendered ").Append(Time(at)).Append(" · JSON: <a href=\"/api").Append(path == "/" ? "/brief" : path).Append("\">/api").Append(path == "/" ? "/brief" : path).Append("</a></span></header><main><h1>")
            .Append(E(title)).Append("</h1>").Append(body).Append(SourcesTable(sources, at)).Append("</main></body></html>");
        return html.ToString();
    }

    /// <summary>Every source the view read: how fresh, from when, and why not when it could not be read.</summary>
    private static string SourcesTable(IReadOnlyList<SourceStamp> sources, DateTimeOffset at)
    {
        var html = new StringBuilder("<table id=\"sources\"><caption>Sources</caption><tr><th>source</th><th>freshness</th><th>source time</th><th>fetched</th><th>why unknown</th><th>last good read</th></tr>");
        foreach (SourceStamp s in sources)
        {
            html.Append("<tr data-source=\"").Append(E(s.Source)).Append("\"><td>").Append(E(s.Source)).Append("</td><td class=\"").Append(s.Freshness).Append("\">").Append(s.Freshness)
                .Append("</td><td>").Append(Time(s.SourceTime)).Append(Age(s.SourceTime, at)).Append("</td><td>").Append(Time(s.FetchedAt)).Append("</td><td>").Append(E(s.Error ?? string.Empty))
                .Append("</td><td>").Append(s.Freshness == "unknown" ? Time(s.LastGoodAt) : string.Empty).Append("</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    /// <summary>A freshness badge for a tile: the source's state, never a health colour when it is unknown.</summary>
    public static string Badge(SourceStamp stamp) =>
        $"<span class=\"{stamp.Freshness}\" title=\"{E(stamp.Source)}: source time {Time(stamp.SourceTime)}, fetched {Time(stamp.FetchedAt)}\">{stamp.Freshness}</span>";

    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    public static string Link(string? url, string text) => url is null ? E(text) : $"<a href=\"{E(url)}\">{E(text)}</a>";

    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "—";

    public static string Span(TimeSpan span) => span.TotalDays >= 1 ? $"{span.TotalDays:0}d" : span.TotalHours >= 1 ? $"{span.TotalHours:0}h" : $"{Math.Max(0, span.TotalMinutes):0}m";

    private static string Age(DateTimeOffset? at, DateTimeOffset now) => at is { } t ? $" ({Span(now - t)} ago)" : string.Empty;
}
