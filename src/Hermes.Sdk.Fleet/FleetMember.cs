namespace Hermes.Sdk.Fleet;

/// <summary>An agent of the fleet as the bus's rights know it: its name, its NATS user NKey and the tiers whose work it takes.</summary>
/// <param name="Agent">The agent's name (a subject token).</param>
/// <param name="NKey">Its NATS user NKey, public (<c>U…</c>).</param>
/// <param name="Tiers">The tiers whose work it may consume; empty for an agent that only dispatches.</param>
public sealed record FleetMember(string Agent, string NKey, IReadOnlyList<string> Tiers);
