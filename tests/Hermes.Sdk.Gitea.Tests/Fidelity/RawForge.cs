using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hermes.Sdk.Gitea.Testing;

namespace Hermes.Sdk.Gitea.Tests.Fidelity;

/// <summary>
/// The forge driven with raw HTTP — not the client under test — so each fidelity row checks the forge against a
/// reading of Gitea's source (<c>tests/specs/gitea-fidelity.md</c>), not against the client's own assumptions. One
/// public repository <c>acme/work</c> owned by the user <c>acme</c>, a writer <c>dev</c>, a reader-only <c>guest</c>.
/// </summary>
internal sealed class RawForge : IAsyncDisposable
{
    public const string Repo = "/api/v1/repos/acme/work";

    private readonly HttpClient _http;

    private RawForge(GiteaTestServer server)
    {
        Server = server;
        _http = new HttpClient { BaseAddress = server.BaseUrl };
        server.AddUser("acme", "acme-password");
        server.AddUser("dev", "dev-password");
        server.AddUser("guest", "guest-password");
        server.AddRepo("acme", "work");
        server.AddCollaborator("acme", "work", "dev");
        Owner = server.AddToken("acme", "all");
        Dev = server.AddToken("dev", "write:issue", "write:repository", "read:user");
        Guest = server.AddToken("guest", "write:issue", "write:repository");
    }

    public GiteaTestServer Server { get; }

    public string Owner { get; }

    public string Dev { get; }

    public string Guest { get; }

    public static async Task<RawForge> StartAsync(GiteaTestServerOptions? options = null) =>
        new(await GiteaTestServer.StartAsync(options ?? new GiteaTestServerOptions()));

    public async Task<Answer> SendAsync(string method, string path, object? body = null, string? token = null, AuthenticationHeaderValue? auth = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = auth ?? (token is null ? null : new AuthenticationHeaderValue("token", token));
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage response = await _http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return new Answer(
            (int)response.StatusCode,
            text,
            response.Headers.TryGetValues("X-Total-Count", out IEnumerable<string>? total) ? total.Single() : null,
            response.Headers.TryGetValues("Link", out IEnumerable<string>? link) ? link.Single() : null);
    }

    public Task<Answer> Get(string path, string? token = null) => SendAsync("GET", path, token: token);

    /// <summary>Creates a label with the owner's token; returns its id.</summary>
    public async Task<long> LabelAsync(string name) =>
        (await SendAsync("POST", $"{Repo}/labels", new { name, color = "#00aa00" }, Owner)).Json.GetProperty("id").GetInt64();

    /// <summary>Opens an issue with the owner's token, with label ids; returns its number.</summary>
    public async Task<long> IssueAsync(string title, params long[] labels) =>
        (await SendAsync("POST", $"{Repo}/issues", new { title, labels }, Owner)).Json.GetProperty("number").GetInt64();

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>One answer: status, body, and the paging headers.</summary>
internal sealed record Answer(int Status, string Body, string? TotalCount, string? Link)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Message => Body.Length > 0 && Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("message", out JsonElement m) ? m.GetString() : null;

    public IEnumerable<string> Names => Json.EnumerateArray().Select(e => (e.TryGetProperty("name", out JsonElement n) ? n : e.GetProperty("title")).GetString()!);
}
