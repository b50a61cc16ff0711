using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Hermes.Samples.Fleet;

/// <summary>
/// Stands in for the wolf's model when no chain is given (<c>--config</c>), so the sample runs without API keys: it
/// reads the issue in the last user message and writes a triage in the rubric's three parts. Pass a seed's
/// config.yaml to use real models.
/// </summary>
internal sealed partial class StandInTriageModel : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        string issue = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        Match heading = IssueHeading().Match(issue);
        string number = heading.Success ? heading.Groups[1].Value : "?";
        string title = heading.Success ? heading.Groups[2].Value : "the issue";
        bool stale = issue.Contains("deprecated", StringComparison.OrdinalIgnoreCase) || issue.Contains("superseded", StringComparison.OrdinalIgnoreCase);
        string text = $"""
            **Evidence:**
            - #{number} asks: `{title}`.
            - {(stale ? "Its description says the approach was superseded." : "No linked pull request or recent activity.")}

            **Recommended action:** {(stale ? "close it as superseded, linking the replacement" : "keep it ready and give it to a worker with a concrete first step")}.

            **Confidence:** {(stale ? "high" : "medium")}
            """;
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { ModelId = "stand-in" });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (ChatResponseUpdate update in (await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    [GeneratedRegex(@"Issue #(\d+): (.+)")]
    private static partial Regex IssueHeading();
}

/// <summary>The sample fleet's soul.</summary>
internal static class SampleSoul
{
    public const string Text = """
        # SOUL.md — the timmy fleet (sample)

        We tell the truth, with evidence. When we don't know, we say so. Brevity is a kindness.
        If anyone may be in crisis, we never provide methods, never validate despair, and always point to help:
        988 in the US, or a local crisis line.
        """;
}

/// <summary>A small backlog for the strategist to file.</summary>
internal static class SampleBacklog
{
    private static readonly (string Title, string Body)[] Items =
    [
        ("Retry failed webhook deliveries", "Webhooks to the CI server are dropped when it restarts."),
        ("Migrate the old deploy script", "The bash deploy script is deprecated and superseded by the canary pipeline."),
        ("Document the wolf rubric", "New wolves do not know what a triage comment must contain."),
        ("Rotate the Gitea admin token", "The admin token has not been rotated since the server was installed."),
    ];

    public static string Title(int i) => Items[(i - 1) % Items.Length].Title;

    public static string Body(int i) => Items[(i - 1) % Items.Length].Body;
}

/// <summary>A private scratch folder for the sample's keys, deleted at the end.</summary>
internal sealed class Scratch : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("hermes-fleet-sample-").FullName;

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
