using System.Net;

namespace Hermes.Sdk.Gitea;

/// <summary>Gitea answered with an error. Carries Gitea's own message; never a token.</summary>
public class GiteaException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The request path (no query string, no credentials).</param>
    /// <param name="giteaMessage">Gitea's message, when it sent one.</param>
    public GiteaException(HttpStatusCode statusCode, string method, string path, string? giteaMessage)
        : base(Format(statusCode, method, path, giteaMessage))
    {
        StatusCode = statusCode;
        Method = method;
        Path = path;
        GiteaMessage = giteaMessage;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The request path.</summary>
    public string Path { get; }

    /// <summary>Gitea's message (may be empty: "already merged" is a 405 with an empty message).</summary>
    public string? GiteaMessage { get; }

    internal static GiteaException Create(HttpStatusCode status, string method, string path, string? message) => (int)status switch
    {
        400 => new GiteaBadRequestException(status, method, path, message),
        401 or 403 => new GiteaUnauthorizedException(status, method, path, message),
        404 => new GiteaNotFoundException(status, method, path, message),
        405 => new GiteaNotMergeableException(status, method, path, message),
        409 => new GiteaConflictException(status, method, path, message),
        412 => new GiteaPreconditionFailedException(status, method, path, message),
        422 => new GiteaValidationException(status, method, path, message),
        423 => new GiteaRepositoryArchivedException(status, method, path, message),
        _ => new GiteaException(status, method, path, message),
    };

    private static string Format(HttpStatusCode status, string method, string path, string? message) =>
        $"Gitea answered {(int)status} {status} to {method} {path}{(string.IsNullOrWhiteSpace(message) ? " (no message)" : $": {message}")}";
}

/// <summary>400: the request is malformed.</summary>
public sealed class GiteaBadRequestException(HttpStatusCode statusCode, string method, string path, string? giteaMessage)
    : GiteaException(statusCode, method, path, giteaMessage);

/// <summary>
/// 401/403: the agent's token was refused or lacks a scope. Never retried, and never retried with another credential:
/// one machine-scoped token per agent, no fallback to a human's token.
/// </summary>
public sealed class GiteaUnauthorizedException(HttpStatusCode statusCode, string method, string path, string? giteaMessage)
    : GiteaException(statusCode, method, path, giteaMessage);

/// <summary>404: no such repository, issue, label, … (or no permission to see it).</summary>
public sealed class GiteaNotFoundException(HttpStatusCode statusCode, string method, string path, string? giteaMessage)
    : GiteaException(statusCode, method, path, giteaMessage);

/// <summary>
/// 405 on merge: not mergeable now. <see cref="IsTryAgainLater"/> is Gitea's answer for any status but mergeable — still
/// checking (transient) or a conflict its check already found (services/pull/check.go:164-165 at v1.26.1);
/// <see cref="MayBeAlreadyMerged"/> is the already-merged answer of each release.
/// </summary>
public sealed class GiteaNotMergeableException(HttpStatusCode statusCode, string method, string path, string? giteaMessage)
    : GiteaException(statusCode, method, path, giteaMessage)
{
    /// <summary>"Please try again later": Gitea is checking mergeability, or found a conflict.</summary>
    public bool IsTryAgainLater => GiteaMessage?.Contains("try again later", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Gitea's already-merged answer: "The PR is already merged" from 1.25 (routers/api/v1/repo/pull.go:974), an empty
    /// message in 1.24, "PR already merged" before.
    /// </summary>
    public bool MayBeAlreadyMerged => string.IsNullOrWhiteSpace(GiteaMessage) || GiteaMessage.Contains("already merged", StringComparison.OrdinalIgnoreCase);
}

/// <summary>409: a conflict (merge conflict, head out of date, duplicate).</summary>
public sealed class GiteaConflictException(HttpStatusCode statusCode, string method, string path, string? giteaMessage)
    : GiteaException(statusCode, method, path, giteaMessage);

/// <summary>412: a precondition failed (e.g. closing an issue with open dependencies, changing a merged PR).</summary>
public sealed class GiteaPreconditionFailedException(HttpStatusCode statusCode, string method, string path, string? giteaMessage)
    : GiteaException(statusCode, method, path, giteaMessage);

/// <summary>422: the body failed validation (e.g. a user name already taken).</summary>
public sealed class GiteaValidationException(HttpStatusCode statusCode, string method, string path, string? giteaMessage)
    : GiteaException(statusCode, method, path, giteaMessage);

/// <summary>423: the repository is archived.</summary>
public sealed class GiteaRepositoryArchivedException(HttpStatusCode statusCode, string method, string path, string? giteaMessage)
    : GiteaException(statusCode, method, path, giteaMessage);
