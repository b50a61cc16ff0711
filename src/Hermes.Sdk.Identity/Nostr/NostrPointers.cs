namespace Hermes.Sdk.Identity.Nostr;

/// <summary>A NIP-19 <c>nprofile</c>: a public key with hints of relays where the profile may be found.</summary>
/// <param name="PublicKey">The profile's public key.</param>
/// <param name="Relays">Relay URLs, in the order written (possibly none).</param>
public sealed record NostrProfilePointer(NostrPublicKey PublicKey, IReadOnlyList<string> Relays);

/// <summary>A NIP-19 <c>nevent</c>: an event id with optional relay hints, author and kind.</summary>
/// <param name="Id">The event id, 64 lower-case hex characters.</param>
/// <param name="Relays">Relay URLs, in the order written (possibly none).</param>
/// <param name="Author">The author's public key, when given.</param>
/// <param name="Kind">The event kind, when given.</param>
public sealed record NostrEventPointer(string Id, IReadOnlyList<string> Relays, NostrPublicKey? Author, uint? Kind);

/// <summary>A NIP-19 <c>naddr</c>: an addressable event, named by its <c>d</c> tag, author and kind.</summary>
/// <param name="Identifier">The <c>d</c> tag value (possibly empty).</param>
/// <param name="Author">The author's public key.</param>
/// <param name="Kind">The event kind.</param>
/// <param name="Relays">Relay URLs, in the order written (possibly none).</param>
public sealed record NostrAddressPointer(string Identifier, NostrPublicKey Author, uint Kind, IReadOnlyList<string> Relays);
