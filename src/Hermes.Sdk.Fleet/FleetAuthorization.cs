using System.Text;
using Hermes.Sdk.Identity.NKeys;

namespace Hermes.Sdk.Fleet;

/// <summary>
/// The nats-server <c>authorization</c> block for a fleet, generated from its members so that each agent's key may speak
/// only for that agent:
/// <list type="bullet">
/// <item>publish: its own heartbeat subject; results to any dispatcher (signed, see <see cref="FleetOptions.TrustedKeys"/>)
/// and work complete; work, quick questions and dead letters; replies to inboxes; JetStream's API, acknowledgements
/// and the done bucket;</item>
/// <item>subscribe: every heartbeat (the roster), live work of its own tiers only, its own results and questions, work
/// complete, and its inboxes.</item>
/// </list>
/// Another agent's heartbeat subject, another tier's live work, or a write to the registry's bucket is refused by the
/// server itself ("Permissions Violation"), whatever the client does. The operator's key may write the registry.
/// </summary>
public static class FleetAuthorization
{
    /// <summary>The <c>authorization { users = [...] }</c> block for nats-server's configuration file.</summary>
    /// <param name="fleet">The fleet's name.</param>
    /// <param name="members">The fleet's agents.</param>
    /// <param name="operatorNKey">The operator's NATS user NKey, the only one that may write the registry; null for none.</param>
    /// <returns>The configuration text.</returns>
    /// <exception cref="ArgumentException">A name, tier or key is not valid, or a key or name repeats.</exception>
    public static string ToServerConfig(string fleet, IEnumerable<FleetMember> members, string? operatorNKey = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        var subjects = new FleetSubjects(fleet);
        List<FleetMember> all = [.. members];
        foreach (FleetMember m in all)
        {
            FleetSubjects.Check(m.Agent);
            _ = NKeyPublicKey.Parse(m.NKey, NKeyRole.User);
            foreach (string tier in m.Tiers)
            {
                FleetSubjects.Check(tier);
            }
        }

        if (all.GroupBy(m => m.Agent).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Agent '{twice.Key}' is listed twice.", nameof(members));
        }

        if (operatorNKey is not null && all.Find(m => m.NKey == operatorNKey) is { } also)
        {
            throw new ArgumentException($"The operator's key is also agent {also.Agent}'s: the operator needs a key of its own.", nameof(operatorNKey));
        }

        if (all.GroupBy(m => m.NKey).FirstOrDefault(g => g.Count() > 1) is { } shared)
        {
            throw new ArgumentException($"Agents {string.Join(" and ", shared.Select(m => m.Agent))} share one NKey: each agent needs its own.", nameof(members));
        }

        // The registry's bucket: nobody but the operator writes it, through KV puts or JetStream's stream API.
        string registryStream = "KV_" + subjects.RegistryBucket;
        string[] registryWrites =
        [
            $"$KV.{subjects.RegistryBucket}.>", $"$JS.API.STREAM.CREATE.{registryStream}", $"$JS.API.STREAM.UPDATE.{registryStream}",
            $"$JS.API.STREAM.DELETE.{registryStream}", $"$JS.API.STREAM.PURGE.{registryStream}", $"$JS.API.STREAM.MSG.DELETE.{registryStream}",
        ];
        // The operations record is the operator's too: agents may read it, never rewrite or delete it.
        string opsStream = subjects.OpsStream;
        registryWrites =
        [
            .. registryWrites, $"{subjects.Prefix}.ops.>", $"$JS.API.STREAM.CREATE.{opsStream}", $"$JS.API.STREAM.UPDATE.{opsStream}",
            $"$JS.API.STREAM.DELETE.{opsStream}", $"$JS.API.STREAM.PURGE.{opsStream}", $"$JS.API.STREAM.MSG.DELETE.{opsStream}",
        ];
        var text = new StringBuilder("authorization {\n  users = [\n");
        if (operatorNKey is not null)
        {
            _ = NKeyPublicKey.Parse(operatorNKey, NKeyRole.User);
            string[] operatorPublish = [$"{subjects.Prefix}.>", $"$KV.{subjects.RegistryBucket}.>", $"$KV.{subjects.DoneBucket}.>", $"$KV.{subjects.SchedulesBucket}.>", "$JS.API.>", "$JS.ACK.>", "$JS.FC.>", "_INBOX.>"];
            text.Append("    # the operator: writes the registry\n")
                .Append("    { nkey: \"").Append(operatorNKey).Append("\", permissions: {\n")
                .Append("        publish: { allow: [").Append(string.Join(", ", operatorPublish.Select(Quote))).Append("] }\n")
                .Append("        subscribe: { allow: [").Append(Quote($"{subjects.Prefix}.>")).Append(", \"_INBOX.>\"] }\n")
                .Append("    } }\n");
        }

        foreach (FleetMember m in all)
        {
            string[] publish =
            [
                subjects.Heartbeat(m.Agent), $"{subjects.Prefix}.results.*", subjects.WorkComplete, $"{subjects.Prefix}.work.live.*", subjects.AllDurableWork,
                $"{subjects.Prefix}.ask.*", subjects.AllDeadLetters, "_INBOX.>", "$JS.API.>", "$JS.ACK.>", "$JS.FC.>", $"$KV.{subjects.DoneBucket}.>", $"$KV.{subjects.SchedulesBucket}.*.state",
            ];
            string[] subscribe =
            [
                subjects.AllHeartbeats, .. m.Tiers.Select(subjects.LiveWork), subjects.Results(m.Agent), subjects.Ask(m.Agent), subjects.WorkComplete, "_INBOX.>",
            ];
            text.Append("    # ").Append(m.Agent).Append(m.Tiers.Count == 0 ? string.Empty : $" (tiers: {string.Join(", ", m.Tiers)})").Append('\n')
                .Append("    { nkey: \"").Append(m.NKey).Append("\", permissions: {\n")
                .Append("        publish: { allow: [").Append(string.Join(", ", publish.Select(Quote))).Append("], deny: [").Append(string.Join(", ", registryWrites.Select(Quote))).Append("] }\n")
                .Append("        subscribe: { allow: [").Append(string.Join(", ", subscribe.Select(Quote))).Append("] }\n")
                .Append("    } }\n");
        }

        return text.Append("  ]\n}\n").ToString();
    }

    private static string Quote(string subject) => $"\"{subject}\"";
}
