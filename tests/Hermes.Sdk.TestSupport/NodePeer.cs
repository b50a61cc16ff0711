using System.Diagnostics;
using System.Text.Json;

namespace Hermes.Sdk.TestSupport;

/// <summary>
/// Runs one of the Node.js peers in tests/interop (nostr-tools, nkeys.js, nats) with a JSON request on standard input
/// — secrets never go on a command line — and returns its JSON answer.
/// </summary>
public static class NodePeer
{
    /// <summary>Runs <paramref name="script"/> (a file in tests/interop) with <paramref name="request"/>.</summary>
    public static async Task<JsonElement> RunAsync(string script, object request, CancellationToken cancellationToken = default)
    {
        string modules = Path.Combine(RepoPaths.Interop, "node_modules");
        if (!Directory.Exists(modules))
        {
            throw new InvalidOperationException($"The Node.js interop peers are not installed ({modules} is missing). Building the test project installs them (eng/ensure-node-peers.sh).");
        }

        var start = new ProcessStartInfo("node", [Path.Combine(RepoPaths.Interop, script)])
        {
            WorkingDirectory = RepoPaths.Interop,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(request).AsMemory(), timeout.Token);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} exited with {process.ExitCode}: {await stderr}");
        }

        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
