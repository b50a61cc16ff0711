using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Hermes.Sdk.Gitea.Webhooks;

namespace Hermes.Sdk.Gitea.Tests;

/// <summary>
/// The webhook receiver, sent deliveries shaped as Gitea sends them (services/webhook/deliver.go: the headers;
/// modules/structs/hook.go: IssuePayload and PullRequestPayload), each signed by Node's crypto — not by our code.
/// </summary>
public sealed class WebhookReceiverTests
{
    private const string Secret = "hook-secret-from-gitea";

    private static readonly string LabelledReady = """
        {"action":"label_updated","number":7,"changes":null,
         "issue":{"id":101,"number":7,"title":"Add rate limiting","state":"open","labels":[{"id":3,"name":"ready","color":"0e8a16"}]},
         "repository":{"id":1,"name":"work","full_name":"fleet/work"},"sender":{"id":1,"login":"root"}}
        """;

    private static readonly string PullOpened = """
        {"action":"opened","number":8,"pull_request":{"id":55,"number":8,"title":"Rate limiting","state":"open"},
         "repository":{"id":1,"name":"work","full_name":"fleet/work"},"sender":{"id":2,"login":"worker-1"}}
        """;

    [Fact]
    public async Task A_signed_delivery_wakes_the_agent_for_a_ready_issue_and_a_pull_request_to_review()
    {
        await using GiteaWebhookReceiver receiver = await StartAsync();
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(http, receiver, "issues", "issue_label", LabelledReady, await NodeSignAsync(LabelledReady)));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(http, receiver, "pull_request", "pull_request", PullOpened, await NodeSignAsync(PullOpened)));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(new GiteaWakeUp(GiteaWakeReason.IssueReady, "fleet/work", 7, "delivery-issues"), await receiver.WaitAsync(timeout.Token));
        Assert.Equal(new GiteaWakeUp(GiteaWakeReason.ReviewNeeded, "fleet/work", 8, "delivery-pull_request"), await receiver.WaitAsync(timeout.Token));
    }

    [Fact]
    public async Task Unsigned_forged_or_irrelevant_deliveries_wake_nothing()
    {
        await using GiteaWebhookReceiver receiver = await StartAsync();
        using var http = new HttpClient();
        string notReady = LabelledReady.Replace("\"name\":\"ready\"", "\"name\":\"blocked\"", StringComparison.Ordinal);
        string otherRepo = PullOpened.Replace("fleet/work", "someone/else", StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, receiver, "issues", "issue_label", LabelledReady, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, receiver, "issues", "issue_label", LabelledReady, await NodeSignAsync(LabelledReady, "another-secret")));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, receiver, "issues", "issue_label", LabelledReady + " ", await NodeSignAsync(LabelledReady))); // body changed after signing
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(http, receiver, "issues", "issue_label", notReady, await NodeSignAsync(notReady)));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(http, receiver, "pull_request", "pull_request", otherRepo, await NodeSignAsync(otherRepo)));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(http, receiver, "push", "push", """{"ref":"refs/heads/main"}""", await NodeSignAsync("""{"ref":"refs/heads/main"}""")));

        Assert.False(receiver.WakeUps.TryRead(out _));
    }

    [Fact]
    public void The_test_deliveries_are_shaped_as_giteas_own_payload_structs_and_swagger_definitions()
    {
        // IssuePayload and PullRequestPayload (modules/structs/hook.go): action, number, issue or pull_request, repository,
        // sender — each part an API object, checked against the definition Gitea's swagger gives it.
        using JsonDocument issue = JsonDocument.Parse(LabelledReady), pull = JsonDocument.Parse(PullOpened);
        Assert.Empty(SwaggerValidator.Gitea.Validate(issue.RootElement.GetProperty("issue").GetRawText(), "Issue"));
        Assert.Empty(SwaggerValidator.Gitea.Validate(pull.RootElement.GetProperty("pull_request").GetRawText(), "PullRequest"));
        foreach (JsonDocument payload in new[] { issue, pull })
        {
            Assert.Empty(SwaggerValidator.Gitea.Validate(payload.RootElement.GetProperty("repository").GetRawText(), "Repository"));
            Assert.Empty(SwaggerValidator.Gitea.Validate(payload.RootElement.GetProperty("sender").GetRawText(), "User"));
            Assert.Equal(["action", "number"], payload.RootElement.EnumerateObject().Select(p => p.Name).Take(2));
        }
    }

    [Theory]
    [InlineData("http://0.0.0.0:0/hooks")]
    [InlineData("http://192.168.1.10:8765/hooks")]
    [InlineData("http://example.org/hooks")]
    [InlineData("https://127.0.0.1:8765/hooks")]
    public void Only_loopback_and_tailscale_addresses_are_accepted(string listen)
    {
        var ex = Assert.Throws<ArgumentException>(() => new GiteaWebhookOptions { Listen = new Uri(listen) }.Validate());
        Assert.Equal("Listen", ex.ParamName);
        new GiteaWebhookOptions { Listen = new Uri("http://100.101.102.103:8765/hooks") }.Validate();
        new GiteaWebhookOptions { Listen = new Uri("http://[fd7a:115c:a1e0::1]:8765/hooks") }.Validate();
        new GiteaWebhookOptions { Listen = new Uri("http://[::1]:8765/hooks") }.Validate();
    }

    [Fact]
    public async Task A_missing_secret_names_its_variable()
    {
        var options = new GiteaWebhookOptions { Listen = new Uri("http://127.0.0.1:0/hooks/gitea"), SecretEnvironmentVariable = "HERMES_TEST_NO_SUCH_SECRET" };
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => GiteaWebhookReceiver.StartAsync(options, _ => null));
        Assert.Contains("HERMES_TEST_NO_SUCH_SECRET", ex.Message, StringComparison.Ordinal);
    }

    private static Task<GiteaWebhookReceiver> StartAsync() =>
        GiteaWebhookReceiver.StartAsync(new GiteaWebhookOptions { Listen = new Uri("http://127.0.0.1:0/hooks/gitea"), SecretEnvironmentVariable = "HOOK_SECRET", Repository = "fleet/work" }, name => name == "HOOK_SECRET" ? Secret : null);

    /// <summary>Posts as Gitea's deliverer does: JSON body, X-Gitea-Event (the family), X-Gitea-Event-Type, X-Gitea-Delivery, X-Gitea-Signature.</summary>
    private static async Task<HttpStatusCode> PostAsync(HttpClient http, GiteaWebhookReceiver receiver, string gitEvent, string eventType, string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Gitea-Event", gitEvent);
        request.Headers.Add("X-Gitea-Event-Type", eventType);
        request.Headers.Add("X-Gitea-Delivery", "delivery-" + gitEvent);
        if (signature is not null)
        {
            request.Headers.Add("X-Gitea-Signature", signature);
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + signature);
        }

        using HttpResponseMessage response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>HMAC-SHA256 hex by Node's crypto, an implementation that is not ours.</summary>
    private static async Task<string> NodeSignAsync(string body, string secret = Secret)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add("let b=[];process.stdin.on('data',d=>b.push(d)).on('end',()=>process.stdout.write(require('crypto').createHmac('sha256',process.argv[1]).update(Buffer.concat(b)).digest('hex')))");
        start.ArgumentList.Add(secret);
        using Process node = Process.Start(start)!;
        await node.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(body));
        node.StandardInput.Close();
        string signature = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        return signature;
    }
}
