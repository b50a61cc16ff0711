using System.Text.Json;
using Hermes.Sdk.Identity.NKeys;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Fleet.Tests;

/// <summary>The nats.js peer (tests/interop/nats-peer.mjs), connected with an agent's own NKey, its seed on stdin only.</summary>
internal static class NatsJsPeer
{
    /// <summary>Publishes (plain or JetStream) and optionally collects; the answer has results, server errors and what was collected.</summary>
    public static async Task<JsonElement> RunAsync(NKeyPair key, string url, (string Subject, string Data, bool JetStream)[] messages, (string Subject, int Count, int Ms)? collect = null)
    {
        char[] seed = new char[58];
        try
        {
            int length = key.ExportSeed(seed);
            return await NodePeer.RunAsync("nats-peer.mjs", new
            {
                url,
                seed = new string(seed, 0, length),
                messages = messages.Select(m => new { subject = m.Subject, data = m.Data, jetstream = m.JetStream }),
                collect = collect is { } c ? new { subject = c.Subject, count = c.Count, ms = c.Ms } : null,
            });
        }
        finally
        {
            Array.Clear(seed);
        }
    }
}
