using Hermes.Sdk.Gitea;
using Hermes.Sdk.Models.Chain;
using NATS.Client.Core;

namespace Hermes.Sdk.Seed;

/// <summary>
/// A failure of something the seed depends on — Gitea, the models, NATS, the disk — said in one plain sentence with
/// what to do, instead of a stack trace. <see cref="Code"/> is stable for scripts (the <c>--json</c> error object).
/// </summary>
/// <param name="Code">What failed: <c>gitea</c>, <c>models</c>, <c>nats</c>, <c>network</c>, <c>timeout</c> or <c>disk</c>.</param>
/// <param name="Message">What failed and what to do.</param>
internal sealed record DependencyFailure(string Code, string Message)
{
    /// <summary>The failure <paramref name="ex"/> stands for, or null when it is not a dependency's (a bug propagates).</summary>
    public static DependencyFailure? Of(Exception ex, SeedSession session) => ex switch
    {
        GiteaException g => new("gitea", $"Gitea answered {(int)g.StatusCode} to {g.Method} {g.Path}{(g.GiteaMessage is { Length: > 0 } m ? $": {m}" : string.Empty)}. {GiteaHint(g, session)}"),
        Refit.ApiException a => new("gitea", $"{GiteaUrl(session)} answered HTTP {(int)a.StatusCode} ({a.ReasonPhrase}) to {a.HttpMethod} {a.Uri?.AbsolutePath}: is gitea.url in config.yaml a Gitea server?"),
        ModelChainException m => new("models", $"no model of the chain could answer: {m.Message} Run 'chain test' to see each model."),
        NatsException n => new("nats", $"the fleet bus failed: {n.Message}. Is nats-server running at fleet.nats_url ({session.ConfigOrNull?.NatsUrl})?"),
        HttpRequestException h => new("network", $"{h.Message}{(h.InnerException is { } inner && !h.Message.Contains(inner.Message, StringComparison.Ordinal) ? $" ({inner.Message})" : string.Empty)}. Is {GiteaUrl(session)} running? Check gitea.url in config.yaml."),
        TimeoutException or TaskCanceledException => new("timeout", $"no answer in time: {ex.Message} Is the server at {GiteaUrl(session)} up?"),
        UnauthorizedAccessException or IOException => new("disk", $"{ex.Message} Check the seed folder's permissions and free space."),
        _ when ex.InnerException is { } inner => Of(inner, session),
        _ => null,
    };

    private static string GiteaUrl(SeedSession session) => session.ConfigOrNull?.Gitea.Url?.ToString() ?? "the Gitea server";

    private static string GiteaHint(GiteaException g, SeedSession session) => (int)g.StatusCode switch
    {
        401 or 403 => $"Check the token in {session.ConfigOrNull?.Gitea.TokenEnvironmentVariable ?? "the token variable"} and its scopes.",
        404 => $"Is {GiteaUrl(session)} a Gitea server, and does the repository exist ('gitea setup' creates it)?",
        >= 500 => "Gitea is failing: look at its log, then try again.",
        _ => "Check gitea.url and the repository in config.yaml.",
    };
}
